"""The meeting (评审会议) and everything around it: expert pools and the auditable random draw, the 报备 with the
municipal office at least 15 days ahead (seed 000 六(一)), opening the meeting, the experts' votes, the results
within the filed pass rate, and the start of the result 公示 (seed 000 六(二)).

Every act runs in one transaction, locks the meeting row, checks the actor and the state, and appends a line to
the meeting's log; the cases themselves move only through applications.services.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
import secrets
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from applications import services as app_services
from applications import workflow
from applications.models import Application, Status
from applications.periods import cycle_periods
from publicity import certificates
from publicity import services as pub_services
from publicity.models import Publicity
from zhicheng import workdays
from zhicheng.errors import DomainError, PermissionDenied, TransitionConflict
from zhicheng.notify import notify
from zhicheng.roles import Role

from . import filing_deadlines
from . import permissions as perms
from .models import (
    DrawReplacement,
    Expert,
    ExpertConflict,
    ExpertDraw,
    ExpertPool,
    Meeting,
    MeetingAction,
    MeetingAttendance,
    MeetingEvent,
    MeetingFiling,
    MeetingResult,
    MeetingTally,
    Vote,
)

S = Status
SEED_000 = app_services.SEED_000
RULE_FILING = f"{SEED_000} 六(一)"
RULE_RESULTS = f"{SEED_000} 六(二)"
# A pass threshold such as 0.667 is read as the nearest fraction with a denominator up to this (0.667 → 2/3), so
# that 4 of 6 experts are two thirds, as people count, not 0.6667 < 0.667.
THRESHOLD_MAX_DENOMINATOR = 12


# ---------------------------------------------------------------- pure rules (documented in docs/meetings.md)


def pass_cap(pass_rate: Decimal, candidates: int) -> int:
    """Most cases a meeting may pass: floor(pass rate × candidates), exact decimal arithmetic (0.6 × 7 → 4)."""
    return math.floor(Decimal(pass_rate) * candidates)


def threshold_fraction(threshold: Decimal | Fraction) -> Fraction:
    if isinstance(threshold, Fraction):
        return threshold
    return Fraction(Decimal(threshold)).limit_denominator(THRESHOLD_MAX_DENOMINATOR)


def votes_required(present: int, threshold: Decimal) -> int:
    """Approvals a case needs: ceil(threshold × experts present), threshold as a simple fraction (2/3 of 7 → 5)."""
    return math.ceil(threshold_fraction(threshold) * present)


def draw_panel(seed: str, eligible_ids: list[int], size: int) -> list[int]:
    """The draw itself: reproducible from the recorded seed and pool (`random.Random(seed)` over sorted ids)."""
    return random.Random(seed).sample(sorted(eligible_ids), size)


RULES_40 = "《职称评审管理暂行规定》（人社部令第40号）"


@dataclass(frozen=True)
class MeetingRules:
    """The meeting's numbers as cycle data (rules["meeting"]), each with its source (docs/meetings.md)."""

    quorum: Fraction
    quorum_source: str
    threshold: Fraction
    threshold_source: str
    same_year_source: str
    intermediate_source: str


def _fraction(value, default: Fraction) -> Fraction:
    if value in (None, ""):
        return default
    return Fraction(str(value)).limit_denominator(THRESHOLD_MAX_DENOMINATOR)


def meeting_rules(cycle) -> MeetingRules:
    conf = ((cycle.rules if cycle is not None else None) or {}).get("meeting") or {}
    quorum, threshold = conf.get("quorum") or {}, conf.get("pass_threshold") or {}
    document = getattr(cycle, "source", "") or SEED_000
    return MeetingRules(
        quorum=_fraction(quorum.get("fraction"), Fraction(2, 3)),
        quorum_source=quorum.get("source") or f"{RULES_40}（出席评审会议的专家人数）",
        threshold=_fraction(threshold.get("fraction"), Fraction(2, 3)),
        threshold_source=threshold.get("source") or f"{RULES_40}（无记名投票表决）",
        same_year_source=conf.get("same_year_source") or f"{document} 三(一)",
        intermediate_source=conf.get("intermediate_deadline_source") or f"{document} 三(二)",
    )


def quorum_required(panel_size: int, rules: MeetingRules) -> int:
    """Experts who must be present: ceil(quorum × the experts drawn), "不少于" including the number itself."""
    return math.ceil(rules.quorum * panel_size)


def meeting_threshold(meeting: Meeting) -> Fraction:
    """The share of those present a case needs: the cycle's rule, or the committee's own if stricter."""
    return max(meeting_rules(meeting.cycle).threshold, threshold_fraction(meeting.committee.pass_threshold))


