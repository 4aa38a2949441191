"""The committee office clerk's meeting pages (issue 8, 14): the meetings list, one meeting's preparation, 报备,
opening, attendance, tallies and results against the cap; and the expert pools the clerk keeps. The supervisor sees
every meeting. Views add no rule: review.services decides, and a DomainError comes back as its Chinese message."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from applications import permissions as perms
from applications import workflow
from applications.models import Application
from applications.views import error_context, render_page
from zhicheng.errors import DomainError
from zhicheng.roles import Role

from . import permissions as review_perms
from . import selectors as review_selectors
from . import services as review_services
from .forms import ExpertForm, ExpertPoolForm, MeetingForm, RescheduleForm, form_problems
from .models import Expert, ExpertDraw, Meeting, MeetingAttendance, MeetingFiling, MeetingTally
from .views import S, _roles

# ---------------------------------------------------------------- meetings: preparation, filing, results


def _meetings_for(user):
    qs = Meeting.objects.select_related("committee", "office", "series", "level")
    if perms.is_supervisor(user):
        return qs
    offices = [m.office_id for m in perms.memberships(user) if m.role == Role.COMMITTEE_CLERK]
    return qs.filter(office_id__in=offices)


@login_required
def meetings(request):
    """The committee clerk's meetings (the supervisor sees all), and the form to plan a new one."""
    roles = _roles(request.user)
    if not roles & {Role.COMMITTEE_CLERK, Role.SUPERVISOR}:
        raise Http404("您没有评审会议的权限")
    offices = [m.office_id for m in perms.memberships(request.user) if m.role == Role.COMMITTEE_CLERK]
    form = MeetingForm(request.POST or None, offices=offices) if offices else None
    context = {"title": "评审会议", "meetings": list(_meetings_for(request.user)[:100]), "form": form}
    if request.method == "POST" and form is not None:
        try:
            if not form.is_valid():
                problems = "；".join(f"{form.fields[k].label}{'、'.join(v)}" for k, v in form.errors.items())
                raise DomainError("meeting_invalid", f"请完整填写会议信息：{problems}")
            meeting = review_services.meeting_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            context["error"] = error_context(exc)
            return render_page(request, "review/meetings.html", context, status=exc.status)
        messages.success(request, f"已安排{meeting.title}；请在会议召开 15 日前完成报备。")
        for warning in meeting.warnings:
            messages.warning(request, f"请注意：{warning}")
        return redirect("meeting-detail", pk=meeting.pk)
    return render_page(request, "review/meetings.html", context)


