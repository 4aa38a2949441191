"""Pages of people and organisations (issue 13): registration, 个人信息, units and their people, imports, windows
(the public list and the office's publishing page), integrity records and the 一票否决. Views call services; a
DomainError comes back to the page as its Chinese message and source, having changed nothing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from organisations import services as orgs
from organisations.models import Unit
from zhicheng import throttle
from zhicheng.errors import DomainError
from zhicheng.roles import Role

from . import imports, integrity, people, selectors
from . import permissions as perms
from .models import ApplicantProfile, Committee
from .people_apis import current_cycle, draft_for, template_response, visible_units, window_rows
from .people_forms import (
    ENTRY_FORMS,
    DepartmentForm,
    DraftForm,
    GrantForm,
    ImportForm,
    IntegrityForm,
    OfficeForm,
    ProfileForm,
    RegisterForm,
    StaffForm,
    StaffRoleForm,
    UnitAdminAccountForm,
    UnitRegisterForm,
    VetoForm,
    WindowForm,
)
from .views import error_context, render_page, show_error

BACKEND = "applications.auth.IdOrPhoneBackend"


def _form_error(form, exc: DomainError) -> None:
    for field, problems in (exc.fields or {}).items():
        if field in form.fields and isinstance(problems, list):
            for p in problems:
                if isinstance(p, str):
                    form.add_error(field, p)


# ---------------------------------------------------------------- registration and the record


def register(request):
    if request.user.is_authenticated:
        return redirect("profile")
    form = RegisterForm(request.POST or None)
    ctx = {"title": "申报人注册", "form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        data.pop("password2")
        try:
            throttle.check_registration(request)
            profile = people.applicant_register(**data)
        except DomainError as exc:
            _form_error(form, exc)
            return render_page(request, "people/register.html", {**ctx, "error": error_context(exc)}, status=exc.status)
        login(request, profile.user, backend=BACKEND)
        messages.success(request, f"注册成功。今后可用证件号码或手机号 {profile.phone} 登录。请完善个人信息。")
        return redirect("profile")
    return render_page(request, "people/register.html", ctx, status=400 if request.method == "POST" else 200)


def _profile_or_404(request, pk):
    if pk is None:
        profile = ApplicantProfile.objects.filter(user=request.user).first()
        if profile is None:
            return None
        return profile
    profile = ApplicantProfile.objects.filter(pk=pk).first()
    if profile is None or not people.can_edit_profile(request.user, profile):
        raise Http404("申报人不存在或您无权查看")
    return profile


@login_required
def profile_page(request, pk=None):
    """个人信息: the basic record and the lists (学历, 已取得职称, 继续教育学时, 考试合格记录)."""
    profile = _profile_or_404(request, pk)
    if profile is None:
        return render_page(request, "people/no_profile.html", {"title": "个人信息"})
    here = request.path
    section = request.POST.get("section", "") if request.method == "POST" else ""
    basic = ProfileForm(request.POST if section == "basic" else None, instance=profile, prefix="basic")
    entry_forms = {
        kind: cls(request.POST if section == kind else None, prefix=kind) for kind, cls in ENTRY_FORMS.items()
    }
    error = None
    if section == "basic" and basic.is_valid():
        values = {f: basic.cleaned_data[f] for f in basic.changed_data if f in people.PROFILE_FIELDS}
        fresh = ApplicantProfile.objects.get(pk=profile.pk)  # the form wrote into `profile`; compare with the row
        try:
            people.profile_update(profile=fresh, actor=request.user, **values)
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, "基本信息已保存")
            return redirect(here)
    elif section in entry_forms and entry_forms[section].is_valid():
        try:
            people.profile_entry_save(
                profile=profile, actor=request.user, kind=section, values=dict(entry_forms[section].cleaned_data)
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, f"{people.ENTRIES[section][1]}已添加")
            return redirect(here)
    elif section == "delete":
        kind = request.POST.get("kind", "")
        model = people.ENTRIES.get(kind, (None,))[0]
        entry = model.objects.filter(pk=request.POST.get("entry") or 0, profile=profile).first() if model else None
        if entry is not None:
            people.profile_entry_delete(profile=profile, actor=request.user, kind=kind, entry=entry)
            messages.success(request, f"已删除{people.ENTRIES[kind][1]}")
        return redirect(here)
    profile = ApplicantProfile.objects.select_related("unit").get(pk=profile.pk)
    ctx = {
        "title": "个人信息" if pk is None else f"职工信息：{profile.name}",
        "profile": profile,
        "basic": basic,
        "entry_forms": entry_forms,
        "educations": profile.educations.all(),
        "titles": profile.titles.select_related("series", "level"),
        "ce_hours": profile.ce_hours.order_by("-year"),
        "exams": profile.exams.select_related("series", "level"),
        "own": pk is None,
        "cycle": current_cycle(),
    }
    status = 200
    if error is not None:
        ctx["error"] = error_context(error)
        status = error.status
    elif section and request.method == "POST":
        status = 400
    return render_page(request, "people/profile.html", ctx, status=status)


# ---------------------------------------------------------------- units


def unit_register_page(request):
    form = UnitRegisterForm(request.POST or None)
    account = None if request.user.is_authenticated else UnitAdminAccountForm(request.POST or None)
    ctx = {"title": "单位注册", "form": form, "account": account}
    if request.method == "POST" and form.is_valid() and (account is None or account.is_valid()):
        try:
            throttle.check_registration(request)
            with transaction.atomic():
                actor = request.user
                if account is not None:
                    a = account.cleaned_data
                    actor = orgs.account_create(username=a["admin_username"], name=a["admin_name"],
                                                password=a["admin_password"], email=a["admin_email"])  # fmt: skip
                unit = orgs.unit_register(actor=actor, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
            return render_page(request, "people/unit_register.html", {**ctx, "error": error_context(exc)},
                               status=exc.status)  # fmt: skip
        if account is not None:
            login(request, actor, backend=BACKEND)
        messages.success(request, f"「{unit.name}」已注册，等待{unit.department.name}确认；确认后可指定本单位审核人。")
        return redirect("unit-detail", pk=unit.pk)
    return render_page(request, "people/unit_register.html", ctx, status=400 if request.method == "POST" else 200)


@login_required
def units_page(request):
    units = list(visible_units(request.user))
    pending = [u for u in units if u.state == Unit.State.PENDING and orgs.can_confirm_unit(request.user, u)]
    ctx = {
        "title": "单位",
        "units": units,
        "pending": pending,
        "supervisor": perms.is_supervisor(request.user),
        "import_form": ImportForm(),
    }
    return render_page(request, "people/units.html", ctx)


@login_required
@require_POST
def unit_confirm_view(request, pk):
    unit = visible_units(request.user).filter(pk=pk).first()
    if unit is None:
        raise Http404("单位不存在或您无权查看")
    try:
        orgs.unit_confirm(unit=unit, actor=request.user)
        messages.success(request, f"已确认「{unit.name}」")
    except DomainError as exc:
        show_error(request, exc)
    return redirect("units")


@login_required
@require_POST
def units_import_view(request):
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要导入的 Excel 文件")
        return redirect("units")
    try:
        count = imports.units_import(actor=request.user, data=request.FILES["file"].read())
        messages.success(request, f"已导入 {count} 个单位")
    except DomainError as exc:
        ctx = {"title": "导入结果", "error": error_context(exc), "back": reverse("units")}
        return render_page(request, "people/import_result.html", ctx, status=exc.status)
    return redirect("units")


def import_template(request, which):
    if which not in ("units", "staff"):
        raise Http404("没有这个模板")
    return template_response(which)


@login_required
def unit_detail(request, pk):
    unit = visible_units(request.user).filter(pk=pk).first()
    if unit is None:
        raise Http404("单位不存在或您无权查看")
    user = request.user
    is_admin, is_hr = orgs.is_unit_admin(user, unit), orgs.is_unit_hr(user, unit)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    grant = GrantForm(request.POST if action == "grant" else None, prefix="grant")
    staff_form = StaffForm(request.POST if action == "staff" else None, prefix="staff")
    draft_form = DraftForm(request.POST if action == "draft" else None, unit=unit, prefix="draft")
    error = None
    try:
        if action == "grant" and grant.is_valid():
            from .people_apis import grantee

            g = grant.cleaned_data
            with transaction.atomic():
                member = grantee(actor=user, unit=unit, username=g["username"], name=g["name"], password=g["password"])
                orgs.unit_role_grant(unit=unit, actor=user, user=member, role=g["role"])
            role_label = Role(g["role"]).label
            messages.success(request, f"已指定 {member.display_name}（{member.username}）为{role_label}")
            return redirect("unit-detail", pk=unit.pk)
        if action == "staff" and staff_form.is_valid():
            data = dict(staff_form.cleaned_data)
            data.pop("password2")
            password = data.pop("password")
            profile = people.applicant_register(**data, password=password, password_usable=bool(password),
                                                unit=unit, actor=user)  # fmt: skip
            messages.success(request, f"已登记职工 {profile.name}")
            return redirect("unit-detail", pk=unit.pk)
        if action == "draft" and draft_form.is_valid():
            d = draft_form.cleaned_data
            app = draft_for(
                actor=user, applicant=d["applicant"], route=d["route"], series=d["series"], level=d["level"]
            )
            messages.success(
                request, f"已为{d['applicant'].name}创建申报草稿 {app.number}；须由职工本人签署告知承诺后提交。"
            )
            return redirect("case-detail", pk=app.pk)
        if action == "import":
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                count = imports.staff_import(actor=user, unit=unit, data=request.FILES["file"].read())
                messages.success(request, f"已导入 {count} 名职工")
                return redirect("unit-detail", pk=unit.pk)
            messages.error(request, "请选择要导入的 Excel 文件")
        if action == "revoke":
            membership = unit.rolemembership_set.filter(pk=request.POST.get("membership") or 0).first()
            if membership is not None:
                orgs.role_revoke(membership=membership, actor=user)
                messages.success(request, "已撤销")
            return redirect("unit-detail", pk=unit.pk)
    except DomainError as exc:
        error = exc
        for form in (grant, staff_form, draft_form):
            if form.is_bound:
                _form_error(form, exc)
    staff = ApplicantProfile.objects.filter(unit=unit).order_by("name") if (is_admin or is_hr) else []
    drafts = selectors.application_list(user=user).filter(unit=unit, status="draft") if is_hr else []
    ctx = {
        "title": unit.name,
        "unit": unit,
        "is_admin": is_admin or perms.is_supervisor(user),
        "is_hr": is_hr,
        "members": unit.rolemembership_set.select_related("user").order_by("role"),
        "grant": grant,
        "staff_form": staff_form,
        "draft_form": draft_form,
        "import_form": ImportForm(),
        "staff": staff,
        "drafts": drafts,
        "can_confirm": unit.state == Unit.State.PENDING and orgs.can_confirm_unit(user, unit),
    }
    status = 200
    if error is not None:
        ctx["error"] = error_context(error)
        status = error.status
    elif action in ("grant", "staff", "draft"):
        status = 400
    return render_page(request, "people/unit_detail.html", ctx, status=status)


# ---------------------------------------------------------------- windows


def windows_public(request):
    """Every committee's 网络申报时间, office, phone and address for the cycle (one template to restyle)."""
    cycle = current_cycle()
    return render_page(request, "people/windows_public.html", {"title": "网络申报时间", "cycle": cycle,
                                                               "rows": window_rows(cycle)})  # fmt: skip