def normalised_unit_name(name: str) -> str:
    """A unit's name as compared for 回避: NFKC (full-width → half-width), no spaces or punctuation, lower case."""
    text = unicodedata.normalize("NFKC", name or "").lower()
    return re.sub(r"[\s\W_]+", "", text)


def meeting_date_check(*, cycle, level, date: dt.date, late_reason: str = "") -> tuple[list[str], list[str]]:
    """(problems, warnings) of a meeting date. Refused: outside the cycle's year (不得跨年度评审, seed 000 三(一));
    a 中级 meeting after the cycle's intermediate deadline without a recorded reason (三(二): 原则上11月底前).
    Warned: the 15-day 报备 already impossible (六(一)); the date is not a working day."""
    rules = meeting_rules(cycle)
    problems, warnings = [], []
    if date.year != cycle.year:
        problems.append(
            f"{cycle.year}年度的评审会议须在{cycle.year}年内召开，不得跨年度评审（{rules.same_year_source}）"
        )
    deadline = cycle.intermediate_deadline
    if level.name == "中级" and deadline and date > deadline and not (late_reason or "").strip():
        problems.append(
            f"中级评审原则上在{deadline:%Y年%m月%d日}前完成（{rules.intermediate_source}）；"
            "如确需晚于该日召开，请填写理由"
        )
    days, before = (date - _today()).days, cycle_periods(cycle).filing_days_before
    if days < before:
        warnings.append(
            f"会议距今仅{days}天，已不能在会议{before}天前完成报备（{RULE_FILING}），按此日期会议不得召开，请考虑改期"
        )
    info = workdays.day_info(date)
    if not info.is_workday:
        warnings.append(f"{date:%Y年%m月%d日}为{info.label}")
    return problems, warnings


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


# ---------------------------------------------------------------- expert pools (kept by the clerk)


def expert_pool_create(*, actor, office, series, level, name: str = "") -> ExpertPool:
    pool = ExpertPool(office=office, series=series, level=level, name=name)
    if not perms.can_edit_pool(actor, pool):
        raise PermissionDenied("forbidden", "您无权维护该办事机构的评审专家库")
    if ExpertPool.objects.filter(office=office, series=series, level=level).exists():
        raise DomainError("pool_exists", f"{series.name}{level.name}评审专家库已存在")
    pool.save()
    return pool


def expert_add(*, actor, pool: ExpertPool, name: str, unit=None, unit_name: str = "", title: str = "",
               specialty: str = "", phone: str = "", id_number: str = "", user=None) -> Expert:  # fmt: skip
    if not perms.can_edit_pool(actor, pool):
        raise PermissionDenied("forbidden", "您无权维护该评审专家库")
    if not name.strip():
        raise DomainError("name_required", "请填写专家姓名")
    return Expert.objects.create(pool=pool, name=name.strip(), unit=unit, unit_name=unit_name, title=title,
                                 specialty=specialty, phone=phone, id_number=(id_number or "").strip().upper(),
                                 user=user)  # fmt: skip


def expert_set_active(*, actor, expert: Expert, active: bool) -> Expert:
    if not perms.can_edit_pool(actor, expert.pool):
        raise PermissionDenied("forbidden", "您无权维护该评审专家库")
    expert.active = active
    expert.save(update_fields=["active"])
    return expert


# ---------------------------------------------------------------- meeting


def meeting_create(*, actor, committee, series, level, date: dt.date, place: str, pass_rate, panel_size: int = 7,
                   title: str = "", late_reason: str = "") -> Meeting:  # fmt: skip
    """Plan a meeting of `committee` (its office's clerk). Registers the 报备 deadline with the timers.
    Errors: PermissionDenied; DomainError for a past date, a date outside the cycle's year, a 中级 date after the
    cycle's deadline without `late_reason`, a series/level the committee does not accept, a pass rate outside
    (0, 1], a panel smaller than 3. The returned meeting carries `warnings` (filing already impossible, a
    holiday), also written to its log."""
    meeting = Meeting(committee=committee, office_id=committee.office_id, cycle_id=committee.cycle_id, series=series,
                      level=level, date=date, place=place.strip(), pass_rate=Decimal(str(pass_rate)),
                      panel_size=panel_size, created_by=actor, late_reason=(late_reason or "").strip())  # fmt: skip
    _require_clerk(actor, meeting, "安排该评委会的评审会议")
    problems = []
    if date <= _today():
        problems.append("会议日期须晚于今天")
    date_problems, warnings = meeting_date_check(cycle=committee.cycle, level=level, date=date,
                                                 late_reason=late_reason)  # fmt: skip
    problems += date_problems
    if not place.strip():
        problems.append("请填写会议地点")
    if not committee.levels.filter(pk=level.pk).exists():
        problems.append(f"该评委会不受理{level.name}")
    if not committee.series.filter(pk=series.pk).exists():
        problems.append(f"该评委会不受理{series.name}系列")
    if not Decimal("0") < meeting.pass_rate <= Decimal("1"):
        problems.append("评审通过率须大于0且不超过1")
    if panel_size < 3:
        problems.append("评审专家人数不得少于3人")
    if problems:
        raise DomainError("meeting_invalid", "；".join(problems), source=RULE_FILING)
    meeting.title = title.strip() or f"{committee.cycle.year}年度{committee.label}{level.name}评审会议"
    with transaction.atomic():
        meeting.save()
        _log(meeting, actor, "create", date=date.isoformat(), warnings=warnings, late_reason=meeting.late_reason)
        filing_deadlines.filing_deadline_set(meeting=meeting)
    meeting.warnings = warnings
    return meeting


