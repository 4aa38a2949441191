"""The reviewers' and the supervisor's pages (issue 8): inbox per role with counts, filters, search, batch acts and
Excel export; the acts on one case; paper receipt by number; objections; the supervisor's dashboard.

Views add no rule: the services decide, and a DomainError comes back as its Chinese message with its 4xx status.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter, defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from openpyxl import Workbook
from openpyxl.styles import Font

from applications import counters as app_counters
from applications import deadlines as app_deadlines
from applications import permissions as perms
from applications import refcache, selectors, workflow
from applications import services as app_services
from applications.documents import case_cite
from applications.models import Application, Committee, Deadline, Level, Series, Status
from applications.models.case import PUBLICITY_STATES
from applications.views import error_context, render_case, render_page, show_error, visible_case
from publicity import certificates, objections
from publicity import services as pub_services
from publicity import views as public_views
from publicity.models import Objection, Publicity
from zhicheng import workdays
from zhicheng.db_router import reading_replica, replica_reads
from zhicheng.errors import DomainError, PermissionDenied
from zhicheng.roles import Role

from . import charts
from . import selectors as review_selectors
from . import services as review_services
from .forms import (
    PER_PAGE_CHOICES,
    CorrectionForm,
    InboxFilterForm,
    ObjectionDecisionForm,
    PaperReceiptForm,
    ReasonForm,
)
from .models import MeetingFiling, MeetingResult

S = Status
REVIEWER_ROLES = (Role.UNIT_REVIEWER, Role.DEPT_REVIEWER, Role.COMMITTEE_CLERK, Role.ASSOCIATION_CLERK)


def _roles(user) -> set[str]:
    return {m.role for m in perms.memberships(user)}


def home(request):
    """Signed in: the user's workbench. Not signed in: the public portal (公示, 发文, 受理安排, 证书核验)."""
    if not request.user.is_authenticated:
        return public_views.public_publicity(request)
    roles = _roles(request.user)
    if Role.SUPERVISOR in roles:
        return redirect("dashboard")
    if roles & set(REVIEWER_ROLES):
        return redirect("inbox")
    return redirect("my-cases")


# ---------------------------------------------------------------- inbox


def _mine(roles: set[str]) -> list[str]:
    """The states in which the user's roles have the next act (the inbox's default view), from the workflow."""
    return workflow.inbox_states(roles - {Role.APPLICANT})


INBOX_PAGE = PER_PAGE_CHOICES[0]  # rows per page unless the reviewer chooses another (每页 20/50/100 条)
COUNT_CAP = 1000  # a filtered view counts at most this many rows per request (shown as "1000+")


def _inbox_queryset(request, form: InboxFilterForm, mine: list[str]):
    qs = selectors.application_list(user=request.user).exclude(status=S.DRAFT)
    base = qs
    if form.is_valid():
        data = form.cleaned_data
        if data.get("q"):
            qs = qs.filter(selectors.application_search_q(data["q"], units=True, partial_number=True))
            base = qs
        if data.get("series"):
            qs = qs.filter(series=data["series"])
            base = base.filter(series=data["series"])
        if data.get("level"):
            qs = qs.filter(level=data["level"])
            base = base.filter(level=data["level"])
        if data.get("status"):
            qs = qs.filter(status=data["status"])
        elif data.get("scope") != "all" and mine and not data.get("q"):  # a search looks at everything visible
            qs = _in_states(qs, mine)
    elif mine:
        qs = _in_states(qs, mine)
    ordered = qs.order_by("-submitted_at", "-id")
    ordered._zc_per_state = getattr(qs, "_zc_per_state", None)  # a clone does not carry it
    # a search: the page's ids first from the case table alone (its hundreds of matches are not joined and sorted)
    ordered._zc_ids_first = bool(form.is_valid() and form.cleaned_data.get("q"))
    return base, ordered


def _in_states(qs, states: list[str]):
    """The cases in `states`; the queryset remembers its states and the set before, so that `_page` can read
    the first page state by state (one index range each) instead of walking every visible case in date order."""
    narrowed = qs.filter(status__in=states)
    narrowed._zc_per_state = (qs, list(states))
    return narrowed


def _after(value: str):
    """The inbox's keyset cursor `<submitted_at ISO>_<id>` (pages beyond the first), or None."""
    when, _, pk = (value or "").rpartition("_")
    try:
        return dt.datetime.fromisoformat(when), int(pk)
    except ValueError:
        return None


