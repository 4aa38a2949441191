"""Every transition: allowed, wrong state, wrong role — and a refused call changes nothing (STYLE rule 9)."""

import datetime as dt

import pytest
import time_machine

from applications import services
from applications.models import Application, ApplicationEvent, Deadline, Education, Material, Status
from tests.conftest import shanghai
from tests.factories import answers, submit
from zhicheng.errors import DomainError, PermissionDenied, TransitionConflict
from zhicheng.models import Notification

pytestmark = pytest.mark.django_db


def snapshot(app: Application):
    app.refresh_from_db()
    return (
        app.status,
        app.correction_items,
        app.held_until,
        app.paper_received_at,
        list(ApplicationEvent.objects.filter(application=app).values_list("pk", flat=True)),
        list(Material.objects.filter(application=app).values_list("pk", flat=True)),
        list(Deadline.objects.filter(application=app).values_list("pk", "closed_at", "due_at")),
    )


def assert_refused(app, call, error=DomainError):
    before = snapshot(app)
    notes = Notification.objects.count()
    with pytest.raises(error):
        call()
    assert snapshot(app) == before
    assert Notification.objects.count() == notes


@pytest.fixture
def at_unit(world, in_window):
    return submit(world.draft())


def to_dept(world, app):
    services.application_unit_approve(application=app, actor=world.unit_reviewer)
    with time_machine.travel(shanghai(2024, 4, 18, 9), tick=False):
        services.application_publicity_end(application=app)
    return app


def to_committee(world, app):
    to_dept(world, app)
    services.application_dept_approve(application=app, actor=world.dept_reviewer)
    return app


# ---- submit


def test_submit_allowed(world, in_window):
    app = world.draft()
    submit(app)
    assert app.status == Status.UNIT_REVIEW
    assert app.pledge_signed_at is not None and "七(三)" in app.pledge_text and app.pledge_ip == "127.0.0.1"
    ev = app.events.last()
    assert (ev.action, ev.from_status, ev.to_status, ev.actor_id) == (
        "submit",
        "draft",
        "unit_review",
        app.applicant.user_id,
    )


def test_submit_wrong_role(world, in_window):
    app = world.draft()
    for user in (world.unit_reviewer, world.supervisor, world.outsider):
        assert_refused(
            app,
            lambda u=user: services.application_submit(application=app, actor=u, pledge_accepted=True),
            PermissionDenied,
        )


def test_submit_wrong_state(at_unit):
    app = at_unit
    assert_refused(
        app,
        lambda: services.application_submit(application=app, actor=app.applicant.user, pledge_accepted=True),
        TransitionConflict,
    )


def test_submit_without_pledge_refused(world, in_window):
    app = world.draft()
    assert_refused(
        app, lambda: services.application_submit(application=app, actor=app.applicant.user, pledge_accepted=False)
    )


def test_submit_civil_servant_refused_with_source(world, in_window):
    app = world.draft(world.applicant(is_civil_servant=True))
    with pytest.raises(DomainError) as exc:
        services.application_submit(application=app, actor=app.applicant.user, pledge_accepted=True)
    assert "公务员" in exc.value.message and "一(三)" in exc.value.message
    app.refresh_from_db()
    assert app.status == Status.DRAFT


# ---- unit review


def test_unit_approve_allowed_wrong_role_wrong_state(world, at_unit):
    app = at_unit
    for user in (app.applicant.user, world.dept_reviewer, world.clerk, world.outsider):
        assert_refused(
            app, lambda u=user: services.application_unit_approve(application=app, actor=u), PermissionDenied
        )
    services.application_unit_approve(application=app, actor=world.unit_reviewer)
    assert app.status == Status.UNIT_PUBLICITY
    assert_refused(
        app, lambda: services.application_unit_approve(application=app, actor=world.unit_reviewer), TransitionConflict
    )


def test_publicity_cannot_end_early(world, at_unit):
    app = at_unit
    services.application_unit_approve(application=app, actor=world.unit_reviewer)
    assert_refused(app, lambda: services.application_publicity_end(application=app), TransitionConflict)
    # withdrawal is not a way out of a publicity either
    assert_refused(
        app, lambda: services.application_withdraw(application=app, actor=app.applicant.user), TransitionConflict
    )


# ---- department recheck


def test_dept_approve(world, at_unit):
    app = to_dept(world, at_unit)
    for user in (world.unit_reviewer, world.clerk, app.applicant.user):
        assert_refused(
            app, lambda u=user: services.application_dept_approve(application=app, actor=u), PermissionDenied
        )
    services.application_dept_approve(application=app, actor=world.dept_reviewer)
    assert app.status == Status.COMMITTEE_REVIEW
    assert_refused(
        app, lambda: services.application_dept_approve(application=app, actor=world.dept_reviewer), TransitionConflict
    )