def meeting_add_cases(*, meeting: Meeting, actor, applications) -> Meeting:
    """Put cases on the agenda: only cases awaiting a meeting of this committee, cycle, series and level, not on
    another meeting's agenda. Not after the experts are drawn (the colleague exclusion depends on the agenda) nor
    while a 报备 is pending or accepted (it names the number of candidates)."""
    apps = list(applications)
    with transaction.atomic():
        m = _locked(meeting)
        _require_clerk(actor, m, "安排评审对象")
        _require_planned(m, "调整评审对象")
        if ExpertDraw.objects.filter(meeting=m).exists():
            raise TransitionConflict("experts_drawn", "评审专家已抽取，不能再增加评审对象")
        if _live_filing(m) is not None:
            raise TransitionConflict("filing_live", "会议已报备，不能再调整评审对象；如需调整请先改期重新报备")
        if not apps:
            raise DomainError("no_cases", "请选择评审对象")
        problems = []
        locked = Application.objects.select_for_update(of=("self",)).filter(pk__in=[a.pk for a in apps])
        for app in locked.select_related("level", "series"):
            if app.status not in workflow.ACTS["meeting_open"].sources:
                problems.append(f"{app.number}：当前为「{app.get_status_display()}」，不是待评审")
            elif app.committee_id != m.committee_id or app.review_cycle_id != m.cycle_id:
                problems.append(f"{app.number}：不属于本评委会本年度")
            elif app.level_id != m.level_id or app.series_id != m.series_id:
                problems.append(f"{app.number}：系列或级别与会议不符")
            elif app.meetings.exclude(pk=m.pk).filter(status__in=Meeting.LIVE).exists():
                problems.append(f"{app.number}：已列入其他评审会议")
        if problems:
            raise DomainError("cases_invalid", "以下申报不能列入本次会议：" + "；".join(problems), source=RULE_FILING)
        m.applications.add(*apps)
        _log(m, actor, "add_cases", applications=[a.pk for a in apps])
    return m


def expert_exclusions(meeting: Meeting, experts: list[Expert]) -> list[dict]:
    """Experts who must stand aside (回避) for the meeting's agenda, each with the reason: the unit of a candidate
    (by link, or by the unit's name normalised — an expert whose unit is typed as text is caught too), a candidate
    themselves (by account, ID number, or name and unit), or a conflict the expert declared (a case or a unit)."""
    apps = list(meeting.applications.select_related("unit", "applicant__user"))
    unit_ids = {a.unit_id for a in apps if a.unit_id}
    unit_names = {normalised_unit_name(a.unit.name): a.unit.name for a in apps if a.unit_id}
    users = {a.applicant.user_id for a in apps}
    id_numbers = {a.applicant.id_number.upper() for a in apps if a.applicant.id_number}
    people = {(a.applicant.name, a.unit_id) for a in apps}
    app_ids = {a.pk for a in apps}
    conflicts: dict[int, str] = {}
    for c in ExpertConflict.objects.filter(expert__in=experts).filter(
        Q(application_id__in=app_ids) | Q(unit_id__in=unit_ids)
    ):
        conflicts.setdefault(c.expert_id, f"本人申请回避：{c.reason}")
    out = []
    for e in experts:
        names = {normalised_unit_name(n) for n in (e.unit_name, e.unit.name if e.unit_id else "") if n}
        if (
            (e.user_id and e.user_id in users)
            or (e.id_number and e.id_number.upper() in id_numbers)
            or any(
                e.name == name and (e.unit_id == unit or normalised_unit_name(e.unit_name) in unit_names)
                for name, unit in people
            )
        ):
            reason = "本人为评审对象，回避"
        elif e.unit_id is not None and e.unit_id in unit_ids:
            reason = "与申报人同单位，回避"
        elif names & set(unit_names):
            reason = f"与申报人同单位（{unit_names[next(iter(names & set(unit_names)))]}），回避"
        elif e.pk in conflicts:
            reason = conflicts[e.pk]
        else:
            continue
        out.append({"id": e.pk, "name": e.name, "reason": reason})
    return out


