"""Bring cases to a meeting's door through the services only (time moved with time_machine)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import time_machine

from applications import services
from applications.models import Application, Committee, Status
from review import services as review
from review.models import Expert, ExpertPool, Meeting
from tests.conftest import shanghai
from tests.factories import UnitFactory, grant, level, series, submit
from zhicheng.roles import Role

S = Status
MEETING_DAY = dt.date(2024, 6, 20)


def travel(*args):
    return time_machine.travel(shanghai(*args), tick=False)


def other_unit(world):
    """A second unit whose reviewers are the world's reviewers."""
    unit = UnitFactory()
    grant(world.unit_reviewer, Role.UNIT_REVIEWER, unit=unit)
    grant(world.dept_reviewer, Role.DEPT_REVIEWER, department=unit.department)
    return unit


def awaiting_meeting(world, units) -> list[Application]:
    """One 建设工程 中级 case per unit in `units`, each carried to 待评审 (2024-04-10 → 2024-04-26)."""
    with travel(2024, 4, 10, 9):
        apps = [submit(world.draft(world.applicant(unit=u))) for u in units]
        for app in apps:
            services.application_unit_approve(application=app, actor=world.unit_reviewer)
    with travel(2024, 4, 18, 9):
        for app in apps:
            services.application_publicity_end(application=app)
            services.application_dept_approve(application=app, actor=world.dept_reviewer)
            services.application_committee_approve(application=app, actor=world.clerk)
    with travel(2024, 4, 26, 10):
        for app in apps:
            services.application_mark_paper_received(application=app, actor=world.clerk)
            services.application_publicity_end(application=app)
    for app in apps:
        app.refresh_from_db()
        assert app.status == S.AWAITING_MEETING
    return apps


def pool(world, *, colleagues: int = 0, others: int = 9, colleague_unit=None) -> ExpertPool:
    """The 建设工程 中级 pool of the world's office: `colleagues` experts from `colleague_unit` (default the world's
    unit), then `others` from elsewhere."""
    p, _ = ExpertPool.objects.get_or_create(office=world.office, series=series("建设工程"), level=level("中级"))
    for i in range(colleagues):
        Expert.objects.create(pool=p, name=f"同单位专家{i}", unit=colleague_unit or world.unit)
    for i in range(others):
        Expert.objects.create(pool=p, name=f"专家{i}", unit_name=f"外单位{i}")
    return p


def committee(world) -> Committee:
    return Committee.objects.get(cycle=world.cycle, row=1, entry=1)


def meeting(
    world,
    apps,
    *,
    day: dt.date = MEETING_DAY,
    pass_rate="0.600",
    panel_size=5,
    seed="s-1",
    draw=True,
    when=(2024, 5, 10, 9),
) -> Meeting:
    """A planned meeting with `apps` on its agenda and (by default) its panel drawn."""
    if not ExpertPool.objects.filter(office=world.office).exists():
        pool(world)
    with travel(*when):
        m = review.meeting_create(
            actor=world.clerk,
            committee=committee(world),
            series=series("建设工程"),
            level=level("中级"),
            date=day,
            place="镇江市人社局三楼会议室",
            pass_rate=Decimal(pass_rate),
            panel_size=panel_size,
        )
        review.meeting_add_cases(meeting=m, actor=world.clerk, applications=apps)
        if draw:
            review.experts_draw(meeting=m, actor=world.clerk, seed=seed)
    m.refresh_from_db()
    return m


def filed_and_accepted(world, m: Meeting, *, on=(2024, 6, 1, 9)):
    with travel(*on):
        filing = review.filing_submit(meeting=m, actor=world.clerk)
        review.filing_accept(filing=filing, actor=world.supervisor)
    m.refresh_from_db()
    return filing


def opened(world, m: Meeting, *, present: int | None = None) -> Meeting:
    """Open the meeting on its day and record attendance: the whole panel, or its first `present` experts."""
    with travel(m.date.year, m.date.month, m.date.day, 9):
        review.meeting_open(meeting=m, actor=world.clerk)
        m.refresh_from_db()
        experts = list(m.draw.result)
        review.attendance_record(meeting=m, actor=world.clerk, present=experts[: present or len(experts)])
    m.refresh_from_db()
    return m


def panel(m: Meeting) -> list[int]:
    return list(m.draw.result)


def status(app: Application) -> str:
    app.refresh_from_db()
    return app.status
