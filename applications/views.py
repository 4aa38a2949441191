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

from . import eligibility, selectors, services
from . import permissions as perms
from .forms import ApplicationStartForm, MaterialUploadForm, ReasonForm, SubmitForm
from .graph import ACTION_LABELS
from .materials import can_download, material_delete, material_upload, missing_materials, required_kinds
from .models import Application, Level, Material, Series, Specialty, Status, Subspecialty

S = Status
ACTION_TEXT = {
    **ACTION_LABELS,
    "create": "创建申报",
    "paper_received": "登记纸质材料收件",
    "paper_extend": "延长纸质材料报送期限",
    "deadline_recomputed": "期限按正式放假安排重新计算",
    "objection_upheld": "异议成立",
    "objection_dismissed": "异议不成立",
}
# What the applicant should expect next, by state (shown on the case page).
NEXT_STEP = {
    S.DRAFT: "完成条件预检、上传材料，签署告知承诺后提交。",
    S.UNIT_REVIEW: "等待用人单位审核（真实性、完整性、时效性）。",
    S.UNIT_PUBLICITY: "单位评前公示中，不少于5个工作日；期满无异议后转主管部门复核。",
    S.DEPT_RECHECK: "等待行业主管部门/人社部门复核。",
    S.COMMITTEE_REVIEW: "等待评委会办事机构审核。",
    S.COMMITTEE_PUBLICITY: "评委会公示中；请在期限内向办事机构报送纸质材料。",
    S.AWAITING_MEETING: "等待评审会议。",
    S.IN_MEETING: "评审会议进行中。",
    S.PASSED: "评审通过，等待评审结果公示。",
    S.RESULT_PUBLICITY: "评审结果公示中。",
    S.AWAITING_PUBLICATION: "等待发文公布。",
    S.PUBLISHED: "已发文，等待核发电子证书。",
    S.ASSOCIATION_REVIEW: "等待协会审核。",
    S.MUNICIPAL_APPROVAL: "等待市职称办审批。",
    S.APPROVED: "初定已核准，等待核发电子证书。",
    S.CERTIFIED: "已核发电子证书，可下载。",
    S.CORRECTION: "请按补正通知逐项补正，并在期限内重新提交；逾期视为放弃申报。",
    S.RETURNED: "申报已按原渠道退回，可修改后重新提交。",
}
# Common correction items offered as a checklist (the reviewer may add any other item as free text).
CORRECTION_ITEMS = [
    *(label for value, label in Material.Kind.choices if value != Material.Kind.OTHER),
    "现职称证书扫描件不清晰，请重新上传",
    "继续教育学时证明不足或缺失",
    "申报表信息与证明材料不一致",
]
NAV = {
    Role.APPLICANT: [("我的申报", "my-cases"), ("新建申报", "application-new")],
    Role.UNIT_REVIEWER: [("待办", "inbox")],
    Role.DEPT_REVIEWER: [("待办", "inbox")],
    Role.COMMITTEE_CLERK: [("待办", "inbox"), ("评审会议", "meetings"), ("专家库", "expert-pools")],
    Role.ASSOCIATION_CLERK: [("待办", "inbox")],
    Role.SUPERVISOR: [
        ("监管看板", "dashboard"),
        ("全部申报", "inbox"),
        ("工作日历", "calendar"),
        ("诚信档案", "integrity"),
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
                "action": ACTION_TEXT.get(ev.action, ev.action),
                "from": ev.get_from_status_display() if ev.from_status else "",
                "to": ev.get_to_status_display(),
                "moved": ev.from_status != ev.to_status,
                "actor": ev.actor.display_name if ev.actor else "系统",
                "role": ev.get_actor_role_display(),
                "reason": ev.reason,
                "rule": ev.rule,
            }
        )
    return items


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
        "passed": [{"message": p.title, "source": p.source} for p in result.passed],
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
    ctx = {
        "app": app,
        "title": f"申报 {app.number}",
        "is_applicant": is_applicant,
        "show_full_id": perms.can_see_full_id(user, app),
        "timeline": timeline(app),
        "deadlines": running_deadlines(app),
        "next_step": NEXT_STEP.get(app.status, ""),
        "materials": list(app.materials.select_related("uploaded_by")),
        "required_kinds": [Material.Kind(k).label for k in required_kinds(app)],
        "objections": list(app.objections.all())
        if perms.is_reviewer_of(user, app) or perms.is_supervisor(user)
        else [],
        "terminal": app.status in (S.NOT_PASSED, S.ABANDONED, S.REJECTED, S.WITHDRAWN, S.REVOKED),
    }
    if is_applicant:
        ctx["editable"] = app.status in (S.DRAFT, S.CORRECTION)
        ctx["upload_form"] = MaterialUploadForm()
        ctx["pledge_text"] = services.PLEDGE_TEXT
        ctx["can_withdraw"] = app.status in (S.DRAFT, S.UNIT_REVIEW, S.DEPT_RECHECK, S.COMMITTEE_REVIEW,
                                             S.CORRECTION, S.ASSOCIATION_REVIEW)  # fmt: skip
        if app.status == S.DRAFT:
            ctx["precheck"] = precheck(app)
    ctx["reviewer"] = reviewer_actions(user, app)
    return ctx


def reviewer_actions(user, app: Application) -> dict:
    """Which reviewer forms the page offers: the permission predicates decide; the services re-check on post."""
    predicate_role = services.REVIEWER_OF_STATE.get(app.status)
    acting = predicate_role is not None and predicate_role[0](user, app)
    return {
        "acting": acting,
        "approve_label": {
            S.UNIT_REVIEW: "审核通过并发起评前公示",
            S.DEPT_RECHECK: "复核通过",
            S.COMMITTEE_REVIEW: "审核通过并发起评委会公示",
            S.ASSOCIATION_REVIEW: "协会审核通过",
            S.MUNICIPAL_APPROVAL: "审批通过",
        }.get(app.status, ""),
        "needs_document": acting and app.status in (S.ASSOCIATION_REVIEW, S.MUNICIPAL_APPROVAL)
        and (app.status == S.MUNICIPAL_APPROVAL or app.level.tier == Level.Tier.JUNIOR),
        "can_return": acting and app.status in (S.DEPT_RECHECK, S.COMMITTEE_REVIEW, S.ASSOCIATION_REVIEW),
        "paper": app.status == S.COMMITTEE_PUBLICITY and app.paper_received_at is None
        and perms.can_committee_act(user, app),
        "correction_items": CORRECTION_ITEMS,
        "revoke": perms.is_supervisor(user) and app.status in (S.PASSED, S.RESULT_PUBLICITY, S.AWAITING_PUBLICATION,
                                                               S.PUBLISHED, S.APPROVED, S.CERTIFIED),
    }  # fmt: skip


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
        services.application_resubmit(application=app, actor=request.user)
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