def expert_conflict_declare(*, actor, expert: Expert, reason: str, application=None, unit=None) -> ExpertConflict:
    """Record a conflict an expert declared (申请回避, seed: 人社部令第40号 on 回避) with a case or a unit; the draw
    and every replacement leave the expert out for it. By the clerk who keeps the pool. Errors: PermissionDenied,
    DomainError (no reason, neither case nor unit)."""
    if not perms.can_edit_pool(actor, expert.pool):
        raise PermissionDenied("forbidden", "您无权维护该评审专家库")
    if not (reason or "").strip():
        raise DomainError("reason_required", "登记回避须说明理由")
    if application is None and unit is None:
        raise DomainError("conflict_target", "请选择需回避的申报或单位")
    return ExpertConflict.objects.create(expert=expert, application=application, unit=unit, reason=reason.strip(),
                                         declared_by=actor)  # fmt: skip


def experts_draw(*, meeting: Meeting, actor, seed: str | None = None, size: int | None = None) -> ExpertDraw:
    """Draw the panel at random from the pool of the meeting's office, series and level. Experts working in a
    candidate's unit are excluded first. The seed (generated when none is given), the pool, the exclusions and the
    result are recorded; the same seed and pool give the same panel. One draw per meeting: change a member with
    `expert_replace`, which needs a reason."""
    with transaction.atomic():
        m = _locked(meeting)
        _require_clerk(actor, m, "抽取评审专家")
        _require_planned(m, "抽取评审专家")
        if ExpertDraw.objects.filter(meeting=m).exists():
            raise TransitionConflict("already_drawn", "本次会议已抽取评审专家；如需调整请逐一替换并说明理由")
        pool = ExpertPool.objects.filter(office=m.office_id, series=m.series_id, level=m.level_id).first()
        if pool is None:
            raise DomainError("no_pool", f"尚未建立{m.series.name}{m.level.name}评审专家库")
        if not m.applications.exists():
            raise DomainError("no_cases", "请先安排评审对象再抽取专家（同单位专家须回避）")
        size = size or m.panel_size
        experts = list(pool.experts.filter(active=True).select_related("unit").order_by("pk"))
        snapshot = [{"id": e.pk, "name": e.name, "unit_id": e.unit_id} for e in experts]
        excluded = expert_exclusions(m, experts)
        out = {x["id"] for x in excluded}
        eligible = [e.pk for e in experts if e.pk not in out]
        if len(eligible) < size:
            raise DomainError("pool_too_small", f"回避后专家库仅有{len(eligible)}名专家可抽取，少于所需的{size}名")
        seed = (seed or secrets.token_hex(8)).strip()
        result = draw_panel(seed, eligible, size)
        draw = ExpertDraw.objects.create(meeting=m, pool=pool, seed=seed, size=size, pool_snapshot=snapshot,
                                         excluded=excluded, result=result, drawn_by=actor)  # fmt: skip
        m.experts.set(result)
        _log(m, actor, "experts_draw", seed=seed, result=result)
    return draw


def expert_replace(*, meeting: Meeting, actor, expert: Expert, reason: str) -> Expert:
    """Replace one drawn expert (e.g. unable to attend) with a reproducible draw from the remaining eligible
    experts (seed `<draw seed>/r<n>`). The reason is required and recorded."""
    if not (reason or "").strip():
        raise DomainError("reason_required", "替换评审专家须说明理由", source=RULE_FILING)
    with transaction.atomic():
        m = _locked(meeting)
        _require_clerk(actor, m, "替换评审专家")
        _require_planned(m, "替换评审专家")
        draw = ExpertDraw.objects.select_for_update().filter(meeting=m).first()
        if draw is None or expert.pk not in draw.result:
            raise DomainError("not_on_panel", f"{expert.name}不是本次会议抽中的专家")
        gone = {r["out"] for r in draw.replacements}
        remaining = list(
            draw.pool.experts.filter(active=True)
            .exclude(pk__in=[*draw.result, *gone])
            .select_related("unit")
            .order_by("pk")
        )
        out = {x["id"] for x in expert_exclusions(m, remaining)}
        eligible = [e.pk for e in remaining if e.pk not in out]
        if not eligible:
            raise DomainError("pool_exhausted", "专家库中已无可替补的专家")
        sub_seed = f"{draw.seed}/r{len(draw.replacements) + 1}"
        chosen = random.Random(sub_seed).choice(sorted(eligible))
        draw.result = [chosen if x == expert.pk else x for x in draw.result]
        draw.save(update_fields=["result"])
        DrawReplacement.objects.create(
            draw=draw, out_expert=expert, in_expert_id=chosen, reason=reason.strip(), seed=sub_seed, by=actor
        )
        m.experts.remove(expert)
        m.experts.add(chosen)
        _log(m, actor, "expert_replace", out=expert.pk, into=chosen, reason=reason.strip())
    return Expert.objects.get(pk=chosen)