def _meeting_context(request, meeting) -> dict:
    apps = list(meeting.applications.select_related("applicant", "unit").order_by("pk"))
    experts = list(meeting.experts.order_by("pk"))
    tallies = {t.application_id: t for t in MeetingTally.objects.filter(meeting=meeting)}
    rows, passes = [], 0
    for app in apps:
        t = tallies.get(app.pk)
        tally = None
        if t is not None:
            tally = {"present": t.present, "approvals": t.approve, "oppose": t.oppose, "abstain": t.abstain,
                     "required": t.required, "passed": t.passed}  # fmt: skip
            passes += t.passed
        rows.append({"app": app, "tally": tally})
    attendance = MeetingAttendance.objects.filter(meeting=meeting).first()
    present_ids = set(attendance.present.values_list("pk", flat=True)) if attendance else set()
    rules = review_services.meeting_rules(meeting.cycle)
    cap = review_services.pass_cap(meeting.pass_rate, len(apps)) if apps else 0
    addable = []
    if meeting.status == Meeting.Status.PLANNED:
        addable = list(
            Application.objects.filter(status=S.AWAITING_MEETING, committee=meeting.committee,
                                       series=meeting.series, level=meeting.level)
            .exclude(meetings__status__in=Meeting.LIVE)
            .select_related("applicant", "unit")
        )  # fmt: skip
    manage = review_perms.can_manage_meeting(request.user, meeting)
    draw = ExpertDraw.objects.filter(meeting=meeting).first()
    return {
        "title": meeting.title,
        "meeting": meeting,
        "rows": rows,
        "experts": experts,
        "draw": draw,
        "replacements": _replacements(draw),
        "filings": list(meeting.filings.all()),
        "cap": cap,
        "passes": passes,
        "cap_pct": round(passes * 100 / cap) if cap else (100 if passes else 0),
        "addable": addable,
        "manage": manage,
        # only the acts that would be accepted now: no second 报备 while one is live, no result 公示 once it is out
        "can_file": manage
        and meeting.status == Meeting.Status.PLANNED
        and not meeting.filings.filter(status__in=MeetingFiling.LIVE).exists(),
        "can_publicity": manage
        and meeting.status == Meeting.Status.CLOSED
        and meeting.applications.filter(status__in=workflow.ACTS["result_publicity_start"].sources).exists(),
        "decide": review_perms.can_decide_filing(request.user),
        "filing_due": meeting.date - dt.timedelta(days=review_services.filing_days(meeting)),
        "results": list(meeting.results.select_related("application__applicant")),
        "attendance": attendance,
        "present_ids": present_ids,
        "present_count": len(present_ids),
        "quorum": attendance.quorum if attendance else review_services.quorum_required(len(experts), rules),
        "quorate": bool(attendance) and len(present_ids) >= attendance.quorum,
        "rules": rules,
    }


def _replacements(draw) -> list[dict]:
    """The draw's replacement record with the experts' names, for the meeting page."""
    if draw is None or not draw.replacements:
        return []
    ids = {r["out"] for r in draw.replacements} | {r["in"] for r in draw.replacements}
    names = dict(Expert.objects.filter(pk__in=ids).values_list("pk", "name"))
    return [
        {"out": names.get(r["out"], r["out"]), "in": names.get(r["in"], r["in"]), "reason": r.get("reason", ""),
         "at": dt.datetime.fromisoformat(r["at"]) if r.get("at") else None}
        for r in draw.replacements
    ]  # fmt: skip


@login_required
def meeting_detail(request, pk: int):
    meeting = _meetings_for(request.user).filter(pk=pk).first()
    if meeting is None:
        raise Http404("评审会议不存在或您无权查看")
    return render_page(request, "review/meeting_detail.html", _meeting_context(request, meeting))