# ---- committee review


def test_committee_approve_sets_paper_deadline(world, at_unit):
    app = to_committee(world, at_unit)
    for user in (world.unit_reviewer, world.dept_reviewer, world.association_clerk):
        assert_refused(
            app, lambda u=user: services.application_committee_approve(application=app, actor=u), PermissionDenied
        )
    services.application_committee_approve(application=app, actor=world.clerk)
    assert app.status == Status.COMMITTEE_PUBLICITY
    assert Deadline.objects.filter(application=app, kind=Deadline.Kind.PAPER, closed_at__isnull=True).count() == 1
    assert_refused(
        app, lambda: services.application_committee_approve(application=app, actor=world.clerk), TransitionConflict
    )


def test_committee_publicity_waits_for_paper(world, at_unit):
    app = to_committee(world, at_unit)
    services.application_committee_approve(application=app, actor=world.clerk)
    # 公示 over on 04-16 24:00; paper due 04-24 24:00 (a later receipt is refused: tests/applications/test_workflow)
    with time_machine.travel(shanghai(2024, 4, 18, 9), tick=False):
        assert_refused(app, lambda: services.application_publicity_end(application=app), TransitionConflict)
        assert_refused(
            app,
            lambda: services.application_mark_paper_received(application=app, actor=world.unit_reviewer),
            PermissionDenied,
        )
        services.application_mark_paper_received(application=app, actor=world.clerk)
        services.application_publicity_end(application=app)
    assert app.status == Status.AWAITING_MEETING


# ---- correction


@pytest.mark.parametrize("stage", ["unit", "dept", "committee"])
def test_correction_roundtrip_returns_to_the_step_that_asked(world, at_unit, stage):
    app = at_unit
    if stage in ("dept", "committee"):
        to_dept(world, app)
    if stage == "committee":
        services.application_dept_approve(application=app, actor=world.dept_reviewer)
    reviewer = {"unit": world.unit_reviewer, "dept": world.dept_reviewer, "committee": world.clerk}[stage]
    asked_in = app.status
    others = [u for u in (world.unit_reviewer, world.dept_reviewer, world.clerk) if u != reviewer]
    for user in [*others, app.applicant.user]:
        assert_refused(
            app,
            lambda u=user: services.application_request_correction(application=app, actor=u, items=["缺少学历证书"]),
            PermissionDenied,
        )
    assert_refused(app, lambda: services.application_request_correction(application=app, actor=reviewer, items=[]))
    services.application_request_correction(application=app, actor=reviewer, items=["缺少学历证书", "业绩材料未盖章"])
    assert app.status == Status.CORRECTION and app.correction_items == ["缺少学历证书", "业绩材料未盖章"]
    assert app.events.last().data["items"] == ["缺少学历证书", "业绩材料未盖章"]
    assert_refused(
        app,
        lambda: services.application_resubmit(application=app, actor=reviewer, answers=answers(app)),
        PermissionDenied,
    )
    services.application_resubmit(application=app, actor=app.applicant.user, answers=answers(app))
    assert app.status == asked_in
    assert not Deadline.objects.filter(application=app, closed_at__isnull=True, kind="correction").exists()
    assert_refused(
        app,
        lambda: services.application_resubmit(application=app, actor=app.applicant.user, answers=answers(app)),
        TransitionConflict,
    )


def test_correction_deadline_abandons_once(world, at_unit):
    app = at_unit
    services.application_request_correction(application=app, actor=world.unit_reviewer, items=["缺少学历证书"])
    dl = Deadline.objects.get(application=app, kind="correction")
    with time_machine.travel(dl.due_at.timestamp() - 1, tick=False):
        assert services.application_abandon(deadline=dl) is None
    app.refresh_from_db()
    assert app.status == Status.CORRECTION
    with time_machine.travel(dl.due_at, tick=False):
        services.application_abandon(deadline=dl)
        assert services.application_abandon(deadline=dl) is None
    app.refresh_from_db()
    assert app.status == Status.ABANDONED
    assert app.events.filter(action="abandon_correction", actor__isnull=True).count() == 1


# ---- return, reopen, reject, withdraw


def test_return_and_reopen(world, at_unit):
    app = to_committee(world, at_unit)
    assert_refused(app, lambda: services.application_return(application=app, actor=world.clerk, reason=" "))
    assert_refused(
        app,
        lambda: services.application_return(application=app, actor=world.unit_reviewer, reason="超范围"),
        PermissionDenied,
    )
    services.application_return(application=app, actor=world.clerk, reason="不属于本评委会受理范围")
    assert app.status == Status.RETURNED
    note = Notification.objects.filter(recipient=app.applicant.user).order_by("-id").first()
    assert "不属于本评委会受理范围" in note.body
    assert_refused(app, lambda: services.application_reopen(application=app, actor=world.clerk), PermissionDenied)
    services.application_reopen(application=app, actor=app.applicant.user)
    assert app.status == Status.DRAFT and app.committee is None