def meeting_reschedule(*, meeting: Meeting, actor, date: dt.date, reason: str, late_reason: str = "") -> Meeting:
    """Move the meeting; a pending or accepted 报备 lapses and a new one, 15 days before the new date, is needed.
    The new date is checked as at creation (same year; 中级 after the deadline only with a reason); the returned
    meeting carries `warnings`."""
    if not (reason or "").strip():
        raise DomainError("reason_required", "会议改期须说明理由")
    with transaction.atomic():
        m = _locked(meeting)
        _require_clerk(actor, m, "调整会议日期")
        _require_planned(m, "调整会议日期")
        if date <= _today():
            raise DomainError("meeting_invalid", "会议日期须晚于今天")
        late_reason = (late_reason or "").strip() or m.late_reason
        problems, warnings = meeting_date_check(cycle=m.cycle, level=m.level, date=date, late_reason=late_reason)
        if problems:
            raise DomainError("meeting_invalid", "；".join(problems), source=RULE_FILING)
        if late_reason != m.late_reason:
            m.late_reason = late_reason
            m.save(update_fields=["late_reason"])
        old = m.date
        for live in m.filings.select_for_update().filter(status__in=MeetingFiling.LIVE):
            _transition(live, "supersede")
        m.date = date
        m.save(update_fields=["date"])
        _log(m, actor, "reschedule", old=old.isoformat(), new=date.isoformat(), reason=reason.strip())
        filing_deadlines.filing_deadline_set(meeting=m)
        body = (
            f"由{old:%Y年%m月%d日}改至{date:%Y年%m月%d日}，理由：{reason}。"
            f"原报备失效，须于新会议日期{filing_days(m)}天前重新报备（{RULE_FILING}）。"
        )
        notify(_supervisors(), f"评审会议「{m.title}」改期", body)
    m.warnings = warnings
    return m


# ---------------------------------------------------------------- the reviewers' 「审核通过」


def applications_approve(*, applications, actor, document_number: str = "") -> int:
    """The page's one 「审核通过」 for cases in the same state: the workflow's approving act of that state. Unit and
    committee approval start ONE publicity for all of them; 初定 approvals need the document (发文) and issue the
    certificate. Errors: TransitionConflict (a state with no approving act), and whatever the service refuses."""
    apps = list(applications)
    states = {a.status for a in apps}
    if len(states) != 1:
        raise DomainError("mixed_states", "所选申报处于不同环节，请分别办理")
    state = states.pop()
    act = next((a for a in workflow.acts_from(state) if a.approve), None)
    if act is None:
        raise TransitionConflict("wrong_state", f"所选申报处于「{S(state).label}」环节，不能审核通过")
    if act.surface == workflow.Surface.PUBLICITY:
        kind = workflow.STATES[act.targets[0]].publicity_kind
        pub_services.publicity_start(kind=kind, applications=apps, actor=actor)
    elif act.name in ("association_approve", "municipal_approve"):
        for app in apps:
            certificates.initial_approve(application=app, actor=actor, document_number=document_number)
    else:
        for app in apps:
            app_services.application_dept_approve(application=app, actor=actor)
    return len(apps)


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
                f"评审会议须在召开{filing_days(m)}天前向市职称办报备（{RULE_FILING}）：会议定于"
                f"{m.date:%Y年%m月%d日}，今天距会议仅{days}天，请先调整会议日期",
                source=RULE_FILING,
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
            raise DomainError("filing_incomplete", "报备内容不完整：" + "；".join(problems), source=RULE_FILING)
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
            body = f"退回理由：{reason}。请补充后于会议{filing_days(m)}天前重新报备，或调整会议日期（{RULE_FILING}）。"
            notify(_clerks(m.office_id), f"评审会议报备被退回：{m.title}", body)
    filing.refresh_from_db()
    return f


def filing_accept(*, filing: MeetingFiling, actor) -> MeetingFiling:
    return _decide(filing, actor, MeetingFiling.Status.ACCEPTED)