@login_required
@require_POST
def meeting_act(request, pk: int, action: str):
    meeting = _meetings_for(request.user).filter(pk=pk).first()
    if meeting is None:
        raise Http404("评审会议不存在或您无权查看")
    user = request.user
    try:
        if action == "add":
            ids = [int(i) for i in request.POST.getlist("ids") if str(i).isdigit()]
            review_services.meeting_add_cases(
                meeting=meeting, actor=user, applications=Application.objects.filter(pk__in=ids)
            )
            note = "已列入评审对象。"
        elif action == "draw":
            review_services.experts_draw(meeting=meeting, actor=user)
            note = "已随机抽取评审专家。"
        elif action == "file":
            review_services.filing_submit(meeting=meeting, actor=user, note=request.POST.get("note", ""))
            note = "已向市职称办报备。"
        elif action in ("accept", "return"):
            filing = meeting.filings.filter(pk=request.POST.get("filing") or 0).first()
            if filing is None:
                raise DomainError("no_filing", "报备不存在")
            if action == "accept":
                review_services.filing_accept(filing=filing, actor=user)
                note = "已同意报备。"
            else:
                review_services.filing_return(filing=filing, actor=user, reason=request.POST.get("reason", ""))
                note = "已退回报备。"
        elif action == "replace":
            # Any expert of the office's pools may be named; the service refuses one who is not on the panel.
            expert = Expert.objects.filter(
                pk=_int(request.POST.get("expert")), pool__office_id=meeting.office_id
            ).first()
            if expert is None:
                raise DomainError("not_on_panel", "请选择要替换的本次会议抽中的专家")
            chosen = review_services.expert_replace(
                meeting=meeting, actor=user, expert=expert, reason=request.POST.get("reason", "")
            )
            note = f"已将评审专家{expert.name}替换为{chosen.name}（从专家库随机抽取）。"
        elif action == "reschedule":
            form = RescheduleForm(request.POST)
            if not form.is_valid():
                raise DomainError("bad_form", f"请填写改期信息：{form_problems(form)}")
            old = meeting.date
            meeting = review_services.meeting_reschedule(
                meeting=meeting,
                actor=user,
                date=form.cleaned_data["date"],
                reason=form.cleaned_data["reason"],
                late_reason=form.cleaned_data["late_reason"],
            )
            due = meeting.date - dt.timedelta(days=review_services.filing_days(meeting))
            note = (
                f"会议已由{old:%Y年%m月%d日}改至{meeting.date:%Y年%m月%d日}；原有报备随之失效，"
                f"须最迟于{due:%Y年%m月%d日}向市职称办报备。"
            )
            for warning in meeting.warnings:
                messages.warning(request, f"请注意：{warning}")
        elif action == "open":
            review_services.meeting_open(meeting=meeting, actor=user)
            note = "评审会议已开始。"
        elif action == "attendance":
            present = [int(e) for e in request.POST.getlist("present") if e.isdigit()]
            att = review_services.attendance_record(meeting=meeting, actor=user, present=present)
            note = f"已登记到会专家{len(present)}人（抽取{att.panel_size}人，最少须{att.quorum}人到会）。"
            if not att.quorate:
                messages.warning(request, f"到会人数不足{att.quorum}人，不得表决（{att.quorum_rule}）。")
        elif action == "tally":
            app = meeting.applications.filter(pk=request.POST.get("application") or 0).first()
            if app is None:
                raise DomainError("not_on_agenda", "该申报不是本次会议的评审对象")
            counts = {k: _int(request.POST.get(k)) for k in ("approve", "oppose", "abstain")}
            tally = review_services.tally_record(meeting=meeting, actor=user, application=app, **counts)
            outcome = "通过" if tally["passed"] else "未通过"
            note = (
                f"{app.number}：赞成{tally['approvals']}、反对{tally['oppose']}、弃权{tally['abstain']}"
                f"（到会{tally['present']}人，需赞成{tally['required']}票），{outcome}。"
            )
        elif action == "votes":
            app = meeting.applications.filter(pk=request.POST.get("application") or 0).first()
            if app is None:
                raise DomainError("not_on_agenda", "该申报不是本次会议的评审对象")
            approve = set(request.POST.getlist("approve"))
            present = request.POST.getlist("present")
            votes = {int(e): e in approve for e in present if e.isdigit()}
            tally = review_services.votes_record(meeting=meeting, actor=user, application=app, votes=votes)
            outcome = "通过" if tally["passed"] else "未通过"
            note = f"{app.number}：赞成 {tally['approvals']}/{tally['present']}，{outcome}。"
        elif action == "results":
            review_services.results_record(meeting=meeting, actor=user)
            note = "评审结果已登记。"
        elif action == "publicity":
            review_services.meeting_result_publicity_start(meeting=meeting, actor=user)
            note = "评审结果公示已发布。"
        else:
            raise Http404("未知操作")
    except DomainError as exc:
        meeting.refresh_from_db()
        context = {**_meeting_context(request, meeting), "error": error_context(exc)}
        return render_page(request, "review/meeting_detail.html", context, status=exc.status)
    messages.success(request, note)
    return redirect("meeting-detail", pk=meeting.pk)


def _int(value) -> int:
    return int(value) if str(value or "").isdigit() else 0


# ---------------------------------------------------------------- expert pools (kept by the committee office clerk)