def test_reject(world, at_unit):
    app = at_unit
    assert_refused(
        app,
        lambda: services.application_reject(application=app, actor=world.clerk, reason="材料虚假"),
        PermissionDenied,
    )
    services.application_reject(application=app, actor=world.unit_reviewer, reason="材料不真实")
    assert app.status == Status.REJECTED
    assert_refused(  # the state is checked first on the locked row: 409, not 403 (issue 12)
        app,
        lambda: services.application_reject(application=app, actor=world.unit_reviewer, reason="x"),
        TransitionConflict,
    )


def test_withdraw(world, at_unit):
    app = at_unit
    assert_refused(
        app, lambda: services.application_withdraw(application=app, actor=world.unit_reviewer), PermissionDenied
    )
    services.application_withdraw(application=app, actor=app.applicant.user, reason="个人原因")
    assert app.status == Status.WITHDRAWN
    assert_refused(
        app, lambda: services.application_withdraw(application=app, actor=app.applicant.user), TransitionConflict
    )


def test_withdraw_refused_after_committee_accepts(world, at_unit):
    app = to_committee(world, at_unit)
    services.application_committee_approve(application=app, actor=world.clerk)
    assert_refused(
        app, lambda: services.application_withdraw(application=app, actor=app.applicant.user), TransitionConflict
    )


# ---- 初定


def test_initial_route_junior_and_intermediate(world, in_window):
    for level_name, needs_city in (("助理级", False), ("中级", True)):
        profile = world.applicant()
        if needs_city:  # 博士 → 初定中级 (镇技协〔2024〕1号 二(四))
            Education.objects.create(
                profile=profile, degree="doctor", graduated_on=dt.date(2020, 6, 30), school="东南大学", major="机械工程"
            )
        app = world.draft(profile, series_name="机械工程", level_name=level_name, route="initial")
        for kind in ("unit_consent", "diploma", "work_summary"):
            from applications.materials import material_upload
            from tests.applications.pdfs import simple_pdf

            material_upload(application=app, actor=app.applicant.user, kind=kind, name=f"{kind}.pdf", data=simple_pdf())
        submit(app)
        assert app.status == Status.ASSOCIATION_REVIEW and app.office == world.association
        assert_refused(
            app,
            lambda app=app: services.application_association_approve(application=app, actor=world.clerk),
            PermissionDenied,
        )
        services.application_association_approve(application=app, actor=world.association_clerk)
        if needs_city:
            assert app.status == Status.MUNICIPAL_APPROVAL
            assert_refused(
                app,
                lambda app=app: services.application_municipal_approve(application=app, actor=world.association_clerk),
                PermissionDenied,
            )
            services.application_municipal_approve(application=app, actor=world.supervisor)
        assert app.status == Status.APPROVED


def test_initial_submit_requires_materials(world, in_window):
    app = world.draft(series_name="机械工程", level_name="助理级", route="initial")
    with pytest.raises(DomainError) as exc:
        services.application_submit(application=app, actor=app.applicant.user, pledge_accepted=True)
    assert "单位同意申报证明" in exc.value.message and "五(三)" in exc.value.source
    app.refresh_from_db()
    assert app.status == Status.DRAFT


# ---- revoke


def test_revoke_creates_integrity_record(world, in_window):
    app = world.draft(series_name="机械工程", level_name="助理级", route="initial")
    from applications.materials import material_upload
    from tests.applications.pdfs import simple_pdf

    for kind in ("unit_consent", "diploma", "work_summary"):
        material_upload(application=app, actor=app.applicant.user, kind=kind, name="a.pdf", data=simple_pdf())
    submit(app)
    services.application_association_approve(application=app, actor=world.association_clerk)
    assert_refused(
        app,
        lambda: services.application_revoke(application=app, actor=world.association_clerk, finding="学历造假"),
        PermissionDenied,
    )
    assert_refused(app, lambda: services.application_revoke(application=app, actor=world.supervisor, finding=""))
    services.application_revoke(application=app, actor=world.supervisor, finding="学历证书造假")
    assert app.status == Status.REVOKED
    from applications.models import IntegrityRecord

    rec = IntegrityRecord.objects.get(id_number=app.applicant.id_number)
    assert (rec.found_on.isoformat(), rec.expires_on.isoformat()) == ("2024-04-10", "2027-04-10")
