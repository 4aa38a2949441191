"""Reads for the review side (meetings, filings, experts, the inbox's open objections); each list starts from
what the user may see (STYLE rule 5)."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from applications.models import Application, IntegrityRecord, Status
from applications.permissions import is_supervisor, memberships
from applications.selectors import application_visibility_q
from publicity.models import Objection
from zhicheng import workdays
from zhicheng.db.statements import StatementKeyedQuerySet
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


_OBJECTIONS: dict = {}  # the open-objection list's values() query per scope, built once per process


def open_objection_rows(*, user) -> list[dict]:
    """The open objections on cases the user sees, as the five values the page prints (issue 17: three models'
    instances and their 60-odd columns were built for a list that is usually empty). The query is built once per
    process and scope, and compiled once per connection and scope (`statement_keyed`: the scope's Q holds every id
    it names): building it took ~0.4 ms and compiling ~0.5 ms of every inbox page, executing it ~0.05 ms."""
    visible = application_visibility_q(user)
    built = _OBJECTIONS.get(visible)
    if built is None:
        if len(_OBJECTIONS) >= 512:
            _OBJECTIONS.clear()
        qs = StatementKeyedQuerySet(Objection).filter(status=Objection.Status.OPEN)  # newest first (model's order)
        if visible is not None:
            qs = qs.filter(application__in=Application.objects.filter(visible))
        built = _OBJECTIONS[visible] = qs.values(
            "application_id",
            "filed_at",
            case_number=F("application__number"),
            applicant_name=F("application__applicant__name"),
            publicity_title=F("publicity__title"),
        )
    return list(built.statement_keyed(("inbox_open_objections", visible))[:50])