def _require_pool_viewer(user) -> None:
    if not _roles(user) & {Role.COMMITTEE_CLERK, Role.SUPERVISOR}:
        raise Http404("您没有评审专家库的权限")


def _clerk_offices(user) -> list[int]:
    return [m.office_id for m in perms.memberships(user) if m.role == Role.COMMITTEE_CLERK]


def _pools_context(request, *, pool_form=None, expert_forms=None) -> dict:
    """The pools the user may see (review.selectors scopes them: a clerk sees their office's, the supervisor all),
    each with its experts, and the forms of the clerk who keeps them."""
    user = request.user
    offices = _clerk_offices(user)
    pools = list(
        review_selectors.expert_pool_list(user=user)
        .annotate(active_count=Count("experts", filter=Q(experts__active=True)))
        .prefetch_related(Prefetch("experts", queryset=Expert.objects.select_related("unit").order_by("pk")))
        .order_by("office__name", "series__name", "level__rank", "pk")
    )
    expert_forms = expert_forms or {}
    rows = []
    for pool in pools:
        editable = review_perms.can_edit_pool(user, pool)
        form = expert_forms.get(pool.pk) or (ExpertForm(prefix=f"p{pool.pk}") if editable else None)
        rows.append({"pool": pool, "experts": list(pool.experts.all()), "editable": editable, "form": form})
    if pool_form is None and offices:
        pool_form = ExpertPoolForm(offices=offices)
    return {"title": "评审专家库", "rows": rows, "pool_form": pool_form, "read_only": not offices}


@login_required
def expert_pools(request):
    """The committee office clerk's expert pools (the supervisor reads them all), and the form to set one up."""
    _require_pool_viewer(request.user)
    if request.method != "POST":
        return render_page(request, "review/expert_pools.html", _pools_context(request))
    form = ExpertPoolForm(request.POST, offices=_clerk_offices(request.user))
    try:
        if not form.is_valid():
            raise DomainError("pool_invalid", f"请完整填写专家库信息：{form_problems(form)}")
        pool = review_services.expert_pool_create(actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        context = {**_pools_context(request, pool_form=form), "error": error_context(exc)}
        return render_page(request, "review/expert_pools.html", context, status=exc.status)
    messages.success(request, f"已建立{pool}。")
    return redirect(f"{reverse('expert-pools')}#pool-{pool.pk}")


@login_required
@require_POST
def expert_pool_act(request, pk: int, action: str):
    """On one pool: add an expert, take one out of the pool (出库) or put them back (在库)."""
    _require_pool_viewer(request.user)
    pool = review_selectors.expert_pool_list(user=request.user).filter(pk=pk).first()
    if pool is None:
        raise Http404("评审专家库不存在或您无权查看")
    expert_forms = {}
    try:
        if action == "add":
            form = ExpertForm(request.POST, prefix=f"p{pool.pk}")
            expert_forms[pool.pk] = form
            if not form.is_valid():
                raise DomainError("expert_invalid", f"请完整填写专家信息：{form_problems(form)}")
            expert = review_services.expert_add(actor=request.user, pool=pool, **form.service_kwargs())
            note = f"已将{expert.name}加入{pool}。"
        elif action in ("deactivate", "reactivate"):
            expert = pool.experts.filter(pk=_int(request.POST.get("expert"))).first()
            if expert is None:
                raise DomainError("no_expert", "该专家不在本专家库中")
            active = action == "reactivate"
            review_services.expert_set_active(actor=request.user, expert=expert, active=active)
            note = f"{expert.name}已{'恢复在库' if active else '出库，不再参加抽取'}。"
        else:
            raise Http404("未知操作")
    except DomainError as exc:
        context = {**_pools_context(request, expert_forms=expert_forms), "error": error_context(exc)}
        return render_page(request, "review/expert_pools.html", context, status=exc.status)
    messages.success(request, note)
    return redirect(f"{reverse('expert-pools')}#pool-{pool.pk}")