@login_required
def windows_publish(request):
    offices = [m.office_id for m in perms.memberships(request.user) if m.role == Role.COMMITTEE_CLERK]
    cycle = current_cycle()
    lines = Committee.objects.filter(cycle=cycle, office_id__in=offices, by_notice=True, inherited_from_row=None)
    lines = lines.select_related("office").order_by("row", "entry")
    form = WindowForm(request.POST or None, lines=lines)
    ctx = {"title": "发布网络申报时间", "form": form, "cycle": cycle, "rows": [r for r in window_rows(cycle)
           if r["committee"] in {line.pk for line in lines}], "clerk": bool(offices)}  # fmt: skip
    if request.method == "POST" and form.is_valid():
        from .windows import window_publish

        try:
            window_publish(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            return render_page(request, "people/windows_publish.html", {**ctx, "error": error_context(exc)},
                               status=exc.status)  # fmt: skip
        messages.success(request, "网络申报时间已发布，公众页面同步显示")
        return redirect("windows-publish")
    return render_page(request, "people/windows_publish.html", ctx, status=400 if request.method == "POST" else 200)


# ---------------------------------------------------------------- integrity


@login_required
def integrity_new(request):
    form = IntegrityForm(request.POST or None)
    ctx = {"title": "录入诚信档案", "form": form}
    if not perms.is_supervisor(request.user):
        raise Http404("页面不存在")
    if request.method == "POST" and form.is_valid():
        try:
            record = integrity.integrity_record_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            return render_page(request, "people/integrity_new.html", {**ctx, "error": error_context(exc)},
                               status=exc.status)  # fmt: skip
        messages.success(request, f"已记入诚信档案：{record.name}，至 {record.expires_on:%Y-%m-%d}")
        return redirect("integrity")
    return render_page(request, "people/integrity_new.html", ctx, status=400 if request.method == "POST" else 200)


@login_required
def fraud_veto(request, pk):
    app = selectors.application_get(user=request.user, pk=pk)
    if app is None or not integrity.can_veto(request.user, app):
        raise Http404("申报不存在或您无权办理")
    form = VetoForm(request.POST or None)
    ctx = {"title": f"一票否决：{app.number}", "form": form, "app": app}
    if request.method == "POST" and form.is_valid():
        try:
            integrity.application_fraud_veto(application=app, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            return render_page(request, "people/fraud_veto.html", {**ctx, "error": error_context(exc)},
                               status=exc.status)  # fmt: skip
        messages.success(request, "已一票否决：申报不予通过，申报人记入诚信档案3年")
        return redirect("case-detail", pk=app.pk)
    return render_page(request, "people/fraud_veto.html", ctx, status=400 if request.method == "POST" else 200)


# ---------------------------------------------------------------- the supervisor's organisations


def _account(username: str, name: str, password: str):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username.strip()).first()
    if user is not None:
        return user
    if not name.strip() or not password:
        raise DomainError("user_not_found", f"用户「{username}」不存在；新建账号请同时填写姓名和初始密码")
    return orgs.account_create(username=username, name=name, password=password)


@login_required
def organisations(request):
    """市职称办: departments, committee offices and the association, and the people who act for them."""
    from organisations.models import CommitteeOffice, Department, OrgEvent

    if not perms.is_supervisor(request.user):
        raise Http404("页面不存在")
    action = request.POST.get("action", "") if request.method == "POST" else ""
    dept_form = DepartmentForm(request.POST if action == "department" else None, prefix="dept")
    office_form = OfficeForm(request.POST if action == "office" else None, prefix="office")
    role_form = StaffRoleForm(request.POST if action == "role" else None, prefix="role")
    error = None
    try:
        if action == "department" and dept_form.is_valid():
            orgs.department_create(actor=request.user, **dept_form.cleaned_data)
            messages.success(request, "已新增主管部门")
            return redirect("organisations")
        if action == "office" and office_form.is_valid():
            d = office_form.cleaned_data
            phones = [p.strip() for p in d["phones"].replace("，", "、").replace(",", "、").split("、") if p.strip()]
            orgs.office_save(actor=request.user, office=d["office"], name=d["name"], phones=phones,
                             address=d["address"], is_association=d["is_association"])  # fmt: skip
            messages.success(request, f"已保存「{d['name']}」")
            return redirect("organisations")
        if action == "role" and role_form.is_valid():
            d = role_form.cleaned_data
            with transaction.atomic():
                user = _account(d["username"], d["name"], d["password"])
                orgs.staff_role_grant(actor=request.user, user=user, role=d["role"], department=d["department"],
                                      office=d["office_scope"])  # fmt: skip
            messages.success(request, f"已授予 {user.display_name} 角色")
            return redirect("organisations")
    except DomainError as exc:
        error = exc
    ctx = {
        "title": "单位与机构",
        "departments": Department.objects.select_related("region").order_by("region__order", "name"),
        "offices": CommitteeOffice.objects.order_by("name"),
        "events": OrgEvent.objects.select_related("actor")[:50],
        "dept_form": dept_form,
        "office_form": office_form,
        "role_form": role_form,
    }
    status = 200
    if error is not None:
        ctx["error"] = error_context(error)
        status = error.status
    elif action:
        status = 400
    return render_page(request, "people/organisations.html", ctx, status=status)
