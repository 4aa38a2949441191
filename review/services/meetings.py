"""Expert pools and the auditable random draw, planning a meeting (dates checked against the cycle), its agenda,
rescheduling, and the reviewers' 「审核通过」 that carries a case to the meeting."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from applications import services as app_services
from applications import workflow
from applications.models import Application
from publicity import certificates
from publicity import services as pub_services
from zhicheng.errors import DomainError, PermissionDenied, TransitionConflict
from zhicheng.notify import notify

from .. import filing_deadlines
from .. import permissions as perms
from ..models import (
    DrawReplacement,
    Expert,
    ExpertConflict,
    ExpertDraw,
    ExpertPool,
    Meeting,
    MeetingFiling,
)
from ._common import (
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
from .rules import S, draw_panel, meeting_date_check, normalised_unit_name, rule_filing

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
        raise DomainError("meeting_invalid", "；".join(problems), source=rule_filing(committee.cycle))
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
            raise DomainError(
                "cases_invalid", "以下申报不能列入本次会议：" + "；".join(problems), source=rule_filing(m.cycle)
            )
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
        raise DomainError("reason_required", "替换评审专家须说明理由", source=rule_filing(meeting.cycle))
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
            raise DomainError("meeting_invalid", "；".join(problems), source=rule_filing(m.cycle))
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
            f"原报备失效，须于新会议日期{filing_days(m)}天前重新报备（{rule_filing(m.cycle)}）。"
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
