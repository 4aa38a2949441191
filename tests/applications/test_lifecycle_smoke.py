"""The main 评审 path through the services, start to publication (issue: case lifecycle)."""

import datetime as dt

import pytest
import time_machine

from applications import services
from applications.models import ApplicationEvent, Deadline, Status
from tests.conftest import shanghai
from tests.factories import submit

pytestmark = pytest.mark.django_db


def test_review_path_to_awaiting_meeting(world, in_window):
    app = world.draft()
    assert app.status == Status.DRAFT and app.number.startswith("ZJ2024PS")
    submit(app)
    assert app.status == Status.UNIT_REVIEW
    assert app.committee.row == 1 and app.office == world.office
    services.application_unit_approve(application=app, actor=world.unit_reviewer)
    assert app.status == Status.UNIT_PUBLICITY
    # 2024-04-10 + 5 working days → 04-17; open until 24:00 that day
    assert app.held_until == shanghai(2024, 4, 18)
    with time_machine.travel(shanghai(2024, 4, 17, 23, 59), tick=False), pytest.raises(services.TransitionConflict):
        services.application_publicity_end(application=app)
    assert app.status == Status.UNIT_PUBLICITY
    with time_machine.travel(shanghai(2024, 4, 18, 0, 0), tick=False):
        services.application_publicity_end(application=app)
        assert app.status == Status.DEPT_RECHECK
        services.application_dept_approve(application=app, actor=world.dept_reviewer)
        services.application_committee_approve(application=app, actor=world.clerk)
        assert app.status == Status.COMMITTEE_PUBLICITY
        paper = Deadline.objects.get(application=app, kind=Deadline.Kind.PAPER)
        assert paper.last_day == dt.date(2024, 5, 6)  # 10 working days after 04-18 across 劳动节 (04-28 调休)
    with time_machine.travel(shanghai(2024, 4, 26, 10, 0), tick=False):
        services.application_mark_paper_received(application=app, actor=world.clerk)
        services.application_publicity_end(application=app)
    assert app.status == Status.AWAITING_MEETING
    statuses = list(app.events.values_list("to_status", flat=True))
    assert statuses[-1] == Status.AWAITING_MEETING
    assert ApplicationEvent.objects.filter(application=app, actor__isnull=True).count() == 2
