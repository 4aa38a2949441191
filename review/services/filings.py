"""The 报备 with 市职称办 at least the cycle's 15 calendar days ahead of the meeting (seed 000 六(一)): submit, accept,
return. The timer side of it is review.filing_deadlines."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from applications import workflow
from applications.models import Application
from zhicheng.errors import DomainError, PermissionDenied, TransitionConflict
from zhicheng.notify import notify

from .. import filing_deadlines
from .. import permissions as perms
from ..models import (
    Expert,
    ExpertDraw,
    Meeting,
    MeetingFiling,
)
from ._common import (
    _clerks,
    _live_filing,
    _locked,
    _log,
    _require_clerk,
    _require_planned,
    _supervisors,
    _today,
    _transition,
    filing_days,
)
from .rules import S, pass_cap, rule_filing

# ---------------------------------------------------------------- 报备 (seed 000 六(一))


def _passed_publicity(app_ids: list[int], state: str) -> set[int]:
    """The cases that came through publicity `state` (their own record of it, not the audit log)."""
    done = {f"{workflow.passed_field(state)}__isnull": False}
    return set(Application.objects.filter(pk__in=app_ids, **done).values_list("pk", flat=True))


def filing_submit(*, meeting: Meeting, actor, note: str = "") -> MeetingFiling:
    """File the meeting's preparation with 市职称办: the qualification review done (every case passed the office's
    审核 and awaits the meeting), the pre-review 公示 done (unit and committee), the experts drawn, the pass rate
    set. It must be filed at least 15 calendar days before the meeting: meeting date − filing date ≥ 15.
    Errors: DomainError (too late, an item missing), PermissionDenied, TransitionConflict (a live filing exists)."""
    today = _today()
    with transaction.atomic():
        m = _locked(meeting)
        _require_clerk(actor, m, "报备评审会议")
        _require_planned(m, "报备")
        days = (m.date - today).days
        if days < filing_days(m):
            raise DomainError(
                "filing_too_late",
                f"评审会议须在召开{filing_days(m)}天前向市职称办报备（{rule_filing(m.cycle)}）：会议定于"
                f"{m.date:%Y年%m月%d日}，今天距会议仅{days}天，请先调整会议日期",
                source=rule_filing(m.cycle),
                fields={"days_before": days},
            )
        if _live_filing(m) is not None:
            raise TransitionConflict("filing_live", "本次会议已有待确认或已同意的报备")
        apps = list(m.applications.select_related("applicant"))
        ids = [a.pk for a in apps]
        problems = []
        if not apps:
            problems.append("尚未安排评审对象")
        not_ready = [a.number for a in apps if a.status not in workflow.ACTS["meeting_open"].sources]
        if not_ready:
            problems.append("资格审查未完成：" + "、".join(not_ready))
        unit_pub, committee_pub = (
            _passed_publicity(ids, S.UNIT_PUBLICITY),
            _passed_publicity(ids, S.COMMITTEE_PUBLICITY),
        )
        no_pub = [a.number for a in apps if a.pk not in unit_pub or a.pk not in committee_pub]
        if no_pub:
            problems.append("评前公示未完成：" + "、".join(no_pub))
        draw = ExpertDraw.objects.filter(meeting=m).first()
        if draw is None:
            problems.append("评审专家尚未抽取")
        if problems:
            raise DomainError(
                "filing_incomplete", "报备内容不完整：" + "；".join(problems), source=rule_filing(m.cycle)
            )
        experts = {e.pk: e.name for e in Expert.objects.filter(pk__in=draw.result)}
        filing = MeetingFiling.objects.create(
            meeting=m,
            meeting_date=m.date,
            filed_on=today,
            filed_at=timezone.now(),
            filed_by=actor,
            qualification_review={"done": True, "cases": [a.number for a in apps]},
            pre_review_publicity={"done": True, "unit": len(unit_pub), "committee": len(committee_pub)},
            expert_draw={"done": True, "draw_id": draw.pk, "seed": draw.seed,
                         "experts": [experts[x] for x in draw.result], "replacements": len(draw.replacements)},
            pass_rate=m.pass_rate,
            candidates=len(apps),
            cap=pass_cap(m.pass_rate, len(apps)),
            note=note,
        )  # fmt: skip
        _log(m, actor, "filing_submit", filing=filing.pk)
        filing_deadlines.filing_deadline_filed(meeting=m, filed_at=filing.filed_at)
        body = f"会议定于{m.date:%Y年%m月%d日}，参评{len(apps)}人，通过率{m.pass_rate}，上限{filing.cap}人。"
        notify(_supervisors(), f"评审会议报备待确认：{m.title}", body)
    return filing


def _decide(filing: MeetingFiling, actor, status: str, reason: str = "") -> MeetingFiling:
    with transaction.atomic():
        m = _locked(filing.meeting)
        f = MeetingFiling.objects.select_for_update().get(pk=filing.pk)
        if not perms.can_decide_filing(actor, f):
            raise PermissionDenied("forbidden", "仅市职称办可确认或退回评审会议报备")
        if f.status != MeetingFiling.Status.SUBMITTED:
            raise TransitionConflict("filing_decided", f"该报备当前为「{f.get_status_display()}」，不能再处理")
        if status == MeetingFiling.Status.ACCEPTED:
            _transition(f, "accept", actor, timezone.now())
        else:
            _transition(f, "return_", actor, timezone.now(), reason)
        _log(m, actor, f"filing_{status}", filing=f.pk, reason=reason)
        if status == MeetingFiling.Status.ACCEPTED:
            filing_deadlines.filing_deadline_accepted(meeting=m)
            notify(_clerks(m.office_id), f"评审会议报备已同意：{m.title}", f"会议可于{m.date:%Y年%m月%d日}召开。")
        else:
            filing_deadlines.filing_deadline_filed(meeting=m, filed_at=None)
            body = (
                f"退回理由：{reason}。请补充后于会议{filing_days(m)}天前重新报备，"
                f"或调整会议日期（{rule_filing(m.cycle)}）。"
            )
            notify(_clerks(m.office_id), f"评审会议报备被退回：{m.title}", body)
    filing.refresh_from_db()
    return f


def filing_accept(*, filing: MeetingFiling, actor) -> MeetingFiling:
    return _decide(filing, actor, MeetingFiling.Status.ACCEPTED)


def filing_return(*, filing: MeetingFiling, actor, reason: str) -> MeetingFiling:
    if not (reason or "").strip():
        raise DomainError("reason_required", "退回报备须说明理由", source=rule_filing(filing.meeting.cycle))
    return _decide(filing, actor, MeetingFiling.Status.RETURNED, reason.strip())