def filing_return(*, filing: MeetingFiling, actor, reason: str) -> MeetingFiling:
    if not (reason or "").strip():
        raise DomainError("reason_required", "退回报备须说明理由", source=RULE_FILING)
    return _decide(filing, actor, MeetingFiling.Status.RETURNED, reason.strip())


# ---------------------------------------------------------------- the meeting itself


def meeting_open(*, meeting: Meeting, actor) -> Meeting:
    """Open the meeting on its date: only with a 报备 for that date, filed ≥ 15 days before it and accepted by
    市职称办. Its cases move to 评审中 together; if one cannot, none does. Otherwise the clerk must move the date."""
    today = _today()
    with transaction.atomic():
        m = _locked(meeting)
        _require_clerk(actor, m, "召开评审会议")
        _require_planned(m, "召开")
        filing = m.filings.filter(status=MeetingFiling.Status.ACCEPTED, meeting_date=m.date).first()
        if filing is None or (m.date - filing.filed_on).days < filing_days(m):
            raise DomainError(
                "filing_not_accepted",
                f"评审会议须在召开{filing_days(m)}天前报备并经市职称办同意后方可召开（{RULE_FILING}）；"
                "本次会议没有按期报备且已同意的报备，请调整会议日期后重新报备",
                source=RULE_FILING,
            )
        if today != m.date:
            raise DomainError("not_meeting_day", f"会议报备的召开日期为{m.date:%Y年%m月%d日}，今天不能开会",
                              source=RULE_FILING)  # fmt: skip
        for app in m.applications.order_by("pk"):
            app_services.application_meeting_open(application=app, actor=actor, meeting_id=m.pk)
        _transition(m, "open", timezone.now())
        _log(m, actor, "open", filing=filing.pk)
    return m


def _require_quorum(m: Meeting) -> MeetingAttendance:
    """Attendance must be recorded, and meet the quorum, before any vote or result (人社部令第40号)."""
    att = MeetingAttendance.objects.filter(meeting=m).first()
    rules = meeting_rules(m.cycle)
    if att is None:
        raise DomainError("attendance_missing", f"请先登记到会专家，核对到会人数后方可表决（{rules.quorum_source}）",
                          source=rules.quorum_source)  # fmt: skip
    present = att.present.count()
    if present < att.quorum:
        raise DomainError(
            "no_quorum",
            f"到会专家{present}人，少于本次会议抽取的{att.panel_size}名专家的{rules.quorum}（须不少于{att.quorum}人），"
            f"不得表决或登记结果（{rules.quorum_source}）",
            source=rules.quorum_source,
            fields={"present": present, "quorum": att.quorum},
        )
    return att


def attendance_record(*, meeting: Meeting, actor, present) -> MeetingAttendance:
    """Record who of the drawn experts is present at the open meeting (到会), with the quorum it is checked
    against: ceil(quorum × experts drawn), default 2/3 (cycle data rules["meeting"]["quorum"]). Recorded even
    when short of the quorum (it is a fact), but then no vote or result can be recorded. May be corrected until
    the first vote. Errors: PermissionDenied, TransitionConflict (not open, votes already recorded),
    DomainError (someone not on the panel)."""
    ids = {getattr(e, "pk", e) for e in present or []}
    with transaction.atomic():
        m = _locked(meeting)
        _require_clerk(actor, m, "登记到会专家")
        if m.status != Meeting.Status.OPEN:
            raise TransitionConflict(
                "meeting_not_open", f"评审会议当前为「{m.get_status_display()}」，不能登记到会专家"
            )
        if MeetingTally.objects.filter(meeting=m).exists():
            raise TransitionConflict("votes_recorded", "已开始表决，不能再更改到会专家")
        panel = set(m.experts.values_list("pk", flat=True))
        if ids - panel:
            raise DomainError("not_on_panel", "到会专家须为本次会议抽中的评审专家")
        rules = meeting_rules(m.cycle)
        quorum = quorum_required(len(panel), rules)
        att, _ = MeetingAttendance.objects.update_or_create(
            meeting=m,
            defaults={"panel_size": len(panel), "quorum": quorum, "quorum_rule": rules.quorum_source[:200],
                      "recorded_by": actor},
        )  # fmt: skip
        att.present.set(sorted(ids))
        _log(m, actor, "attendance", present=sorted(ids), panel=len(panel), quorum=quorum)
    att.quorate = len(ids) >= quorum
    return att


def _passes_with(m: Meeting, application_id: int, passed: bool) -> int:
    others = MeetingTally.objects.filter(meeting=m, passed=True).exclude(application_id=application_id).count()
    return others + passed


