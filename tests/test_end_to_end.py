"""End to end through the services, time moved with time_machine: one 评审 case and one 初定 case from draft to
e-certificate, public verification, revocation and the three-year integrity record (seed 000 五–七, seed 001 五–七).
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from pypdf import PdfReader

from applications import services
from applications.materials import material_upload
from applications.models import Education, InitialCycle, Route, Status
from operations.sweep import timers_sweep
from publicity import certificates as certs
from publicity import services as pub
from publicity.models import Publicity
from review import services as review
from tests.applications.pdfs import simple_pdf
from tests.conftest import shanghai
from tests.factories import level, series, submit
from tests.review.helpers import committee, pool
from zhicheng.errors import DomainError, PermissionDenied

pytestmark = pytest.mark.django_db
S = Status


def travel(*args):
    return time_machine.travel(shanghai(*args), tick=False)


def status(app) -> str:
    app.refresh_from_db()
    return app.status


def test_review_case_from_draft_to_certificate_then_revoked(world):
    person = world.applicant(name="赵建华")
    rival = world.applicant(name="孙立")
    # 2024-04-10: drafts, submission, unit review; the unit 评前公示 runs 5 working days (seed 000 五(一))
    with travel(2024, 4, 10, 9):
        apps = [submit(world.draft(person)), submit(world.draft(rival))]
        case = apps[0]
        assert case.status == S.UNIT_REVIEW and case.committee == committee(world)
        pub.publicity_start(kind=Publicity.Kind.UNIT, applications=apps, actor=world.unit_reviewer)
    with travel(2024, 4, 18, 9):
        timers_sweep()
        assert [status(a) for a in apps] == [S.DEPT_RECHECK] * 2
        for app in apps:
            services.application_dept_approve(application=app, actor=world.dept_reviewer)
        pub.publicity_start(kind=Publicity.Kind.COMMITTEE, applications=apps, actor=world.clerk)
    with travel(2024, 4, 24, 10):
        for app in apps:
            services.application_mark_paper_received(application=app, actor=world.clerk)
    with travel(2024, 4, 26, 9):
        timers_sweep()
        assert [status(a) for a in apps] == [S.AWAITING_MEETING] * 2

    # the meeting: planned 2024-05-10 for 2024-06-20, experts drawn, 报备 on 06-05 (15 days), accepted
    pool(world, colleagues=3, others=9)
    with travel(2024, 5, 10, 9):
        m = review.meeting_create(
            actor=world.clerk,
            committee=committee(world),
            series=series("建设工程"),
            level=level("中级"),
            date=dt.date(2024, 6, 20),
            place="镇江市人社局会议室",
            pass_rate=Decimal("0.5"),
            panel_size=7,
        )
        review.meeting_add_cases(meeting=m, actor=world.clerk, applications=apps)
        draw = review.experts_draw(meeting=m, actor=world.clerk)
        assert not set(draw.result) & {x["id"] for x in draw.excluded} and len(draw.excluded) == 3
    with travel(2024, 6, 6, 9), pytest.raises(DomainError):
        review.filing_submit(meeting=m, actor=world.clerk)  # 14 days: too late
    with travel(2024, 6, 5, 9):
        filing = review.filing_submit(meeting=m, actor=world.clerk)
        assert filing.cap == 1  # floor(0.5 × 2)
    with travel(2024, 6, 7, 9):
        review.filing_accept(filing=filing, actor=world.supervisor)
    with travel(2024, 6, 20, 9):
        review.meeting_open(meeting=m, actor=world.clerk)
        assert [status(a) for a in apps] == [S.IN_MEETING] * 2
        panel = m.draw.result
        review.attendance_record(meeting=m, actor=world.clerk, present=panel)
        review.votes_record(
            meeting=m, actor=world.clerk, application=case, votes={e: i < 6 for i, e in enumerate(panel)}
        )
        with pytest.raises(DomainError):  # a second pass would exceed the cap
            review.votes_record(meeting=m, actor=world.clerk, application=apps[1], votes=dict.fromkeys(panel, True))
        review.votes_record(
            meeting=m, actor=world.clerk, application=apps[1], votes={e: i < 4 for i, e in enumerate(panel)}
        )  # 4 of 7 < 5 needed
        review.results_record(meeting=m, actor=world.clerk)
        assert [status(a) for a in apps] == [S.PASSED, S.NOT_PASSED]
        m.refresh_from_db()
        result_pub = review.meeting_result_publicity_start(meeting=m, actor=world.clerk)
    assert result_pub.last_day == dt.date(2024, 6, 27)
    with travel(2024, 6, 27, 23, 59):
        timers_sweep()
        assert status(case) == S.RESULT_PUBLICITY  # a publicity cannot be shortened
    with travel(2024, 6, 28, 0, 5):
        timers_sweep()
        assert status(case) == S.AWAITING_PUBLICATION

    # 发文: 市职称办 publishes 中级 results (seed 000 六(二)); the certificate follows
    with travel(2024, 7, 5, 9):
        with pytest.raises(PermissionDenied):
            certs.publication_create(
                actor=world.clerk, document_number="镇职称办〔2024〕35号", date=dt.date(2024, 7, 5), applications=[case]
            )
        assert status(case) == S.AWAITING_PUBLICATION
        certs.publication_create(
            actor=world.supervisor,
            document_number="镇职称办〔2024〕35号",
            date=dt.date(2024, 7, 5),
            applications=[case],
        )
    assert status(case) == S.CERTIFIED
    cert = case.certificate
    assert cert.number.startswith("321120243") and cert.issuer == certs.MUNICIPAL_OFFICE
    seen = certs.certificate_verify(number=cert.number, name="赵建华")
    assert seen["status"] == "有效" and seen["level"] == "中级" and seen["document_number"] == "镇职称办〔2024〕35号"
    assert "赵建华" in PdfReader(io.BytesIO(certs.certificate_pdf(cert))).pages[0].extract_text()

    # fraud found on 2024-09-02: revoked, 已撤销, and three years in the integrity archive (seed 000 七(三))
    with travel(2024, 9, 2, 10):
        certs.certificate_revoke(application=case, actor=world.supervisor, finding="业绩材料造假")
    assert certs.certificate_verify(number=cert.number, name="赵建华")["status"] == "已撤销"
    from review.selectors import integrity_archive

    archive = integrity_archive(user=world.supervisor)
    assert [(r.name, r.expires_on) for r in archive] == [("赵建华", dt.date(2027, 9, 2))]
    with pytest.raises(PermissionDenied):
        integrity_archive(user=world.clerk)
    _new_application_blocked_for_three_years(world, person)


def _initial_cycle(year: int) -> InitialCycle:
    """A later 初定 cycle, added as data (SPEC §2: a new cycle is data, not code)."""
    base = InitialCycle.objects.get(year=2024)
    series_ids = list(base.series.values_list("pk", flat=True))
    cycle = InitialCycle.objects.create(
        year=year,
        name=f"{year}年度综合工程专业职称初定",
        start=dt.date(year, 3, 20),
        end=dt.date(year, 12, 10),
        source=base.source,
        office=base.office,
        rules=base.rules,
    )
    cycle.series.set(series_ids)
    return cycle


def _try_initial(person, cycle):
    app = services.application_create(
        actor=person.user, route=Route.INITIAL, series=series("机械工程"), level=level("助理级"), initial_cycle=cycle
    )
    for kind in ("unit_consent", "diploma", "work_summary"):
        material_upload(application=app, actor=person.user, kind=kind, name=f"{kind}.pdf", data=simple_pdf())
    services.application_submit(application=app, actor=person.user, pledge_accepted=True)
    return app


def _new_application_blocked_for_three_years(world, person):
    for year in (2025, 2027):
        _initial_cycle(year)
    for moment in ((2024, 9, 3, 9), (2025, 6, 1, 9), (2027, 9, 1, 23, 59)):
        with travel(*moment), pytest.raises(DomainError) as exc:
            _try_initial(person, InitialCycle.objects.get(year=moment[0]))
        assert "诚信档案" in exc.value.message, exc.value.message
    with travel(2027, 9, 2, 9):
        app = _try_initial(person, InitialCycle.objects.get(year=2027))
    assert status(app) == S.ASSOCIATION_REVIEW


def test_initial_case_from_draft_to_certificate(world):
    person = world.applicant(name="李文博")
    Education.objects.create(
        profile=person,
        degree=Education.Degree.DOCTOR,
        graduated_on=dt.date(2021, 6, 30),
        school="南京航空航天大学",
        major="机械工程",
    )
    with travel(2024, 5, 6, 9):
        app = world.draft(person, series_name="机械工程", level_name="中级", route=Route.INITIAL)
        for kind in ("unit_consent", "diploma", "work_summary"):
            material_upload(application=app, actor=person.user, kind=kind, name=f"{kind}.pdf", data=simple_pdf())
        submit(app)
        assert app.status == S.ASSOCIATION_REVIEW and app.office == world.association
    with travel(2024, 5, 8, 9):
        certs.initial_approve(application=app, actor=world.association_clerk)  # 中级: on to 市职称办
        assert status(app) == S.MUNICIPAL_APPROVAL
    with travel(2024, 5, 15, 9):
        certs.initial_approve(application=app, actor=world.supervisor, document_number="镇职称办〔2024〕40号")
    assert status(app) == S.CERTIFIED
    cert = app.certificate
    assert cert.qualified_on == dt.date(2024, 5, 15) and cert.number.startswith("321120243")
    assert certs.certificate_verify(number=cert.number, name="李文博")["status"] == "有效"
    form = PdfReader(io.BytesIO(certs.initial_form_pdf(app)))
    assert len(form.pages) == 2 and "李文博" in form.pages[1].extract_text()
