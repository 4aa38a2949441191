"""The workflow declaration walked act by act (issue 12): every act allowed for the right person with its one event,
refused in a wrong state with 409 naming the state in Chinese, refused to the wrong person with 403 — and a refusal
changes nothing: no event, no deadline, no notice, no on_commit callback."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from applications import services, workflow
from applications.materials import material_upload
from applications.models import Application, ApplicationEvent, Deadline, Education, Status
from applications.workflow import ACTS
from tests.applications.pdfs import simple_pdf
from tests.conftest import shanghai
from tests.factories import answers, review_materials, submit
from zhicheng.errors import DomainError, PermissionDenied, TransitionConflict
from zhicheng.models import Notification
from zhicheng.roles import Role

pytestmark = pytest.mark.django_db
S = Status
START = shanghai(2024, 4, 10, 9, 0)
PUB_OVER = shanghai(2024, 4, 18, 9, 0)  # after the 5th working day of a 公示 started 2024-04-10
PAPER_OVER = shanghai(2024, 4, 26, 9, 0)


def _initial(world, level_name: str) -> Application:
    person = world.applicant()
    if level_name == "中级":
        Education.objects.create(
            profile=person, degree=Education.Degree.DOCTOR, graduated_on=dt.date(2020, 6, 30), school="东南大学",
            major="机械工程",
        )  # fmt: skip
    app = world.draft(person, series_name="机械工程", level_name=level_name, route="initial")
    for kind in ("unit_consent", "diploma", "work_summary"):
        material_upload(application=app, actor=app.applicant.user, kind=kind, name=f"{kind}.pdf", data=simple_pdf())
    return submit(app)


def reach(world, state: str, clock) -> Application:
    """A fresh case brought to `state` through the services (the clock is moved as the rules need)."""
    clock.move_to(START)
    if state == S.ASSOCIATION_REVIEW:
        return _initial(world, "助理级")
    if state == S.MUNICIPAL_APPROVAL:
        app = _initial(world, "中级")
        services.application_association_approve(application=app, actor=world.association_clerk)
        return _fresh(app)
    if state == S.APPROVED:
        app = _initial(world, "助理级")
        services.application_association_approve(application=app, actor=world.association_clerk)
        return _fresh(app)
    app = world.draft()
    if state == S.DRAFT:
        return review_materials(app)  # issue 14: the 评审 materials list is checked at submission
    submit(app)
    path = {
        S.UNIT_REVIEW: [],
        S.CORRECTION: ["correction"],
        S.UNIT_PUBLICITY: ["unit"],
        S.DEPT_RECHECK: ["unit", "end"],
        S.COMMITTEE_REVIEW: ["unit", "end", "dept"],
        S.RETURNED: ["unit", "end", "dept", "return"],
        S.COMMITTEE_PUBLICITY: ["unit", "end", "dept", "committee"],
        S.AWAITING_MEETING: ["unit", "end", "dept", "committee", "paper", "end2"],
        S.IN_MEETING: ["unit", "end", "dept", "committee", "paper", "end2", "meeting"],
        S.PASSED: ["unit", "end", "dept", "committee", "paper", "end2", "meeting", "pass"],
        S.RESULT_PUBLICITY: ["unit", "end", "dept", "committee", "paper", "end2", "meeting", "pass", "result"],
        S.AWAITING_PUBLICATION: ["unit", "end", "dept", "committee", "paper", "end2", "meeting", "pass", "result",
                                 "end3"],
        S.PUBLISHED: ["unit", "end", "dept", "committee", "paper", "end2", "meeting", "pass", "result", "end3",
                      "publish"],
    }[state]  # fmt: skip
    for step in path:
        _step(world, app, step, clock)
    app = _fresh(app)
    assert app.status == state
    return app


def _fresh(app: Application) -> Application:
    return Application.objects.select_related("applicant__user", "unit", "level", "office").get(pk=app.pk)


def _unit_person(world, role: Role):
    """A unit administrator or HR account of the case's unit (issue 13): entitled to no act of the workflow."""
    from tests.factories import UserFactory, grant

    attr = f"_{role.value}"
    if not hasattr(world, attr):
        setattr(world, attr, grant(UserFactory(), role, unit=world.unit))
    return getattr(world, attr)