def _store_tally(m: Meeting, actor, application, present: int, approve: int, oppose: int, abstain: int) -> dict:
    required = votes_required(present, meeting_threshold(m))
    passed = approve >= required
    candidates = m.applications.count()
    cap = pass_cap(m.pass_rate, candidates)
    passes = _passes_with(m, application.pk, passed)
    if passed and passes > cap:
        raise _cap_error(passes, cap, m, candidates)
    rules = meeting_rules(m.cycle)
    MeetingTally.objects.update_or_create(
        meeting=m,
        application=application,
        defaults={"present": present, "approve": approve, "oppose": oppose, "abstain": abstain,
                  "required": required, "passed": passed, "rule": rules.threshold_source[:200], "recorded_by": actor},
    )  # fmt: skip
    return {"present": present, "approvals": approve, "oppose": oppose, "abstain": abstain, "required": required,
            "passed": passed}  # fmt: skip


def tally_record(*, meeting: Meeting, actor, application: Application, approve: int, oppose: int,
                 abstain: int) -> dict:  # fmt: skip
    """The secret ballot's count for one case (赞成/反对/弃权; who voted how is never recorded): one ballot per
    expert present, so the three add up to the attendance; passes with approvals ≥ ceil(threshold × present),
    default 2/3 of those present (rules["meeting"]["pass_threshold"]; the committee's own threshold if stricter).
    A second call replaces the count until the results are recorded. Refused, with nothing written, without a
    quorate attendance, or when the case would pass and so exceed floor(pass rate × candidates)."""
    counts = {"赞成": approve, "反对": oppose, "弃权": abstain}
    with transaction.atomic():
        m = _locked(meeting)
        _require_clerk(actor, m, "登记表决结果")
        if m.status != Meeting.Status.OPEN:
            raise TransitionConflict("meeting_not_open", f"评审会议当前为「{m.get_status_display()}」，不能登记表决")
        if not m.applications.filter(pk=application.pk).exists():
            raise DomainError("not_on_agenda", f"申报 {application.number} 不是本次会议的评审对象")
        att = _require_quorum(m)
        present = att.present.count()
        if any(not isinstance(v, int) or v < 0 for v in counts.values()):
            raise DomainError("bad_tally", "赞成、反对、弃权票数须为不小于0的整数")
        if sum(counts.values()) != present:
            raise DomainError(
                "tally_mismatch",
                f"无记名投票每位到会专家一票：赞成{approve}、反对{oppose}、弃权{abstain}合计{sum(counts.values())}票，"
                f"与到会专家{present}人不符（{meeting_rules(m.cycle).threshold_source}）",
                source=meeting_rules(m.cycle).threshold_source,
            )
        Vote.objects.filter(meeting=m, application=application).delete()  # a count replaces any named ballots
        tally = _store_tally(m, actor, application, present, approve, oppose, abstain)
        counted = {k: tally[k] for k in ("approvals", "oppose", "abstain", "present")}
        _log(m, actor, "tally", application=application.pk, **counted)
    return tally


def _cap_error(passes: int, cap: int, meeting: Meeting, candidates: int) -> DomainError:
    return DomainError(
        "pass_cap_exceeded",
        f"通过人数{passes}人将超过报备的通过率上限（{meeting.pass_rate}×{candidates}人，向下取整为{cap}人）"
        f"，请复议后重新登记（{RULE_FILING}）",
        source=RULE_FILING,
        fields={"cap": cap, "passes": passes},
    )


