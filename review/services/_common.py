"""What the meeting services share: locking the meeting, its log, who to tell, the rule they cite."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from applications.periods import cycle_periods
from zhicheng import workdays
from zhicheng.errors import PermissionDenied, TransitionConflict
from zhicheng.roles import Role

from .. import permissions as perms
from ..models import (
    Meeting,
    MeetingAction,
    MeetingEvent,
    MeetingFiling,
)

# ---------------------------------------------------------------- helpers


def filing_days(meeting: Meeting) -> int:
    """Days before the meeting its 报备 must be made (seed 000 六(一): 15, calendar days) — the cycle's data."""
    return cycle_periods(meeting.cycle).filing_days_before


def _today() -> dt.date:
    return workdays.local_date(timezone.now())


def _locked(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update().select_related("committee", "office", "level", "series").get(pk=meeting.pk)
    )


def _log(meeting: Meeting, actor, action: str, **data) -> MeetingEvent:
    """The meeting's audit trail: one append-only event row per act (who, when, what)."""
    return MeetingEvent.objects.create(meeting=meeting, actor=actor, action=MeetingAction(action), data=data)


def _transition(obj, method: str, *args) -> None:
    """Run a meeting's or filing's django-fsm transition on its locked row and save what it set; a lost race or a
    wrong state is a 409 (the same contract as the case kernel, applications.services.act_run)."""
    try:
        getattr(obj, method)(*args)
        obj.save()
    except TransitionNotAllowed:
        raise TransitionConflict("wrong_state", f"当前为「{obj.get_status_display()}」，不能办理") from None
    except ConcurrentTransition:
        raise TransitionConflict("concurrent", "已被他人同时办理，请刷新后查看最新状态") from None


def _require_clerk(actor, meeting: Meeting, what: str) -> None:
    if not perms.can_manage_meeting(actor, meeting):
        raise PermissionDenied("forbidden", f"您无权{what}（仅限该评委会办事机构经办人）")


def _require_planned(meeting: Meeting, what: str) -> None:
    if meeting.status != Meeting.Status.PLANNED:
        raise TransitionConflict("meeting_not_planned", f"评审会议当前为「{meeting.get_status_display()}」，不能{what}")


def _live_filing(meeting: Meeting) -> MeetingFiling | None:
    return meeting.filings.filter(status__in=MeetingFiling.LIVE).first()


def _supervisors() -> list:
    User = get_user_model()
    return list(User.objects.filter(roles__role=Role.SUPERVISOR).distinct())


def _clerks(office_id) -> list:
    User = get_user_model()
    return list(User.objects.filter(roles__role=Role.COMMITTEE_CLERK, roles__office=office_id).distinct())
