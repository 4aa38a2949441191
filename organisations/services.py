"""Units, departments, committee offices, the association and who acts for them — every change by a service with
an actor and one append-only OrgEvent row (issue 13 item 3). The admin shows these and changes them only here.
Moved here from applications/orgs.py (issue 12 item 5); imports nothing from the case apps above."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhicheng.errors import DomainError, PermissionDenied
from zhicheng.roles import Role

from . import permissions as perms
from .credit_code import CREDIT_SOURCE, credit_code_problem, normalise_code
from .models import CommitteeOffice, Department, OrgEvent, Region, RoleMembership, Unit
from .permissions import can_confirm_unit, is_unit_admin, is_unit_hr  # noqa: F401 (callers use orgs.is_unit_hr)

# Roles a unit administrator may give within their unit.
UNIT_ROLES = (Role.UNIT_REVIEWER, Role.UNIT_HR, Role.UNIT_ADMIN)
OFFICE_ROLES = (Role.COMMITTEE_CLERK, Role.ASSOCIATION_CLERK)


def org_event(actor, action: str, target, data: dict | None = None) -> OrgEvent:
    name = ""
    if actor is not None:
        name = getattr(actor, "display_name", "") or actor.get_username()
    return OrgEvent.objects.create(
        actor=actor,
        actor_name=name,
        action=action,
        target_type=type(target).__name__,
        target_id=getattr(target, "pk", None),
        target_label=str(target)[:200],
        data=data or {},
    )


def _supervisor_only(actor, what: str):
    if not perms.is_supervisor(actor):
        raise PermissionDenied("forbidden", f"只有市职称办可以{what}")


def _forget_roles(user):
    perms.forget_memberships(user)


# ---------------------------------------------------------------- accounts for organisation staff


def account_create(
    *, username: str, name: str, password: str, phone: str = "", email: str = "", admin_site: bool = False
):
    """A sign-in account for someone who acts for an organisation (no role yet); `admin_site` lets it open the
    read-only admin (the supervisor's). Errors: username_taken, invalid_password, name_required."""
    User = get_user_model()
    username = (username or "").strip()
    name = (name or "").strip()
    if not username:
        raise DomainError("username_required", "请填写登录用户名", fields={"username": ["请填写登录用户名"]})
    if not name:
        raise DomainError("name_required", "请填写姓名", fields={"name": ["请填写姓名"]})
    if User.objects.filter(username=username).exists():
        raise DomainError("username_taken", f"用户名「{username}」已被使用", fields={"username": ["已被使用"]})
    try:
        validate_password(password)
    except ValidationError as exc:
        raise DomainError(
            "invalid_password", "密码不符合要求：" + "；".join(exc.messages), fields={"password": exc.messages}
        ) from None
    user = User(username=username, last_name=name[:1], first_name=name[1:], phone=phone.strip(), email=email.strip())
    user.is_staff = user.is_superuser = admin_site
    user.set_password(password)
    user.save()
    return user


# ---------------------------------------------------------------- units


def resolve_department(region: Region, department: Department | None) -> Department:
    """The unit's 主管部门, or the region's 人社部门 when it names none — so no case waits for nobody."""
    if department is not None:
        return department
    hrss = Department.objects.filter(kind=Department.Kind.HRSS, region=region).order_by("pk").first()
    if hrss is None:
        raise DomainError(
            "no_department",
            f"{region.name}尚未登记人社部门，无法确定单位的主管部门；请选择行业主管部门或联系市职称办",
            fields={"department": ["请选择主管部门"]},
        )
    return hrss


@transaction.atomic
def unit_register(
    *,
    actor,
    name: str,
    credit_code: str,
    ownership: str,
    region: Region,
    is_private_enterprise: bool = False,
    department: Department | None = None,
    short_name: str = "",
    address: str = "",
    contact_phone: str = "",
    confirmed: bool = False,
) -> Unit:
    """A unit registers; the actor becomes its administrator. The unit waits for its department's confirmation
    (`confirmed=True` only for the supervisor's bulk import). Errors: invalid_credit_code (GB 32100 check),
    duplicate_unit, no_department, invalid."""
    name = (name or "").strip()
    if not name:
        raise DomainError("name_required", "请填写单位名称", fields={"name": ["请填写单位名称"]})
    code = normalise_code(credit_code)
    problem = credit_code_problem(code)
    if problem:
        raise DomainError(
            "invalid_credit_code",
            f"{problem}（{CREDIT_SOURCE}）",
            source=CREDIT_SOURCE,
            fields={"credit_code": [problem]},
        )
    if ownership not in Unit.Ownership.values:
        raise DomainError("invalid", "单位性质无效", fields={"ownership": ["单位性质无效"]})
    if Unit.objects.filter(credit_code=code).exists():
        raise DomainError("duplicate_unit", f"统一社会信用代码 {code} 已登记", fields={"credit_code": ["已登记"]})
    if Unit.objects.filter(name=name).exists():
        raise DomainError("duplicate_unit", f"单位「{name}」已登记", fields={"name": ["已登记"]})
    if is_private_enterprise and ownership != Unit.Ownership.ENTERPRISE:
        raise DomainError("invalid", "只有企业可以标记为民营企业", fields={"is_private_enterprise": ["仅限企业"]})
    dept = resolve_department(region, department)
    unit = Unit(
        name=name,
        credit_code=code,
        ownership=ownership,
        region=region,
        is_private_enterprise=is_private_enterprise,
        department=dept,
        short_name=short_name.strip(),
        address=address.strip(),
        contact_phone=contact_phone.strip(),
        state=Unit.State.CONFIRMED if confirmed else Unit.State.PENDING,
        registered_by=actor,
    )
    if confirmed:
        unit.confirmed_by, unit.confirmed_at = actor, timezone.now()
    try:
        unit.full_clean()
        with transaction.atomic():
            unit.save()
    except (ValidationError, IntegrityError) as exc:
        detail = "；".join(m for v in exc.message_dict.values() for m in v) if isinstance(exc, ValidationError) else ""
        raise DomainError("duplicate_unit", f"单位信息有误或已登记{('：' + detail) if detail else ''}") from None
    org_event(
        actor,
        "unit_registered",
        unit,
        {"credit_code": code, "department": dept.name, "department_is_hrss_fallback": department is None},
    )
    if not confirmed:
        RoleMembership.objects.get_or_create(user=actor, role=Role.UNIT_ADMIN, unit=unit, department=None, office=None)
        _forget_roles(actor)
        org_event(actor, "role_granted", unit, {"user": actor.get_username(), "role": Role.UNIT_ADMIN.label})
    return unit


@transaction.atomic
def unit_confirm(*, unit: Unit, actor) -> Unit:
    """The unit's department (or the supervisor) confirms the registration. Errors: forbidden, already_confirmed."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if not can_confirm_unit(actor, unit):
        raise PermissionDenied(
            "forbidden", f"只有{unit.department.name if unit.department else '主管部门'}或市职称办可以确认该单位"
        )
    if unit.state == Unit.State.CONFIRMED:
        raise DomainError("already_confirmed", f"「{unit.name}」已确认")
    unit.state = Unit.State.CONFIRMED
    unit.confirmed_by, unit.confirmed_at = actor, timezone.now()
    unit.save(update_fields=["state", "confirmed_by", "confirmed_at"])
    org_event(actor, "unit_confirmed", unit, {"department": unit.department.name if unit.department else ""})
    return unit


@transaction.atomic
def unit_role_grant(*, unit: Unit, actor, user, role: str) -> RoleMembership:
    """The unit administrator names a unit reviewer, HR clerk or another administrator (confirmed units only)."""
    if role not in UNIT_ROLES:
        raise DomainError("invalid", "单位管理员只能授予单位审核人、人事经办人或单位管理员角色")
    if not (is_unit_admin(actor, unit) or perms.is_supervisor(actor)):
        raise PermissionDenied("forbidden", f"只有「{unit.name}」的单位管理员可以指定本单位人员")
    if unit.state != Unit.State.CONFIRMED:
        raise DomainError("unit_unconfirmed", f"「{unit.name}」尚未经主管部门确认，确认后方可指定审核人")
    membership, created = RoleMembership.objects.get_or_create(
        user=user, role=role, unit=unit, department=None, office=None
    )
    _forget_roles(user)
    if created:
        org_event(actor, "role_granted", unit, {"user": user.get_username(), "role": Role(role).label})
    return membership


@transaction.atomic
def role_revoke(*, membership: RoleMembership, actor) -> None:
    unit = membership.unit
    allowed = perms.is_supervisor(actor) or (
        unit is not None and is_unit_admin(actor, unit) and membership.user_id != actor.pk
    )
    if not allowed:
        raise PermissionDenied("forbidden", "无权撤销该角色")
    target = unit or membership.department or membership.office or membership.user
    org_event(
        actor, "role_revoked", target, {"user": membership.user.get_username(), "role": membership.get_role_display()}
    )
    membership.delete()
    _forget_roles(membership.user)


# ---------------------------------------------------------------- the supervisor's organisations


@transaction.atomic
def department_create(*, actor, name: str, kind: str, region: Region) -> Department:
    _supervisor_only(actor, "维护主管部门")
    name = (name or "").strip()
    if not name:
        raise DomainError("name_required", "请填写部门名称")
    if kind not in Department.Kind.values:
        raise DomainError("invalid", "部门类型无效")
    if Department.objects.filter(name=name).exists():
        raise DomainError("duplicate", f"「{name}」已登记")
    dept = Department.objects.create(name=name, kind=kind, region=region)
    org_event(actor, "department_created", dept, {"kind": kind, "region": region.name})
    return dept


@transaction.atomic
def office_save(
    *, actor, name: str, phones: list[str], address: str = "", is_association: bool = False, office=None
) -> CommitteeOffice:
    """Add or change a committee office (办事机构) or the association."""
    _supervisor_only(actor, "维护评委会办事机构和协会")
    name = (name or "").strip()
    if not name:
        raise DomainError("name_required", "请填写机构名称")
    clash = CommitteeOffice.objects.filter(name=name).exclude(pk=getattr(office, "pk", None))
    if clash.exists():
        raise DomainError("duplicate", f"「{name}」已登记")
    office = office or CommitteeOffice()
    before = {"name": office.name, "phones": office.phones, "address": office.address}
    office.name, office.phones, office.address, office.is_association = name, phones, address.strip(), is_association
    office.save()
    org_event(actor, "office_saved", office, {"before": before, "after": {"name": name, "phones": phones,
                                                                          "address": office.address}})  # fmt: skip
    return office


@transaction.atomic
def staff_role_grant(*, actor, user, role: str, department=None, office=None) -> RoleMembership:
    """The supervisor names a department reviewer, a committee office / association clerk or another supervisor."""
    _supervisor_only(actor, "指定主管部门审核人、办事机构和协会经办人")
    scopes = {Role.DEPT_REVIEWER: department, Role.COMMITTEE_CLERK: office, Role.ASSOCIATION_CLERK: office,
              Role.SUPERVISOR: True}  # fmt: skip
    if role not in scopes or scopes[role] is None:
        raise DomainError("invalid", "角色与所属机构不匹配")
    membership, created = RoleMembership.objects.get_or_create(
        user=user,
        role=role,
        unit=None,
        department=department if role == Role.DEPT_REVIEWER else None,
        office=office if role in OFFICE_ROLES else None,
    )
    _forget_roles(user)
    if created:
        target = department or office or user
        org_event(actor, "role_granted", target, {"user": user.get_username(), "role": Role(role).label})
    return membership