def person(world, role: Role, app: Application):
    if role in (Role.UNIT_ADMIN, Role.UNIT_HR):
        return _unit_person(world, role)
    return {
        Role.APPLICANT: app.applicant.user,
        Role.UNIT_REVIEWER: world.unit_reviewer,
        Role.DEPT_REVIEWER: world.dept_reviewer,
        Role.COMMITTEE_CLERK: world.clerk,
        Role.ASSOCIATION_CLERK: world.association_clerk,
        Role.SUPERVISOR: world.supervisor,
    }[role]


def call(name: str, app: Application, actor):
    """Each act through its public service, with valid input."""
    period = services.publicity_period(dt.date(2024, 4, 10))
    return {
        "submit": lambda: services.application_submit(application=app, actor=actor, pledge_accepted=True),
        "unit_approve": lambda: services.application_unit_approve(application=app, actor=actor),
        "dept_approve": lambda: services.application_dept_approve(application=app, actor=actor),
        "committee_approve": lambda: services.application_committee_approve(application=app, actor=actor),
        "meeting_open": lambda: services.application_meeting_open(application=app, actor=actor, meeting_id=0),
        "record_result": lambda: services.application_record_result(
            application=app, actor=actor, passed=True, votes={}
        ),
        "result_publicity_start": lambda: services.application_result_publicity_start(
            application=app, actor=actor, period=period
        ),
        "publish": lambda: services.application_publish(
            application=app, actor=actor, document_number="镇职称办〔2024〕1号"
        ),
        "association_approve": lambda: services.application_association_approve(application=app, actor=actor),
        "municipal_approve": lambda: services.application_municipal_approve(application=app, actor=actor),
        "request_correction": lambda: services.application_request_correction(
            application=app, actor=actor, items=["缺少学历证书"]
        ),
        "resubmit": lambda: services.application_resubmit(application=app, actor=actor, answers=answers(app)),
        "return_out_of_scope": lambda: services.application_return(application=app, actor=actor, reason="超出范围"),
        "reopen": lambda: services.application_reopen(application=app, actor=actor),
        "reject": lambda: services.application_reject(application=app, actor=actor, reason="不符合条件"),
        "withdraw": lambda: services.application_withdraw(application=app, actor=actor),
        "revoke": lambda: services.application_revoke(application=app, actor=actor, finding="学历造假"),
        "paper_received": lambda: services.application_mark_paper_received(application=app, actor=actor),
        "paper_extend": lambda: services.application_paper_extend(
            application=app, actor=actor, working_days=3, reason="邮寄延误"
        ),
    }[name]()


# Acts a person does, each with its service: the ones the system does (timers, certificates) and the objection
# decisions (they need an objection row: tests/publicity) are walked separately below.
PERSON_ACTS = sorted(
    n for n, a in ACTS.items() if not a.system and n not in ("objection_upheld", "objection_dismissed")
)


def snapshot(app: Application):
    app = Application.objects.get(pk=app.pk)
    return (
        app.status,
        app.events.count(),
        Deadline.objects.filter(application=app).count(),
        Notification.objects.count(),
        app.updated_at,
    )


def test_every_person_act_is_walked():
    assert set(PERSON_ACTS) == {n for n, a in ACTS.items() if not a.system} - {
        "objection_upheld",
        "objection_dismissed",
    }


@pytest.mark.parametrize("name", PERSON_ACTS)
def test_act_allowed_wrong_state_wrong_role(name, world, django_capture_on_commit_callbacks):
    act = ACTS[name]
    with time_machine.travel(START, tick=False) as clock:
        # allowed: the right person, in the act's first source state, gets exactly one event of the act
        app = reach(world, act.sources[0], clock)
        role = workflow.roles_for(act, app)[0]
        before = app.events.count()
        call(name, app, person(world, role, app))
        app = _fresh(app)
        ev = app.events.order_by("-id").first()
        assert app.events.count() == before + 1
        assert (ev.action, ev.actor_role) == (name, role)
        assert ev.from_status == act.sources[0]
        assert app.status in (act.targets or act.sources)

        # wrong state: a case in a state the act does not start from → 409 naming that state, nothing changes
        other = next(s for s in (S.DRAFT, S.UNIT_REVIEW, S.COMMITTEE_REVIEW, S.UNIT_PUBLICITY) if s not in act.sources)
        wrong = reach(world, other, clock)
        before = snapshot(wrong)
        with django_capture_on_commit_callbacks() as callbacks, pytest.raises(TransitionConflict) as exc:
            call(name, wrong, person(world, role, wrong))
        assert exc.value.status == 409 and f"「{S(other).label}」" in exc.value.message
        assert snapshot(wrong) == before and callbacks == []

        # wrong role: everyone else who is not entitled → 403, nothing changes
        right = reach(world, act.sources[0], clock)
        allowed = set(workflow.roles_for(act, right))
        for intruder in set(Role) - allowed - {Role.SYSTEM}:
            who = person(world, intruder, right)
            before = snapshot(right)
            with django_capture_on_commit_callbacks() as callbacks, pytest.raises(PermissionDenied) as exc:
                call(name, right, who)
            assert exc.value.status == 403
            assert snapshot(right) == before and callbacks == []