def _page(qs, request, size: int):
    """One page in the default order and the cursor of the next; no count of the whole set."""
    per_state = getattr(qs, "_zc_per_state", None)
    after = _after(request.GET.get("after", ""))
    if after is not None:  # (submitted_at, id) < (when, pk), written so the range reaches the index
        when, pk = after
        qs = qs.filter(submitted_at__lte=when).exclude(submitted_at=when, pk__gte=pk)
    if per_state is not None and len(per_state[1]) > 1 and connection.vendor == "postgresql":
        # The page's ids from one ordered range per state (the scope's (…, status, submitted_at, id) index), merged
        # (issue 17: the planner otherwise walks the whole scope by date and filters most rows out), then the rows.
        before, states = per_state
        if after is not None:
            before = before.filter(submitted_at__lte=when).exclude(submitted_at=when, pk__gte=pk)
        qs = _by_ids(request, _merged_ids(before, states, size + 1))
    elif getattr(qs, "_zc_ids_first", False) and connection.vendor == "postgresql":
        qs = _by_ids(request, list(qs.values_list("pk", flat=True)[: size + 1]))
    rows = list(qs[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    last = rows[-1] if rows else None
    cursor = f"{last.submitted_at.isoformat()}_{last.pk}" if more and last.submitted_at else ""
    return rows, cursor


_STATE_PROBE = "\x00zc-state\x00"  # a value no state has: marks the state's parameter in the compiled range


def _merged_ids(before, states: list[str], limit: int) -> list[int]:
    """The first `limit` ids in (submitted_at, id) order over `states`: one ordered, limited range per state,
    merged by UNION ALL. The range is compiled once, with a probe where the state goes, and repeated per state
    with the state's value in that parameter (compiling one per state cost ~1 ms each: a clerk's inbox has six)."""
    one = before.filter(status=_STATE_PROBE).order_by("-submitted_at", "-id").values_list("submitted_at", "id")
    sql, params = one[:limit].query.sql_with_params()
    at = [i for i, p in enumerate(params) if p == _STATE_PROBE]
    if len(at) != 1:  # not expected (no other parameter is that value): the same ids in one plain query
        return list(
            before.filter(status__in=states).order_by("-submitted_at", "-id").values_list("pk", flat=True)[:limit]
        )
    (i,) = at
    union = " UNION ALL ".join(f"({sql})" for _ in states)
    merged = [p for s in states for p in (*params[:i], s, *params[i + 1 :])]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT page.id FROM ({union}) AS page (submitted_at, id) "
            "ORDER BY page.submitted_at DESC, page.id DESC LIMIT %s",
            [*merged, limit],
        )
        return [pk for (pk,) in cursor.fetchall()]


def _by_ids(request, ids: list[int]):
    """The page's rows by the ids the filtered query found, in its order: the scope again, but not the search or
    the states (their conditions beside the id list misled the planner into a row estimate of 1 and a scan of the
    unit table per row: 7 ms at 1 M cases, issue 17)."""
    return selectors.application_list(user=request.user).filter(pk__in=ids).order_by("-submitted_at", "-id")


def _state_counts(request, base, filtered: bool) -> tuple[dict, bool]:
    """Cases per state for the tabs: from the counters when nothing narrows the view; else a count of at most
    COUNT_CAP rows of the filtered set (capped=True when there are more)."""
    if not filtered:
        counted = selectors.inbox_state_counts(request.user)
        if counted is not None:
            return counted, False
    ids = base.order_by().values("pk")[: COUNT_CAP + 1]
    by_state = dict(Application.objects.filter(pk__in=ids).order_by().values_list("status").annotate(n=Count("id")))
    return by_state, sum(by_state.values()) > COUNT_CAP


def _counts(by_state: dict, mine: list[str], current: str) -> list[dict]:
    order = list(dict.fromkeys([*mine, *(s for s in S.values if by_state.get(s))]))
    return [{"value": s, "label": S(s).label, "n": by_state.get(s, 0), "on": s == current} for s in order]


def _inbox_context(request, form: InboxFilterForm) -> tuple[dict, object]:
    """The inbox page's context and its (filtered) queryset; by default only the states where the user acts next."""
    roles = _roles(request.user)
    mine = _mine(roles)
    base, qs = _inbox_queryset(request, form, mine)
    current = form.cleaned_data.get("status", "") if form.is_valid() else ""
    data = form.cleaned_data if form.is_valid() else {}
    scope = "all" if data.get("scope") == "all" or data.get("q") or not mine else "mine"
    filtered = bool(data.get("q") or data.get("series") or data.get("level"))
    by_state, capped = _state_counts(request, base, filtered)
    size = data.get("per_page") or INBOX_PAGE
    apps, cursor = _page(qs, request, size)
    following = request.GET.copy()
    following["after"] = cursor
    context = {
        "title": "待办申报",
        "form": form,
        "counts": _counts(by_state, mine, current),
        "total": sum(by_state.values()),
        "capped": capped,
        "has_mine": bool(mine),
        "mine_total": sum(by_state.get(s, 0) for s in mine),
        "scope": "" if current else scope,
        "rows": (rows := _rows(apps, request.user)),
        "shown": len(apps),
        "next_page": following.urlencode() if cursor else "",
        "query": request.GET.urlencode(),
        "can_approve": any(r["approve"] for r in rows),
        "can_publicity": any("result_publicity_start" in r["acts"] for r in rows),
        "can_publish": any("publish" in r["acts"] for r in rows),
        "paper_form": PaperReceiptForm() if Role.COMMITTEE_CLERK in roles else None,
        "objections": review_selectors.open_objection_rows(user=request.user),
        "series_options": _options(Series, form["series"].value()),
        "per_page_options": [{"n": n, "on": n == size} for n in PER_PAGE_CHOICES],
        "level_options": _options(Level, form["level"].value()),
    }
    return context, qs


@login_required
def inbox(request):
    if not _roles(request.user) - {Role.APPLICANT}:
        raise Http404("您没有审核权限")
    form = InboxFilterForm(request.GET or None)
    context, qs = _inbox_context(request, form)
    if request.GET.get("export") == "xlsx":
        with reading_replica():  # exports may read a replica (DATABASE_REPLICA_URL)
            return _export_cases(qs, "待办申报")
    if request.htmx and request.htmx.target == "inbox-table":
        return render_page(request, "review/_inbox_table.html", context)
    return render_page(request, "review/inbox.html", context)


def _rows(apps, user) -> list[dict]:
    """The inbox rows with their cells as plain text (issue 17: the template only prints them; per-cell lookups,
    filters and a {% url %} per row were most of the page's rendering)."""
    today = workdays.local_date(timezone.now())
    detail = reverse("case-detail", args=[987654321])
    rows = []
    offers = app_services.available_acts_many(user, apps)
    for app in apps:
        acts = {o.name for o in offers[app.pk] if o.ready}
        due = None
        if app.held_until is not None:
            due = {"label": "公示期满", "last_day": workdays.local_date(app.held_until - dt.timedelta(seconds=1)),
                   "provisional": app.held_provisional}  # fmt: skip
        submitted = timezone.localtime(app.submitted_at) if app.submitted_at else None
        rows.append({"app": app, "due": due, "overdue": bool(due and due["last_day"] < today), "acts": acts,
                     "approve": any(workflow.ACTS[a].approve for a in acts),
                     "pk": app.pk, "number": app.number or "", "href": detail.replace("987654321", str(app.pk)),
                     "name": app.applicant.name, "unit": app.unit.name,
                     "series_level": f"{app.series.name} {app.level.name}", "status": app.get_status_display(),
                     "due_day": f"{due['last_day'].month}月{due['last_day'].day}日" if due else "",
                     "submitted": f"{submitted:%Y-%m-%d %H:%M}" if submitted else ""})  # fmt: skip
    return rows


def _options(model, selected) -> list[dict]:
    """The filter's choices from the in-memory reference rows (no query, no per-option template filter)."""
    chosen = str(selected or "")
    ordered = sorted(refcache.rows(model).values(), key=lambda o: [getattr(o, f) for f in model._meta.ordering])
    return [{"pk": o.pk, "name": o.name, "on": str(o.pk) == chosen} for o in ordered]


def _selected(request):
    ids = [int(i) for i in request.POST.getlist("ids") if str(i).isdigit()]
    return list(selectors.application_list(user=request.user).filter(pk__in=ids).order_by("pk"))


@login_required
@require_POST
def inbox_batch(request):
    """Approve the selected (a unit or committee approval starts ONE publicity for all of them), or put the
    selected passed cases into a result publicity. Each service refuses what it must; nothing changes then."""
    action = request.POST.get("action")
    apps = _selected(request)
    if not apps:
        show_error(request, DomainError("none_selected", "请先勾选要办理的申报"))
        return redirect(_back(request))
    groups: dict[str, list[Application]] = defaultdict(list)
    for app in apps:
        groups[app.status].append(app)
    done, failed = 0, []
    document_number = request.POST.get("document_number", "")
    for group in groups.values():
        try:
            if action == "result_publicity":
                pub_services.publicity_start(kind=Publicity.Kind.RESULT, applications=group, actor=request.user)
            elif action == "publish":
                certificates.publication_create(
                    actor=request.user,
                    document_number=document_number,
                    date=workdays.local_date(timezone.now()),
                    applications=group,
                )
            elif action == "approve":
                review_services.applications_approve(
                    applications=group, actor=request.user, document_number=document_number
                )
            else:
                raise DomainError("bad_action", "未知的批量操作")
            done += len(group)
        except DomainError as exc:
            failed.append(exc)
    if failed and not done:  # nothing changed: the refusal is the page itself, with its status
        context, _ = _inbox_context(request, InboxFilterForm(None))
        context["error"] = error_context(failed[0])
        for exc in failed[1:]:
            show_error(request, exc)
        return render_page(request, "review/inbox.html", context, status=failed[0].status)
    if done:
        messages.success(request, f"已办理 {done} 件申报。")
    for exc in failed:
        show_error(request, exc)
    return redirect(_back(request))


def _back(request) -> str:
    nxt = request.POST.get("next") or ""
    return nxt if nxt.startswith("/") and not nxt.startswith("//") else reverse("inbox")


@login_required
@require_POST
def paper_receipt(request):
    """The committee clerk records paper materials by case number."""
    form = PaperReceiptForm(request.POST)
    number = form.data.get("number", "").strip()
    # Case numbers are upper case (ZJ2024PS000001): a clerk typing zj2024ps000001 finds the same case.
    app = selectors.application_list(user=request.user).filter(number=number.upper()).first()
    try:
        if app is None:
            raise DomainError("not_found", f"未找到申报编号为「{number}」的申报，或您无权办理")
        app_services.application_mark_paper_received(application=app, actor=request.user)
    except DomainError as exc:
        show_error(request, exc)
        return redirect(_back(request))
    messages.success(request, f"已登记申报 {app.number}（{app.applicant.name}）的纸质材料。")
    return redirect(_back(request))


# ---------------------------------------------------------------- acts on one case


@login_required
@require_POST
def case_act(request, pk: int, action: str):
    app = visible_case(request, pk)
    user = request.user
    try:
        if action == "approve":
            review_services.applications_approve(
                applications=[app], actor=user, document_number=request.POST.get("document_number", "")
            )
            note = "已审核通过。"
        elif action == "correction":
            form = CorrectionForm(request.POST)
            if not form.is_valid():
                raise DomainError("bad_form", "补正期限应为 1～60 个工作日")
            app_services.application_request_correction(
                application=app, actor=user, items=form.all_items(), working_days=form.cleaned_data.get("working_days")
            )
            note = "已退回补正，并一次性告知申报人全部补正事项。"
        elif action in ("reject", "return", "revoke"):
            reason = ReasonForm(request.POST).data.get("reason", "")
            if action == "reject":
                app_services.application_reject(application=app, actor=user, reason=reason)
                note = "已作出不予通过决定。"
            elif action == "return":
                app_services.application_return(application=app, actor=user, reason=reason)
                note = "已按原渠道退回。"
            else:
                certificates.certificate_revoke(application=app, actor=user, finding=reason)
                note = "已撤销职称并记入诚信档案。"
        elif action == "paper":
            app_services.application_mark_paper_received(application=app, actor=user)
            note = "已登记纸质材料收件。"
        elif action == "paper-extend":
            days = request.POST.get("working_days", "")
            if not days.isdigit():
                raise DomainError("bad_days", "延长期限应为 1～20 个工作日", source=case_cite(app, "附件备注3"))
            app_services.application_paper_extend(
                application=app, actor=user, working_days=int(days), reason=request.POST.get("reason", "")
            )
            note = "已延长纸质材料报送期限。"
        elif action == "result-publicity":
            pub_services.publicity_start(kind=Publicity.Kind.RESULT, applications=[app], actor=user)
            note = "已发布评审结果公示。"
        elif action == "publish":
            certificates.publication_create(
                actor=user,
                document_number=request.POST.get("document_number", ""),
                date=workdays.local_date(timezone.now()),
                applications=[app],
            )
            note = "已发文公布并核发电子证书。"
        else:
            raise Http404("未知操作")
    except DomainError as exc:
        app.refresh_from_db()
        return render_case(request, app, error=exc)
    messages.success(request, note)
    return redirect("case-detail", pk=app.pk)


@login_required
@require_POST
def objection_decide(request, pk: int):
    objection = Objection.objects.select_related("application").filter(pk=pk).first()
    if objection is None or selectors.application_get(user=request.user, pk=objection.application_id) is None:
        raise Http404("异议不存在或您无权处理")
    form = ObjectionDecisionForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError("bad_form", "请选择调查结论")
        objections.objection_decide(
            objection=objection, actor=request.user, upheld=form.cleaned_data["upheld"],
            reason=form.cleaned_data.get("reason", ""),
        )  # fmt: skip
    except DomainError as exc:
        return render_case(request, objection.application, error=exc)
    messages.success(request, "已登记异议处理结论。")
    return redirect("case-detail", pk=objection.application_id)


# ---------------------------------------------------------------- supervisor dashboard


DASHBOARD_LIST = 50
D = app_counters.D


def require_supervisor(user):
    if not perms.is_supervisor(user):
        raise PermissionDenied("forbidden", "仅市职称办监管人员可以查看")


def _bars(pairs, *, kind: str = "") -> list[dict]:
    pairs = [(label, n) for label, n in pairs if n]
    top = max((n for _, n in pairs), default=0) or 1
    return [{"label": label, "n": n, "pct": round(n * 100 / top), "kind": kind} for label, n in pairs]


@login_required
@replica_reads
def dashboard(request):
    try:
        require_supervisor(request.user)
    except DomainError as exc:
        return render_page(request, "review/forbidden.html", {"error": error_context(exc)}, status=exc.status)
    now = timezone.now()
    today = workdays.local_date(now)
    week_end = today + dt.timedelta(days=6)
    # Every figure below comes from the counters (issue 17): no COUNT(*) over the cases.
    by_state = selectors.inbox_state_counts(request.user) or {}
    series_names = dict(Series.objects.values_list("pk", "name"))
    by_series = sorted(
        ((series_names.get(k, "—"), _submitted(states)) for k, states in app_counters.totals(D.SERIES).items()),
        key=lambda pair: -pair[1],
    )
    per_committee = {k: _submitted(states) for k, states in app_counters.totals(D.COMMITTEE).items()}
    committees = {c.pk: c for c in Committee.objects.filter(pk__in=[k for k in per_committee if k])}
    by_committee = Counter()
    for cid, n in per_committee.items():
        by_committee[_committee_label(committees.get(cid))] += n
    due_week = list(
        Deadline.objects.filter(closed_at__isnull=True, last_day__gte=today, last_day__lte=week_end)
        .select_related("application__applicant")
        .order_by("last_day")[:DASHBOARD_LIST]
    )
    publicity_week = list(
        Publicity.objects.filter(closed_at__isnull=True, last_day__gte=today, last_day__lte=week_end).order_by(
            "last_day"
        )[:DASHBOARD_LIST]
    )
    overdue = Deadline.objects.filter(closed_at__isnull=True, provisional=False, due_at__lte=now)
    overdue_deadlines = list(overdue.select_related("application__applicant").order_by("due_at")[:DASHBOARD_LIST])
    held = Application.objects.filter(status__in=PUBLICITY_STATES, held_provisional=False, held_until__lte=now)
    overdue_held = list(held.select_related("applicant").order_by("held_until")[:DASHBOARD_LIST])
    context = {
        "title": "监管看板",
        "total": sum(by_state.values()),
        "overdue_total": overdue.count() + held.count(),
        "by_state": _bars([(S(s).label, by_state.get(s, 0)) for s in S.values]),
        "by_series": _bars(list(by_series)[:15]),
        "by_committee": _bars(by_committee.most_common(15)),
        "pass_rates": _pass_rates(),
        "due_week": due_week,
        "publicity_week": publicity_week,
        "overdue_deadlines": overdue_deadlines,
        "overdue_held": overdue_held,
        "provisional": app_deadlines.provisional_waiting(),
        "filings": list(
            MeetingFiling.objects.filter(status=MeetingFiling.Status.SUBMITTED)
            .select_related("meeting__committee")
            .order_by("meeting_date")
        ),
        "in_publicity": sum(by_state.get(s, 0) for s in PUBLICITY_STATES),
        "today": today,
        "week_end": week_end,
        "trend": charts.trends(),
    }
    return render_page(request, "review/dashboard.html", context)


def _committee_label(committee) -> str:
    if committee is None:
        return "（初定/未分配）"
    return f"{committee.label}（{committee.area}）"


def _submitted(states: dict) -> int:
    return sum(n for status, n in states.items() if status != S.DRAFT)


def _pass_rates() -> list[dict]:
    """Pass rates per committee, cached under the newest result's id: results are only ever added, so a new result
    is a new key, and the aggregate over every past meeting (hundreds of thousands of rows) runs once per change."""
    newest = MeetingResult.objects.order_by("-id").values_list("id", flat=True).first()
    return cache.get_or_set(f"dashboard:pass-rates:{newest or 0}", _pass_rates_counted, 24 * 3600)


def _pass_rates_counted() -> list[dict]:
    """Pass rate of the recorded meetings against the filed pass rate (the cap), per committee: one aggregate per
    meeting in SQL (the cap is per meeting), summed per committee here."""
    per: dict = defaultdict(lambda: {"passed": 0, "candidates": 0, "cap": 0})
    meetings = (
        MeetingResult.objects.order_by()
        .values("meeting_id", "meeting__committee_id", "meeting__pass_rate")
        .annotate(candidates=Count("id"), passed=Count("id", filter=Q(passed=True)))
    )
    rows = list(meetings)
    committees = {c.pk: c for c in Committee.objects.filter(pk__in={r["meeting__committee_id"] for r in rows})}
    for r in rows:
        row = per[_committee_label(committees.get(r["meeting__committee_id"]))]
        row["passed"] += r["passed"]
        row["candidates"] += r["candidates"]
        row["cap"] += review_services.pass_cap(r["meeting__pass_rate"], r["candidates"])
    rows = []
    for label, row in sorted(per.items()):
        rate = row["passed"] / row["candidates"] if row["candidates"] else 0
        cap_rate = row["cap"] / row["candidates"] if row["candidates"] else 0
        rows.append({"label": label, "rate": rate, "rate_pct": round(rate * 100), "cap_pct": round(cap_rate * 100),
                     "over": row["passed"] > row["cap"], "passed": row["passed"], "cap": row["cap"],
                     "candidates": row["candidates"]})  # fmt: skip
    return rows


# ---------------------------------------------------------------- Excel export


def _export_cases(qs, title: str) -> HttpResponse:
    headers = ["申报编号", "姓名", "单位", "系列", "大专业", "小专业", "级别", "申报类型", "环节", "评委会",
               "提交时间", "公示期满"]  # fmt: skip
    rows = []
    for app in qs[:10000]:
        rows.append(
            [
                app.number,
                app.applicant.name,
                app.unit.name,
                app.series.name,
                app.specialty.name if app.specialty_id else "",
                app.subspecialty.name if app.subspecialty_id else "",
                app.level.name,
                app.get_route_display(),
                app.get_status_display(),
                _committee_label(app.committee) if app.committee_id else "",
                timezone.localtime(app.submitted_at).strftime("%Y-%m-%d %H:%M") if app.submitted_at else "",
                workdays.local_date(app.held_until - dt.timedelta(seconds=1)).isoformat() if app.held_until else "",
            ]
        )
    return xlsx_response(title, headers, rows)


def xlsx_response(title: str, headers: list[str], rows: list[list]) -> HttpResponse:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for i, header in enumerate(headers, start=1):
        width = max([len(str(header)) * 2, *(len(str(r[i - 1] or "")) * 2 for r in rows[:200])]) + 2
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = min(width, 60)
    buf = io.BytesIO()
    wb.save(buf)
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    response = HttpResponse(
        buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{title}{stamp}.xlsx')}"
    return response


# ---------------------------------------------------------------- supervisor: integrity archive


@login_required
def integrity_archive(request):
    from applications.models import IntegrityRecord

    try:
        require_supervisor(request.user)
    except DomainError as exc:
        return render_page(request, "review/forbidden.html", {"error": error_context(exc)}, status=exc.status)
    records = IntegrityRecord.objects.select_related("application", "created_by")
    if request.GET.get("export") == "xlsx":
        rows = [
            [r.name, r.id_number, r.finding, r.found_on.isoformat(), r.expires_on.isoformat(),
             r.application.number if r.application_id else "", r.created_by.display_name]
            for r in records
        ]  # fmt: skip
        return xlsx_response(
            "诚信档案", ["姓名", "身份证号", "认定事实", "认定日期", "记录期满", "相关申报", "记录人"], rows
        )
    today = workdays.local_date(timezone.now())
    return render_page(request, "review/integrity.html", {"title": "诚信档案", "records": records, "today": today})
