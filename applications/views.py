"""The applicant's pages and the shared case page (issue 8). Server-rendered; htmx for the cascade and uploads.

Views add no rule: they call the services and selectors, and a DomainError comes back to the page as its Chinese
message and source, with its 4xx status, having changed nothing.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhicheng import workdays
from zhicheng.errors import DomainError
from zhicheng.models import Notification
from zhicheng.roles import Role

from . import eligibility, selectors, services, workflow
from . import permissions as perms
from .forms import ApplicationStartForm, MaterialUploadForm, ReasonForm, SubmitForm
from .materials import can_download, material_delete, material_upload, missing_materials, required_kinds
from .models import Application, Level, Material, Series, Specialty, Status, Subspecialty
from .periods import application_cycle, cycle_periods

S = Status
# Common correction items offered as a checklist (the reviewer may add any other item as free text).
CORRECTION_ITEMS = [
    *(label for value, label in Material.Kind.choices if value != Material.Kind.OTHER),
    "现职称证书扫描件不清晰，请重新上传",
    "继续教育学时证明不足或缺失",
    "申报表信息与证明材料不一致",
]
NAV = {
    Role.APPLICANT: [("我的申报", "my-cases"), ("新建申报", "application-new"), ("个人信息", "profile")],
    Role.UNIT_REVIEWER: [("待办", "inbox")],
    Role.UNIT_ADMIN: [("本单位", "units")],
    Role.UNIT_HR: [("本单位", "units")],
    Role.DEPT_REVIEWER: [("待办", "inbox"), ("单位确认", "units")],
    Role.COMMITTEE_CLERK: [
        ("待办", "inbox"),
        ("评审会议", "meetings"),
        ("专家库", "expert-pools"),
        ("发布申报时间", "windows-publish"),
    ],
    Role.ASSOCIATION_CLERK: [("待办", "inbox")],
    Role.SUPERVISOR: [
        ("监管看板", "dashboard"),
        ("全部申报", "inbox"),
        ("工作日历", "calendar"),
        ("诚信档案", "integrity"),
        ("单位", "units"),
        ("机构与人员", "organisations"),
    ],
}


# ---------------------------------------------------------------- page plumbing (used by every app's views)


def page_context(request) -> dict:
    user = request.user
    if not user.is_authenticated:
        return {}
    roles = perms.memberships(user)
    seen, nav = set(), []
    for m in roles:
        for label, name in NAV.get(m.role, []):
            if name not in seen:
                seen.add(name)
                url = reverse(name)
                nav.append({"label": label, "url": url, "current": request.path == url})
    return {
        "nav": nav,
        "role_labels": sorted({m.get_role_display() for m in roles}),
        "unread_count": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
    }


def render_page(request, template: str, context: dict | None = None, *, status: int = 200):
    return render(request, template, {**page_context(request), **(context or {})}, status=status)


def error_context(exc: DomainError) -> dict:
    return {"message": exc.message, "source": exc.source, "code": exc.code, "fields": exc.fields}


def show_error(request, exc: DomainError) -> None:
    """For a redirect after a refused act: the message (with its source) on the next page."""
    messages.error(request, f"{exc.message}（依据：{exc.source}）" if exc.source else exc.message)


def visible_case(request, pk) -> Application:
    app = selectors.application_get(user=request.user, pk=pk)
    if app is None:
        raise Http404("申报不存在或您无权查看")
    return app


# ---------------------------------------------------------------- the case page (every role)


def _today() -> dt.date:
    return workdays.local_date(timezone.now())


def running_deadlines(app: Application, today: dt.date | None = None) -> list[dict]:
    """Each running clock of the case with its last day and the working days left (provisional where the calendar
    lacks the year)."""
    today = today or _today()
    rows = []
    if app.held_until is not None:
        last_day = workdays.local_date(app.held_until - dt.timedelta(seconds=1))
        entry = app.publicity_entries.filter(left_at__isnull=True).select_related("publicity").first()
        rows.append({"label": f"{app.get_status_display()}期满", "last_day": last_day,
                     "start": entry.publicity.starts_on if entry else None,
                     "provisional": app.held_provisional, "held": app.open_objections > 0})  # fmt: skip
    for dl in app.deadlines.filter(closed_at__isnull=True):
        rows.append({"label": dl.get_kind_display(), "last_day": dl.last_day, "provisional": dl.provisional,
                     "start": workdays.local_date(dl.created_at), "extended": dl.extended})  # fmt: skip
    for row in rows:
        left, provisional = workdays.workdays_between(today, row["last_day"])
        # A period counts from the day after it starts (民法典第二百零一条): on its first day a 5-working-day
        # 公示 has 5 days left; on a later working day inside it, today itself still counts while it lasts.
        row["today_counts"] = (
            row["last_day"] >= today and workdays.is_workday(today) and (row["start"] is None or today > row["start"])
        )
        row["days_left"] = left + row["today_counts"]
        row["overdue"] = row["last_day"] < today
        row["provisional"] = row["provisional"] or provisional
    return sorted(rows, key=lambda r: r["last_day"])


def timeline(app: Application) -> list[dict]:
    items = []
    for ev in selectors.application_events(application=app):
        items.append(
            {
                "at": ev.created_at,
                "action": ev.get_action_display(),
                "from": ev.get_from_status_display() if ev.from_status else "",
                "to": ev.get_to_status_display(),
                "moved": ev.from_status != ev.to_status,
                "actor": ev.actor_name or (ev.actor.display_name if ev.actor else "系统"),
                "role": ev.get_actor_role_display(),
                "reason": ev.reason,
                "rule": ev.rule,
            }
        )
    return items


def route_stepper(app: Application, today: dt.date | None = None) -> list[dict]:
    """办件进度: every step of the case's route — done ones with date, actor and 依据, the current one with who acts
    and its running deadlines, the future ones with their earliest expected dates (from the workflow's minimum
    lengths and the working-day calendar)."""
    today = today or _today()
    line = list(workflow.MAIN_LINE[app.route])
    if app.route == workflow.Route.INITIAL and app.level.tier == Level.Tier.JUNIOR:
        line.remove(S.MUNICIPAL_APPROVAL)  # 初级 is approved by the association itself (seed 001 七)
    events = list(selectors.application_events(application=app))
    entered, left = {}, {}  # the latest event into and out of each state
    for ev in events:
        if ev.to_status != ev.from_status:
            entered[ev.to_status] = ev
            left[ev.from_status] = ev
    here = app.status if app.status in line else None
    if here is None:  # on a side path: the last main-line step reached is where the case left the line
        reached = [s for s in line if s in entered]
        here = reached[-1] if reached else S.DRAFT
    at = line.index(here)
    steps, day = [], today
    for i, state in enumerate(line):
        st = workflow.STATES[state]
        row = {"state": state, "label": st.label}
        if i < at or (i == at and app.status in workflow.TERMINAL + (S.CERTIFIED,)):
            ev = left.get(state) or entered.get(state)  # a step is done by the act that completed it
            row.update(done=True, at=ev.created_at if ev else None, rule=ev.rule if ev else "",
                       actor=(ev.actor.display_name if ev and ev.actor else "系统"), role=ev.get_actor_role_display()
                       if ev else "")  # fmt: skip
        elif i == at:
            who = [r.label for r in workflow.state_actors(app)] or ["系统（期满自动转入下一环节）"]
            row.update(current=True, who="、".join(who), next_step=st.next_step, deadlines=running_deadlines(app))
            if app.held_until is not None:
                day = workdays.local_date(app.held_until - dt.timedelta(seconds=1))
        else:
            kind = workflow.STATES[line[i - 1]].publicity_kind
            days = cycle_periods(application_cycle(app)).least_working_days(kind) if i > at + 1 else 0
            if days:
                end = workdays.add_workdays(day, days)
                day = end.last_day
                row.update(provisional=end.provisional)
            row.update(future=True, earliest=day)
        steps.append(row)
    return steps


def precheck(app: Application) -> dict:
    """The eligibility pre-check as a checklist: every rule checked, failed or passed, with its source."""
    result = eligibility.precheck(
        profile=app.applicant,
        route=app.route,
        series=app.series,
        level=app.level,
        specialty=app.specialty,
        subspecialty=app.subspecialty,
        cycle=app.review_cycle or app.initial_cycle,
        young_talent_direct=app.young_talent_direct,
        today=_today(),
    )
    committee = result.committee
    return {
        "failures": [{"message": f.message, "source": f.source} for f in result.failures],
        "passed": [
            {"message": f"{p.title}：{p.detail}" if p.detail else p.title, "source": p.source} for p in result.passed
        ],
        "missing_materials": missing_materials(app),
        "committee": f"{committee.label}（{committee.area}）" if committee else "",
        "office": result.office_name,
        "no_route_reason": result.no_route_reason,
        "proposed_level": result.proposed_initial_level.name if result.proposed_initial_level else "",
        "initial_basis": result.initial_basis,
    }


def case_context(request, app: Application) -> dict:
    user = request.user
    is_applicant = perms.is_applicant_of(user, app)
    offers = {o.name: o for o in services.available_acts(user, app)}
    ctx = {
        "app": app,
        "title": f"申报 {app.number}",
        "is_applicant": is_applicant,
        "show_full_id": perms.can_see_full_id(user, app),
        "timeline": timeline(app),
        "stepper": route_stepper(app),
        "paper_checklist": paper_checklist(app),
        "deadlines": running_deadlines(app),
        "next_step": workflow.STATES[app.status].next_step,
        "materials": list(app.materials.select_related("uploaded_by")),
        "required_kinds": [Material.Kind(k).label for k in required_kinds(app)],
        "objections": visible_objections(user, app),
        "terminal": app.status in workflow.TERMINAL,
        "offers": offers,
        "periods": cycle_periods(application_cycle(app)),
    }
    if is_applicant:
        ctx["editable"] = "submit" in offers or "resubmit" in offers
        ctx["upload_form"] = MaterialUploadForm()
        ctx["pledge_text"] = services.pledge_text(application_cycle(app))
        ctx["can_withdraw"] = "withdraw" in offers
        if "submit" in offers:
            ctx["precheck"] = precheck(app)
    ctx["reviewer"] = reviewer_actions(user, app, offers)
    return ctx


def paper_checklist(app: Application) -> dict | None:
    """What paper materials go where, by when (seed 000 附件备注3: 网报审核通过后原则上10个工作日内报送纸质材料)."""
    if app.route != workflow.Route.REVIEW or app.office is None:
        return None
    deadline = app.deadlines.filter(kind="paper").order_by("-id").first()
    if deadline is None and app.paper_received_at is None:
        return None
    kinds = sorted({m.get_kind_display() for m in app.materials.all()})
    return {
        "office": app.office.name,
        "phones": "；".join(app.office.phones),
        "address": getattr(app.office, "address", ""),
        "items": ["《专业技术资格评审申报表》（系统打印，单位盖章）", *(f"{k}（原件或复印件）" for k in kinds)],
        "last_day": deadline.last_day if deadline else None,
        "received": app.paper_received_at,
    }


def visible_objections(user, app: Application) -> list:
    """Objections to the case with the objector's name and contact: only for whoever decides them and the
    supervisor (the same predicate as GET /api/v1/objections/)."""
    objections = app.objections.select_related("publicity")
    return [o for o in objections if perms.can_see_objector(user, app, o.publicity.kind)]


def reviewer_actions(user, app: Application, offers: dict) -> dict:
    """Which reviewer forms the page offers: exactly the acts `available_acts` gives the user (the services
    re-check everything on post)."""
    approve = next((o for o in offers.values() if o.act.approve), None)
    return {
        "acting": approve is not None or "request_correction" in offers or "reject" in offers,
        "approve": approve,
        "approve_label": approve.label if approve else "",
        "needs_document": approve is not None
        and approve.name in ("association_approve", "municipal_approve")
        and (approve.name == "municipal_approve" or app.level.tier == Level.Tier.JUNIOR),
        "can_correct": "request_correction" in offers,
        "can_reject": "reject" in offers,
        "can_return": "return_out_of_scope" in offers,
        "paper": offers.get("paper_received"),
        "correction_items": CORRECTION_ITEMS,
        "revoke": "revoke" in offers,
    }


def render_case(request, app: Application, *, error: DomainError | None = None, status: int = 200):
    ctx = case_context(request, app)
    shown = request.GET.get("m", "")
    if shown.isdigit():
        ctx["viewing"] = next((m for m in ctx["materials"] if m.pk == int(shown)), None)
    if error is not None:
        ctx["error"] = error_context(error)
        status = error.status
    return render_page(request, "applications/case_detail.html", ctx, status=status)


@login_required
def case_detail(request, pk: int):
    return render_case(request, visible_case(request, pk))


# ---------------------------------------------------------------- applicant: my cases, the wizard


@login_required
def my_cases(request):
    apps = selectors.application_list(user=request.user).filter(applicant__user=request.user)
    rows = [{"app": a, "deadlines": running_deadlines(a)} for a in apps]
    return render_page(request, "applications/my_cases.html", {"title": "我的申报", "rows": rows})


@login_required
def application_new(request):
    if not hasattr(request.user, "applicant_profile"):
        messages.info(request, "请先填写个人信息（申报人注册）后再新建申报")
        return redirect("profile")
    form = ApplicationStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            app = services.application_create(
                actor=request.user,
                route=data["route"],
                series=data["series"],
                specialty=data["specialty"],
                subspecialty=data["subspecialty"],
                level=data["level"],
                young_talent_direct=data["young_talent_direct"],
                **form.cycles(),
            )
        except DomainError as exc:
            ctx = {"title": "新建申报", "form": form, "error": error_context(exc)}
            return render_page(request, "applications/wizard.html", ctx, status=exc.status)
        messages.success(request, f"已创建申报 {app.number}。请完成条件预检、上传材料并提交。")
        return redirect("case-detail", pk=app.pk)
    status = 400 if request.method == "POST" else 200
    return render_page(request, "applications/wizard.html", {"title": "新建申报", "form": form}, status=status)


@login_required
def cascade_specialties(request):
    """htmx: the 大专业 options of a series (and, for 初定, whether the series is accepted)."""
    series = Series.objects.filter(pk=request.GET.get("series") or 0).first()
    options = Specialty.objects.filter(series=series) if series else Specialty.objects.none()
    return render(request, "applications/_cascade_specialty.html", {"options": options})


@login_required
def cascade_subspecialties(request):
    options = Subspecialty.objects.filter(specialty_id=request.GET.get("specialty") or 0)
    return render(request, "applications/_cascade_subspecialty.html", {"options": options})


# ---------------------------------------------------------------- applicant acts


def _own_case(request, pk) -> Application:
    return visible_case(request, pk)


@login_required
@require_POST
def material_upload_view(request, pk: int):
    app = _own_case(request, pk)
    form = MaterialUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        exc = DomainError("no_file", "请选择材料类别和要上传的 PDF 文件")
        return _upload_answer(request, app, exc)
    upload = form.cleaned_data["file"]
    data = upload.read()
    try:
        material = material_upload(
            application=app, actor=request.user, kind=form.cleaned_data["kind"], name=upload.name, data=data
        )
    except DomainError as exc:
        return _upload_answer(request, app, exc)
    return _upload_answer(request, app, None, material=material)


def _upload_answer(request, app, exc, *, material=None):
    if request.htmx:
        ctx = {**case_context(request, app), "upload_error": error_context(exc) if exc else None,
               "uploaded": material}  # fmt: skip
        return render(request, "applications/_materials.html", ctx, status=exc.status if exc else 200)
    if exc is not None:
        return render_case(request, app, error=exc)
    messages.success(request, f"已上传：{material.get_kind_display()}（{material.original_name}，{material.pages} 页）")
    return redirect("case-detail", pk=app.pk)


@login_required
@require_POST
def material_delete_view(request, pk: int, material_pk: int):
    app = _own_case(request, pk)
    material = app.materials.filter(pk=material_pk).first()
    if material is None:
        raise Http404("材料不存在")
    try:
        material_delete(material=material, actor=request.user)
    except DomainError as exc:
        return render_case(request, app, error=exc)
    messages.success(request, "已删除材料")
    return redirect("case-detail", pk=app.pk)


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


@login_required
@require_POST
def application_submit_view(request, pk: int):
    app = _own_case(request, pk)
    form = SubmitForm(request.POST)
    form.is_valid()
    try:
        services.application_submit(
            application=app, actor=request.user, pledge_accepted=bool(form.cleaned_data.get("pledge")),
            ip=_client_ip(request),
        )  # fmt: skip
    except DomainError as exc:
        return render_case(request, app, error=exc)
    app.refresh_from_db()
    messages.success(request, f"申报已提交，当前环节：{app.get_status_display()}。")
    return redirect("case-detail", pk=app.pk)


@login_required
@require_POST
def application_resubmit_view(request, pk: int):
    app = _own_case(request, pk)
    try:
        answers = {k.removeprefix("answer_"): v for k, v in request.POST.items() if k.startswith("answer_")}
        services.application_resubmit(application=app, actor=request.user, answers=answers)
    except DomainError as exc:
        return render_case(request, app, error=exc)
    messages.success(request, "补正材料已重新提交。")
    return redirect("case-detail", pk=app.pk)


@login_required
@require_POST
def application_withdraw_view(request, pk: int):
    app = _own_case(request, pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        services.application_withdraw(application=app, actor=request.user, reason=form.cleaned_data.get("reason", ""))
    except DomainError as exc:
        return render_case(request, app, error=exc)
    messages.success(request, "申报已撤回。")
    return redirect("case-detail", pk=app.pk)


@login_required
@require_POST
def application_reopen_view(request, pk: int):
    app = _own_case(request, pk)
    try:
        services.application_reopen(application=app, actor=request.user)
    except DomainError as exc:
        return render_case(request, app, error=exc)
    return redirect("case-detail", pk=app.pk)


# ---------------------------------------------------------------- materials


@login_required
def material_download(request, pk: int):
    """Materials are served only here, as a download, to someone who may see the case (404 otherwise)."""
    return _serve_material(request, pk, as_attachment=True)


@login_required
def material_view(request, pk: int):
    """The same file shown inline, for the materials viewer on the case page."""
    return _serve_material(request, pk, as_attachment=False)


def _serve_material(request, pk: int, *, as_attachment: bool):
    material = Material.objects.select_related("application__applicant", "application__unit").filter(pk=pk).first()
    if material is None or not can_download(request.user, material):
        raise Http404("材料不存在或您无权查看")
    response = FileResponse(material.file.open("rb"), as_attachment=as_attachment, filename=material.original_name)
    response["Content-Type"] = "application/pdf"
    response["X-Content-Type-Options"] = "nosniff"
    # Active content is refused at upload (materials.inspect_pdf). The inline copy is for the case page's viewer:
    # nothing may load from it or frame it elsewhere. Not `sandbox`: Chromium's PDF viewer refuses sandboxed documents.
    response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'self'"
    if not as_attachment:
        response["X-Frame-Options"] = "SAMEORIGIN"
    return response


# ---------------------------------------------------------------- notifications


@login_required
def notifications(request):
    notes = Notification.objects.filter(recipient=request.user)[:100]
    if request.method == "POST":
        Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=timezone.now())
        return redirect("notifications")
    return render_page(request, "applications/notifications.html", {"title": "站内通知", "notes": notes})