@pytest.mark.parametrize("name", ["unit_publicity_end", "committee_publicity_end", "result_publicity_end"])
def test_closing_acts_wait_for_their_conditions(name, world, django_capture_on_commit_callbacks):
    act = ACTS[name]
    with time_machine.travel(START, tick=False) as clock:
        app = reach(world, act.sources[0], clock)
        before = snapshot(app)
        with django_capture_on_commit_callbacks() as callbacks, pytest.raises(TransitionConflict) as exc:
            services.application_publicity_end(application=app)
        assert "公示期未满" in exc.value.message and "24:00 期满" in exc.value.message
        assert snapshot(app) == before and callbacks == []
        clock.move_to(shanghai(2024, 6, 1, 9))
        if name == "committee_publicity_end":
            with pytest.raises(TransitionConflict) as exc:
                services.application_publicity_end(application=app)
            assert "纸质材料尚未登记" in exc.value.message
            return  # the paper deadline has passed by now: receipt is refused and the case abandoned (below)
        services.application_publicity_end(application=app)
        assert _fresh(app).status == act.targets[0]
        assert ApplicationEvent.objects.filter(application=app, action=name, actor_role=Role.SYSTEM).count() == 1


def test_stale_copy_cannot_act_in_the_wrong_capacity(world):
    """The act is resolved from the locked row: a case in 公示 answers 409 to 补正/不予通过 (not 403), and a unit
    reviewer holding a stale copy of a case that has moved on to 主管部门复核 is refused instead of being recorded as
    `dept_recheck → correction, role unit_reviewer`."""
    with time_machine.travel(START, tick=False) as clock:
        app = reach(world, S.UNIT_REVIEW, clock)
        stale = Application.objects.get(pk=app.pk)
        services.application_unit_approve(application=app, actor=world.unit_reviewer)
        for service in (
            lambda: services.application_request_correction(application=stale, actor=world.unit_reviewer, items=["x"]),
            lambda: services.application_reject(application=stale, actor=world.unit_reviewer, reason="x"),
        ):
            with pytest.raises(TransitionConflict) as exc:
                service()
            assert exc.value.status == 409 and "单位评前公示" in exc.value.message
        clock.move_to(PUB_OVER)
        services.application_publicity_end(application=app)  # now in 主管部门复核
        with pytest.raises(PermissionDenied):
            services.application_request_correction(application=stale, actor=world.unit_reviewer, items=["x"])
        assert not ApplicationEvent.objects.filter(application=app, action="request_correction").exists()
        # the department reviewer, whose step it is now, may: recorded in their capacity
        services.application_request_correction(application=stale, actor=world.dept_reviewer, items=["缺少证明"])
        ev = ApplicationEvent.objects.filter(application=app).order_by("-id").first()
        assert (ev.from_status, ev.to_status, ev.actor_role) == (S.DEPT_RECHECK, S.CORRECTION, Role.DEPT_REVIEWER)


def test_junior_publication_records_the_clerk(world):
    """下放初级: the committee office publishes a 初级 case and the event says so (not 市职称办)."""
    with time_machine.travel(START, tick=False) as clock:
        app = world.draft(level_name="助理级")
        app.applicant.titles.all().delete()
        submit(app)
        app = _fresh(app)
        for step in ("unit", "end", "dept", "committee", "paper", "end2", "meeting", "pass", "result", "end3"):
            _step(world, app, step, clock)
        assert _fresh(app).status == S.AWAITING_PUBLICATION
        services.application_publish(application=app, actor=world.clerk, document_number="镇职称中心〔2024〕3号")
        ev = ApplicationEvent.objects.filter(application=app, action="publish").get()
        assert ev.actor_role == Role.COMMITTEE_CLERK