def votes_record(*, meeting: Meeting, actor, application: Application, votes: dict) -> dict:
    """Record one case's ballots expert by expert ({expert or expert id: approve}) — where the committee votes
    openly by name; the secret ballot is recorded with `tally_record`. Every expert present votes and nobody
    else: the voters must be exactly the recorded attendance, which must meet the quorum. The count is stored as
    the case's tally (赞成/反对). A second call replaces the votes until the results are recorded; refused, with
    nothing written, when the case would pass and so bring the passes over floor(pass rate × candidates)."""
    votes = {getattr(k, "pk", k): bool(v) for k, v in (votes or {}).items()}
    with transaction.atomic():
        m = _locked(meeting)
        _require_clerk(actor, m, "登记专家表决")
        if m.status != Meeting.Status.OPEN:
            raise TransitionConflict("meeting_not_open", f"评审会议当前为「{m.get_status_display()}」，不能登记表决")
        if not m.applications.filter(pk=application.pk).exists():
            raise DomainError("not_on_agenda", f"申报 {application.number} 不是本次会议的评审对象")
        if not votes:
            raise DomainError("no_votes", "请登记到会专家的表决")
        panel = set(m.experts.values_list("pk", flat=True))
        strangers = set(votes) - panel
        if strangers:
            raise DomainError("not_on_panel", "表决人不是本次会议抽中的评审专家")
        att = _require_quorum(m)
        present_ids = set(att.present.values_list("pk", flat=True))
        if set(votes) != present_ids:
            raise DomainError(
                "voters_not_present",
                f"表决人须为全部到会专家（到会{len(present_ids)}人，本次登记{len(votes)}人）：未到会的专家不得表决，"
                f"到会专家均须表决（{meeting_rules(m.cycle).threshold_source}）",
                source=meeting_rules(m.cycle).threshold_source,
            )
        approvals = sum(1 for v in votes.values() if v)
        tally = _store_tally(m, actor, application, len(present_ids), approvals, len(votes) - approvals, 0)
        Vote.objects.filter(meeting=m, application=application).delete()
        Vote.objects.bulk_create(
            Vote(meeting=m, application=application, expert_id=eid, approve=ok, recorded_by=actor)
            for eid, ok in sorted(votes.items())
        )
        _log(m, actor, "votes", application=application.pk, approvals=approvals, present=len(present_ids))
    return {k: tally[k] for k in ("present", "approvals", "required", "passed")}


def results_record(*, meeting: Meeting, actor) -> list[MeetingResult]:
    """Close the meeting: every case's result from its tally (pass = approvals ≥ the threshold of the experts
    present, default two thirds). Refused, with nothing written, without a quorate attendance, if a case has no
    tally, or if the passes exceed floor(pass rate × candidates). Not passed is final for the cycle."""
    with transaction.atomic():
        m = _locked(meeting)
        _require_clerk(actor, m, "登记评审结果")
        if m.status != Meeting.Status.OPEN:
            raise TransitionConflict("meeting_not_open", f"评审会议当前为「{m.get_status_display()}」，不能登记结果")
        _require_quorum(m)
        apps = list(m.applications.order_by("pk"))
        tallies = {t.application_id: t for t in MeetingTally.objects.filter(meeting=m)}
        missing = [a.number for a in apps if a.pk not in tallies]
        if missing:
            raise DomainError("votes_missing", "以下申报尚未登记表决：" + "、".join(missing))
        passes = sum(1 for t in tallies.values() if t.passed)
        cap = pass_cap(m.pass_rate, len(apps))
        if passes > cap:
            raise _cap_error(passes, cap, m, len(apps))
        named: dict[int, dict[int, bool]] = {}
        for app_id, expert_id, approve in m.votes.values_list("application_id", "expert_id", "approve"):
            named.setdefault(app_id, {})[expert_id] = approve
        results = []
        for app in apps:
            t = tallies[app.pk]
            detail = {"meeting_id": m.pk, "present": t.present, "approvals": t.approve, "oppose": t.oppose,
                      "abstain": t.abstain, "required": t.required, "rule": t.rule}  # fmt: skip
            if app.pk in named:
                detail["by_expert"] = {str(k): v for k, v in sorted(named[app.pk].items())}
            app_services.application_record_result(application=app, actor=actor, passed=t.passed, votes=detail)
            results.append(MeetingResult.objects.create(meeting=m, application=app, present=t.present,
                                                        approvals=t.approve, required=t.required, passed=t.passed,
                                                        recorded_by=actor))  # fmt: skip
        _transition(m, "close", timezone.now())
        _log(m, actor, "results", passes=passes, cap=cap)
    return results


def meeting_result_publicity_start(*, meeting: Meeting, actor, working_days: int | None = None, start=None):
    """Put the meeting's passed cases in the result 公示 (default RESULT_PUBLICITY_WORKING_DAYS, 5 working days);
    an objection during it stops the case as in every 公示 (seed 000 六(二))."""
    with transaction.atomic():
        m = _locked(meeting)  # re-read under the lock: a concurrent call waits here and then finds nothing passed
        if not perms.can_manage_meeting(actor, m):
            raise PermissionDenied("forbidden", "您无权发布该会议的评审结果公示")
        if m.status != Meeting.Status.CLOSED:
            raise TransitionConflict("meeting_not_closed", "评审结果尚未登记，不能公示")
        passed = list(m.applications.filter(status__in=workflow.ACTS["result_publicity_start"].sources).order_by("pk"))
        if not passed:
            raise DomainError("nothing_to_publish", "本次会议没有待公示的通过人员")
        return pub_services.publicity_start(kind=Publicity.Kind.RESULT, applications=passed, actor=actor,
                                            working_days=working_days, start=start,
                                            title=f"{m.title}评审结果公示")  # fmt: skip
