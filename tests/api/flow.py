"""A case carried through the services from submission to certificate, with every object the API shows along the
way (publicity, objection, meeting, filing, pool, expert, publication, certificate). Time is moved, never slept."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import time_machine

from applications import services
from applications.materials import material_upload
from applications.models import Application, Material, Status
from operations.sweep import timers_sweep
from publicity import certificates
from publicity import services as pub
from publicity.models import Certificate, Objection, Publication, Publicity
from review import services as rev
from review.models import Expert, ExpertPool, Meeting, MeetingFiling
from tests.applications.pdfs import simple_pdf
from tests.conftest import shanghai
from tests.factories import submit

S = Status


def travel(*args):
    return time_machine.travel(shanghai(*args), tick=False)


@dataclass
class Objects:
    application: Application  # certified at the end
    material: Material
    unit_publicity: Publicity
    objection: Objection  # on `held`, a second case still in its unit 公示
    held: Application
    meeting: Meeting
    filing: MeetingFiling
    pool: ExpertPool
    expert: Expert
    publication: Publication
    certificate: Certificate
    extra: dict = field(default_factory=dict)


def to_certificate(world) -> Objects:
    """Runs from 2024-04-10 to 2024-06-05 (Shanghai). Leaves the clock where it was."""
    with travel(2024, 4, 10, 9):
        app = world.draft()
        material = material_upload(
            application=app,
            actor=app.applicant.user,
            kind=Material.Kind.WORK_SUMMARY,
            name="工作总结.pdf",
            data=simple_pdf(),
        )
        submit(app)
        held = submit(world.draft())
        unit_pub = pub.publicity_start(kind=Publicity.Kind.UNIT, applications=[app], actor=world.unit_reviewer)
        pub.publicity_start(kind=Publicity.Kind.UNIT, applications=[held], actor=world.unit_reviewer)
        objection = pub.objection_file(application=held, name="张三", contact="13800000000", content="业绩不实")
    with travel(2024, 4, 18, 9):
        timers_sweep()
        services.application_dept_approve(application=app, actor=world.dept_reviewer)
        pub.publicity_start(kind=Publicity.Kind.COMMITTEE, applications=[app], actor=world.clerk)
        services.application_mark_paper_received(application=app, actor=world.clerk)
    with travel(2024, 4, 26, 9):
        timers_sweep()
        app.refresh_from_db()
        assert app.status == S.AWAITING_MEETING, app.status
        pool = rev.expert_pool_create(actor=world.clerk, office=world.office, series=app.series, level=app.level)
        experts = [rev.expert_add(actor=world.clerk, pool=pool, name=f"专家{i}") for i in range(4)]
        meeting = rev.meeting_create(
            actor=world.clerk,
            committee=app.committee,
            series=app.series,
            level=app.level,
            date=dt.date(2024, 5, 20),
            place="镇江市人社局会议室",
            pass_rate=Decimal("1.000"),
            panel_size=3,
        )
        rev.meeting_add_cases(meeting=meeting, actor=world.clerk, applications=[app])
        rev.experts_draw(meeting=meeting, actor=world.clerk, seed="api-test")
        filing = rev.filing_submit(meeting=meeting, actor=world.clerk)
        rev.filing_accept(filing=filing, actor=world.supervisor)
    with travel(2024, 5, 20, 9):
        rev.meeting_open(meeting=meeting, actor=world.clerk)
        meeting.refresh_from_db()
        panel = list(meeting.experts.values_list("pk", flat=True))
        rev.attendance_record(meeting=meeting, actor=world.clerk, present=panel)
        rev.votes_record(meeting=meeting, actor=world.clerk, application=app, votes={e: True for e in panel})
        rev.results_record(meeting=meeting, actor=world.clerk)
        meeting.refresh_from_db()
        rev.meeting_result_publicity_start(meeting=meeting, actor=world.clerk)
    with travel(2024, 6, 5, 9):
        timers_sweep()
        app.refresh_from_db()
        assert app.status == S.AWAITING_PUBLICATION, app.status
        publication = certificates.publication_create(
            actor=world.supervisor, document_number="镇职称〔2024〕99号", date=dt.date(2024, 6, 5), applications=[app]
        )
    app.refresh_from_db()
    assert app.status == S.CERTIFIED, app.status
    filing.refresh_from_db()
    return Objects(
        application=app,
        material=material,
        unit_publicity=unit_pub,
        objection=objection,
        held=held,
        meeting=meeting,
        filing=filing,
        pool=pool,
        expert=experts[0],
        publication=publication,
        certificate=Certificate.objects.get(application=app),
    )