def _step(world, app, step, clock):
    """One step of the route, by the person whose step it is."""
    if step == "correction":
        services.application_request_correction(application=app, actor=world.unit_reviewer, items=["缺少材料"])
    elif step == "return":
        services.application_return(application=app, actor=world.clerk, reason="超出受理范围")
    elif step == "publish":
        services.application_publish(application=app, actor=world.supervisor, document_number="镇职称办〔2024〕99号")
    elif step == "unit":
        services.application_unit_approve(application=app, actor=world.unit_reviewer)
    elif step == "end":
        clock.move_to(PUB_OVER)
        services.application_publicity_end(application=app)
    elif step == "dept":
        services.application_dept_approve(application=app, actor=world.dept_reviewer)
    elif step == "committee":
        services.application_committee_approve(application=app, actor=world.clerk)
    elif step == "paper":
        services.application_mark_paper_received(application=app, actor=world.clerk)
    elif step == "end2":
        clock.move_to(PAPER_OVER)
        services.application_publicity_end(application=app)
    elif step == "meeting":
        services.application_meeting_open(application=app, actor=world.clerk, meeting_id=0)
    elif step == "pass":
        services.application_record_result(application=app, actor=world.clerk, passed=True, votes={})
    elif step == "result":
        period = services.publicity_period(dt.date(2024, 4, 26))
        services.application_result_publicity_start(application=app, actor=world.clerk, period=period)
    elif step == "end3":
        clock.move_to(shanghai(2024, 5, 10, 9))
        services.application_publicity_end(application=app)


def test_no_one_reviews_their_own_case(world):
    """回避: a unit reviewer who is also the applicant cannot approve or decide their own case."""
    with time_machine.travel(START, tick=False) as clock:
        app = reach(world, S.UNIT_REVIEW, clock)
        from tests.factories import grant

        grant(app.applicant.user, Role.UNIT_REVIEWER, unit=world.unit)
        me = app.applicant.user
        assert services.available_acts(me, app) and all(
            o.role == Role.APPLICANT for o in services.available_acts(me, app)
        )
        with pytest.raises(PermissionDenied):
            services.application_unit_approve(application=app, actor=me)


def test_late_resubmission_is_refused_and_abandons_once(world):
    """A 补正 answered one second after its due time: refused, and the case is abandoned at once — exactly once,
    even when the sweep runs right after (SPEC §5)."""
    from operations.sweep import timers_sweep

    with time_machine.travel(START, tick=False) as clock:
        app = reach(world, S.CORRECTION, clock)
        dl = Deadline.objects.get(application=app, kind=Deadline.Kind.CORRECTION, closed_at__isnull=True)
        clock.move_to(dl.due_at + dt.timedelta(seconds=1))
        with pytest.raises(TransitionConflict) as exc:
            services.application_resubmit(application=app, actor=app.applicant.user, answers=answers(app))
        assert "视为放弃" in exc.value.message
        assert _fresh(app).status == S.ABANDONED
        timers_sweep()
        assert ApplicationEvent.objects.filter(application=app, action="abandon_correction").count() == 1


def test_late_paper_receipt_is_refused_and_abandons(world):
    with time_machine.travel(START, tick=False) as clock:
        app = reach(world, S.COMMITTEE_PUBLICITY, clock)
        dl = Deadline.objects.get(application=app, kind=Deadline.Kind.PAPER, closed_at__isnull=True)
        clock.move_to(dl.due_at + dt.timedelta(days=3))
        with pytest.raises(TransitionConflict) as exc:
            services.application_mark_paper_received(application=app, actor=world.clerk)
        assert exc.value.code == "deadline_passed" and "附件备注3" in exc.value.source
        assert _fresh(app).status == S.ABANDONED and _fresh(app).paper_received_at is None


