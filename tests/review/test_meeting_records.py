"""Meetings under the same treatment as cases (issue 12): protected FSM status for meetings and filings, and their
records as append-only rows that the database itself refuses to change."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from review import services as review
from review.models import DrawReplacement, Meeting, MeetingEvent, MeetingFiling
from tests.review.helpers import awaiting_meeting, meeting, travel

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(world):
    return meeting(world, awaiting_meeting(world, [world.unit]))


def test_status_is_written_only_by_transitions(planned):
    with pytest.raises(AttributeError):
        planned.status = Meeting.Status.OPEN
    filing = MeetingFiling(status=MeetingFiling.Status.SUBMITTED)
    with pytest.raises(AttributeError):
        filing.status = MeetingFiling.Status.ACCEPTED


def test_every_act_leaves_one_event_row(world, planned):
    actions = list(MeetingEvent.objects.filter(meeting=planned).values_list("action", flat=True))
    assert actions == ["create", "add_cases", "experts_draw"]
    assert [line["action"] for line in planned.log] == actions
    expert = planned.experts.first()
    with travel(2024, 5, 11, 9):
        review.expert_replace(meeting=planned, actor=world.clerk, expert=expert, reason="出差无法到会")
    row = DrawReplacement.objects.get(draw=planned.draw)
    assert (row.out_expert_id, row.reason) == (expert.pk, "出差无法到会")
    assert planned.draw.replacements[0]["out"] == expert.pk


@pytest.mark.postgres
@pytest.mark.parametrize("model", [MeetingEvent, DrawReplacement])
def test_the_database_refuses_to_rewrite_the_records(world, planned, model):
    if model is DrawReplacement:
        with travel(2024, 5, 11, 9):
            review.expert_replace(meeting=planned, actor=world.clerk, expert=planned.experts.first(), reason="回避")
    table = model._meta.db_table
    for sql in (f"UPDATE {table} SET created_at = created_at", f"DELETE FROM {table}", f"TRUNCATE {table} CASCADE"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql)
    assert model.objects.exists()


@pytest.mark.postgres
def test_meeting_records_are_hash_chained(world, planned):
    from zhicheng import audit

    count, broken = audit.verify_chain(audit.REGISTRY["review_meetingevent"])
    assert count == 3 and broken is None
    assert MeetingEvent.objects.filter(meeting=planned).exclude(row_hash="").count() == 3
