"""Reads for the meetings side; each list starts from what the user may see (STYLE rule 5)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from applications.models import Application, IntegrityRecord, Status
from applications.permissions import is_supervisor, memberships
from zhicheng import workdays
from zhicheng.errors import PermissionDenied
from zhicheng.roles import Role

from . import permissions as perms
from .models import ExpertPool, Meeting, MeetingFiling


def _clerk_offices(user) -> list[int]:
    return [m.office_id for m in memberships(user) if m.role == Role.COMMITTEE_CLERK]


def meeting_list(*, user) -> QuerySet[Meeting]:
    qs = Meeting.objects.select_related("committee", "office", "level", "series")
    if is_supervisor(user):
        return qs
    return qs.filter(office_id__in=_clerk_offices(user))


def meeting_get(*, user, pk) -> Meeting | None:
    return meeting_list(user=user).filter(pk=pk).first()


def meeting_candidates(*, meeting: Meeting) -> QuerySet[Application]:
    """Cases that may be put on the meeting's agenda: awaiting a meeting of its committee, cycle, series, level."""
    busy = Meeting.objects.filter(status__in=Meeting.LIVE).exclude(pk=meeting.pk)
    return (
        Application.objects.filter(
            status=Status.AWAITING_MEETING,
            committee_id=meeting.committee_id,
            review_cycle_id=meeting.cycle_id,
            series_id=meeting.series_id,
            level_id=meeting.level_id,
        )
        .exclude(meetings__in=busy)
        .select_related("applicant", "unit")
        .order_by("pk")
    )


def filing_pending_list(*, user) -> QuerySet[MeetingFiling]:
    """The 报备 waiting for 市职称办, oldest meeting first."""
    if not perms.can_decide_filing(user):
        return MeetingFiling.objects.none()
    return (
        MeetingFiling.objects.filter(status=MeetingFiling.Status.SUBMITTED)
        .select_related("meeting__office", "meeting__committee")
        .order_by("meeting_date", "pk")
    )


def expert_pool_list(*, user) -> QuerySet[ExpertPool]:
    qs = ExpertPool.objects.select_related("office", "series", "level")
    if is_supervisor(user):
        return qs
    return qs.filter(office_id__in=_clerk_offices(user))


def integrity_archive(*, user, active_only: bool = False, today: dt.date | None = None) -> QuerySet[IntegrityRecord]:
    """诚信档案 (seed 000 七(三)): the supervisor sees every record; `active_only` keeps those still in force."""
    if not perms.can_view_integrity_archive(user):
        raise PermissionDenied("forbidden", "仅市职称办可查看诚信档案")
    qs = IntegrityRecord.objects.select_related("application", "created_by").order_by("-found_on", "-pk")
    if active_only:
        today = today or workdays.local_date(timezone.now())
        qs = qs.filter(Q(expires_on__gt=today))
    return qs