def test_fsm_transitions_are_the_declaration():
    """The model's django-fsm transitions carry exactly the declared sources and targets."""
    field = Application._meta.get_field("status")
    for t in field.get_all_transitions(Application):
        act = ACTS[t.name]
        assert str(t.source) in act.sources
    names = {t.name for t in field.get_all_transitions(Application)}
    assert names == set(ACTS)


def test_derived_lists_come_from_the_declaration():
    assert set(workflow.TERMINAL) == {S.NOT_PASSED, S.ABANDONED, S.REJECTED, S.WITHDRAWN, S.REVOKED}
    assert workflow.inbox_states({Role.UNIT_REVIEWER}) == [S.UNIT_REVIEW, S.UNIT_PUBLICITY, S.CORRECTION]
    assert workflow.inbox_states({Role.SUPERVISOR}) == [S.AWAITING_PUBLICATION, S.MUNICIPAL_APPROVAL]
    assert workflow.KIND_STATE == {"unit": S.UNIT_PUBLICITY, "committee": S.COMMITTEE_PUBLICITY,
                                   "result": S.RESULT_PUBLICITY}  # fmt: skip


def test_correction_is_asked_once_per_step(world):
    """一次性告知 (seed 000 五(二)): the same step cannot ask a second 补正; the next step may ask its own."""
    with time_machine.travel(START, tick=False) as clock:
        app = reach(world, S.CORRECTION, clock)
        services.application_resubmit(application=app, actor=app.applicant.user, answers=answers(app))
        before = snapshot(app)
        with pytest.raises(TransitionConflict) as exc:
            services.application_request_correction(application=app, actor=world.unit_reviewer, items=["再补一项"])
        assert exc.value.code == "correction_once" and "五(二)" in exc.value.source
        assert snapshot(app) == before
        services.application_unit_approve(application=app, actor=world.unit_reviewer)
        clock.move_to(PUB_OVER)
        services.application_publicity_end(application=app)
        services.application_request_correction(application=app, actor=world.dept_reviewer, items=["缺少证明"])
        assert _fresh(app).status == S.CORRECTION


def test_resubmission_answers_every_item(world):
    """Every listed item answered: a new file of that kind since the request, or a written answer."""
    with time_machine.travel(START, tick=False) as clock:
        app = reach(world, S.UNIT_REVIEW, clock)
        label = "继续教育证明"
        services.application_request_correction(
            application=app, actor=world.unit_reviewer, items=[label, "申报表信息与证明材料不一致"]
        )
        before = snapshot(app)
        with pytest.raises(DomainError) as exc:
            services.application_resubmit(application=app, actor=app.applicant.user)
        assert exc.value.code == "correction_unanswered" and set(exc.value.fields["unanswered"]) == {
            label,
            "申报表信息与证明材料不一致",
        }
        assert snapshot(app) == before
        clock.move_to(START + dt.timedelta(hours=1))
        material_upload(
            application=app, actor=app.applicant.user, kind="continuing_education", name="ce.pdf", data=simple_pdf()
        )
        with pytest.raises(DomainError) as exc:
            services.application_resubmit(application=app, actor=app.applicant.user)
        assert exc.value.fields["unanswered"] == ["申报表信息与证明材料不一致"]
        services.application_resubmit(
            application=app, actor=app.applicant.user, answers={"申报表信息与证明材料不一致": "已更正申报表第3页"}
        )
        app = _fresh(app)
        assert app.status == S.UNIT_REVIEW
        assert [a["answer"] for a in app.correction_answers] == ["", "已更正申报表第3页"]
        assert app.correction_answers[0]["material_id"] is not None


def test_private_acts_are_reached_only_through_their_wrappers():
    """Acts with side effects of their own (the document and certificate of a publication or approval, the
    certificate and objections of a revocation) are run only by the service that wraps them — no view or API
    calls the bare service (issue 12: the shadowed API actions are gone)."""
    from pathlib import Path

    from django.conf import settings

    bare = {f"application_{n}" for n, a in ACTS.items() if a.private and not n.startswith("objection")}
    bare = {b.replace("application_revoke", "application_revoke(") for b in bare}
    for path in Path(settings.BASE_DIR).glob("*/*.py"):
        if path.name in ("views.py", "apis.py", "admin.py", "tasks.py"):
            text = path.read_text(encoding="utf-8")
            assert not [b for b in bare if b in text], path
