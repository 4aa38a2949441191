"""Applicants: registration and their own record (个人信息), through services with an actor and an audit row.

A change to the record after a submission is also written as an event on every live case of the person, so the
reviewer of the case sees what changed (issue 13 item 2).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from organisations.models import RoleMembership, Unit
from organisations.permissions import forget_memberships
from organisations.services import is_unit_admin, is_unit_hr, org_event
from zhicheng.errors import DomainError, PermissionDenied
from zhicheng.roles import Role

from . import permissions as perms
from . import workflow as wf
from .documents import current_cite
from .idcard import DOCUMENT_SOURCES, document_problem, id_hash, normalise_id
from .models import ApplicantProfile, Application, ContinuingEducation, Education, ExamPass, HeldTitle, Route

PHONE_SOURCE = "中国大陆11位手机号码"
# Cases whose reviewers must hear of a change to the applicant's record.
LIVE_AFTER_SUBMISSION = wf.LIVE_AFTER_SUBMISSION
PROFILE_FIELDS = {
    "name": "姓名",
    "phone": "手机号",
    "residence": "身份类别",
    "employment": "就业方式",
    "unit": "工作单位/人事代理机构",
    "employed_since": "入职日期",
    "work_started_on": "参加专业技术工作日期",
    "is_civil_servant": "公务员或参公人员",
    "is_retired": "离退休人员",
    "is_public_institution_staff": "事业单位在编人员",
    "sanction_until": "党纪政务行政处分影响期至",
    "social_security_queryable": "系统可查询社保缴费",
    "birth_date": "出生日期",
    "work_permit_number": "外国人来华工作许可证号",
}
# The residence category a document implies (seed 000 一(二)); a passport holder must hold a work permit.
RESIDENCE_OF_KIND = {
    ApplicantProfile.IdKind.RESIDENT: ApplicantProfile.Residence.MAINLAND,
    ApplicantProfile.IdKind.HK_MACAO: ApplicantProfile.Residence.HMT,
    ApplicantProfile.IdKind.TAIWAN: ApplicantProfile.Residence.HMT,
    ApplicantProfile.IdKind.FOREIGN_PERMANENT: ApplicantProfile.Residence.FOREIGN_PERMANENT,
    ApplicantProfile.IdKind.PASSPORT: ApplicantProfile.Residence.FOREIGN_WORK_PERMIT,
}


def _phone_problem(phone: str) -> str | None:
    phone = phone.strip()
    if len(phone) == 11 and phone.isdigit() and phone[0] == "1":
        return None
    return "手机号应为以1开头的11位数字"


def check_identity(*, id_kind: str, id_number: str, work_permit_number: str = "", birth_date=None) -> str:
    """The normalised number, or a DomainError naming the rule. Also refuses a number already registered."""
    if id_kind not in ApplicantProfile.IdKind.values:
        raise DomainError("invalid_id_kind", "证件类型无效", fields={"id_kind": ["证件类型无效"]})
    number = normalise_id(id_number)
    problem = document_problem(id_kind, number)
    if problem:
        source = DOCUMENT_SOURCES[id_kind]
        raise DomainError("invalid_id_number", f"{problem}（{source}）", source=source, fields={"id_number": [problem]})
    if id_kind == ApplicantProfile.IdKind.PASSPORT and not work_permit_number.strip():
        message = "持护照申报须填写外国人来华工作许可证号"
        raise DomainError(
            "work_permit_required",
            message,
            source=current_cite(Route.REVIEW, "一(二)"),
            fields={"work_permit_number": [message]},
        )
    if id_kind != ApplicantProfile.IdKind.RESIDENT and birth_date is None:
        raise DomainError(
            "birth_date_required", "非居民身份证须填写出生日期", fields={"birth_date": ["请填写出生日期"]}
        )
    if ApplicantProfile.objects.filter(id_hash=id_hash(id_kind, number)).exists():
        message = "该证件号码已注册，请直接登录或找回密码（同一证件只能注册一个申报账号）"
        raise DomainError("duplicate_id", message, source="证件号码唯一", fields={"id_number": [message]})
    return number


def _check_phone(phone: str, *, user=None) -> str:
    User = get_user_model()
    phone = (phone or "").strip()
    problem = _phone_problem(phone)
    if problem:
        raise DomainError("invalid_phone", problem, source=PHONE_SOURCE, fields={"phone": [problem]})
    others = User.objects.filter(phone=phone)
    if user is not None:
        others = others.exclude(pk=user.pk)
    if others.exists():
        message = "该手机号已被其他账号使用"
        raise DomainError("duplicate_phone", message, fields={"phone": [message]})
    return phone


def applicant_register(
    *,
    name: str,
    id_kind: str,
    id_number: str,
    phone: str,
    email: str,
    password: str,
    work_permit_number: str = "",
    birth_date: dt.date | None = None,
    unit: Unit | None = None,
    actor=None,
    username: str | None = None,
    password_usable: bool = True,
):
    """A person registers (or a unit HR account registers them, actor=HR): a user who signs in with the ID number
    (their username unless `username` is given) or the phone, the applicant role, and their record.

    Errors (nothing is saved): invalid_id_number (GB 11643 check for 居民身份证), duplicate_id, invalid_phone,
    duplicate_phone, invalid_email, invalid_password, name_required, work_permit_required, username_taken.
    """
    User = get_user_model()
    number = check_identity(
        id_kind=id_kind, id_number=id_number, work_permit_number=work_permit_number, birth_date=birth_date
    )
    if not (name or "").strip():
        raise DomainError("name_required", "请填写真实姓名", fields={"name": ["请填写真实姓名"]})
    _check_phone(phone)
    email = (email or "").strip()
    if "@" not in email or "." not in email.split("@")[-1]:
        raise DomainError("invalid_email", "电子邮箱格式不正确", fields={"email": ["电子邮箱格式不正确"]})
    if password_usable:
        try:
            validate_password(password)
        except ValidationError as exc:
            raise DomainError(
                "invalid_password", "密码不符合要求：" + "；".join(exc.messages), fields={"password": exc.messages}
            ) from None
    username = (username or number).strip()
    if User.objects.filter(username=username).exists():
        raise DomainError("username_taken", f"用户名「{username}」已被使用", fields={"username": ["已被使用"]})
    name = name.strip()
    try:
        with transaction.atomic():
            user = User(username=username, email=email, last_name=name[:1], first_name=name[1:])
            if password_usable:
                user.set_password(password)
            else:
                user.set_unusable_password()
            user.save()
            profile = profile_create(
                user=user,
                actor=actor or user,
                name=name,
                id_kind=id_kind,
                id_number=number,
                phone=phone,
                work_permit_number=work_permit_number,
                birth_date=birth_date,
                unit=unit,
            )
    except IntegrityError:  # a concurrent registration of the same number won the unique index
        raise DomainError("duplicate_id", "该证件号码已注册", fields={"id_number": ["该证件号码已注册"]}) from None
    return profile


def profile_create(
    *,
    user,
    actor,
    name: str,
    id_kind: str,
    id_number: str,
    phone: str,
    work_permit_number: str = "",
    birth_date: dt.date | None = None,
    unit: Unit | None = None,
    **values,
) -> ApplicantProfile:
    """The applicant record of an existing user (and the applicant role). `values`: further PROFILE_FIELDS.
    Errors as applicant_register."""
    if ApplicantProfile.objects.filter(user=user).exists():
        raise DomainError("profile_exists", "该账号已有申报人信息")
    acts_for_unit = unit is not None and (is_unit_hr(actor, unit) or is_unit_admin(actor, unit))
    if actor.pk != user.pk and not acts_for_unit:
        raise PermissionDenied("forbidden", "只能由本人或所在单位的人事经办人登记申报人信息")
    number = check_identity(
        id_kind=id_kind, id_number=id_number, work_permit_number=work_permit_number, birth_date=birth_date
    )
    name = (name or "").strip()
    if not name:
        raise DomainError("name_required", "请填写真实姓名", fields={"name": ["请填写真实姓名"]})
    phone = _check_phone(phone, user=user)
    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:
        raise DomainError("invalid", "不能填写的字段：" + "、".join(sorted(unknown)))
    with transaction.atomic():
        RoleMembership.objects.get_or_create(user=user, role=Role.APPLICANT, unit=None, department=None, office=None)
        forget_memberships(user)
        profile = ApplicantProfile(
            user=user,
            name=name,
            id_kind=id_kind,
            id_number=number,
            work_permit_number=(work_permit_number or "").strip(),
            birth_date=birth_date,
            phone=phone,
            residence=RESIDENCE_OF_KIND[id_kind],
            unit=unit,
            **values,
        )
        try:
            profile.full_clean(exclude=["user", "id_hash"])
        except ValidationError as exc:
            fields = exc.message_dict
            raise DomainError("invalid", "；".join(m for v in fields.values() for m in v), fields=fields) from None
        profile.save()
        user._zc_profile_id = profile.pk  # what applicant_profile_id reads for the rest of this request
        if user.phone != phone:
            user.phone = phone
            user.save(update_fields=["phone"])
        org_event(
            actor,
            "applicant_registered",
            profile,
            {"id_kind": id_kind, "id_masked": profile.id_masked, "by": "self" if actor.pk == user.pk else "unit_hr"},
        )
    return profile


# ---------------------------------------------------------------- the record


def can_edit_profile(user, profile: ApplicantProfile) -> bool:
    """The person, or an HR account of the unit they work for (seed 000 四: 可由所在工作单位或者人事代理机构申报)."""
    if user is None or not user.is_authenticated:
        return False
    if profile.user_id == user.pk:
        return True
    return profile.unit_id is not None and any(
        m.role == Role.UNIT_HR and m.unit_id == profile.unit_id for m in perms.memberships(user)
    )


def _require(actor, profile):
    if not can_edit_profile(actor, profile):
        raise PermissionDenied("forbidden", "只有申报人本人或其所在单位的人事经办人可以修改个人信息")


def _shown(value) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _record_change(profile: ApplicantProfile, actor, what: str, changes: list[dict]) -> None:
    """One audit row, and one event on each live case so the reviewer sees what changed."""
    if not changes:
        return
    org_event(actor, "profile_updated", profile, {"section": what, "changes": changes})
    role = Role.APPLICANT if actor.pk == profile.user_id else Role.UNIT_HR
    from .events import profile_changed_event

    for app in Application.objects.filter(applicant=profile, status__in=LIVE_AFTER_SUBMISSION):
        profile_changed_event(
            app,
            actor=actor,
            role=role,
            reason="提交后修改个人信息：" + "；".join(f"{c['field']} {c['old']} → {c['new']}" for c in changes),
            data={"section": what, "changes": changes},
        )


@transaction.atomic
def profile_update(*, profile: ApplicantProfile, actor, **values) -> ApplicantProfile:
    """Change fields of the record (PROFILE_FIELDS); unknown fields are refused. Records what changed."""
    _require(actor, profile)
    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:
        raise DomainError("invalid", "不能修改的字段：" + "、".join(sorted(unknown)))
    profile = ApplicantProfile.objects.select_for_update().get(pk=profile.pk)
    if "phone" in values:
        problem = _phone_problem(values["phone"] or "")
        if problem:
            raise DomainError("invalid_phone", problem, source=PHONE_SOURCE, fields={"phone": [problem]})
    unit = values.get("unit")
    if unit is not None and unit.state != Unit.State.CONFIRMED:
        raise DomainError("unit_unconfirmed", f"「{unit.name}」尚未经主管部门确认，暂不能选为工作单位")
    changes = []
    for field, value in values.items():
        old = getattr(profile, field)
        if old != value:
            changes.append({"field": PROFILE_FIELDS[field], "old": _shown(old), "new": _shown(value)})
            setattr(profile, field, value)
    try:
        profile.full_clean(exclude=["user", "id_hash"])
    except ValidationError as exc:
        fields = exc.message_dict
        raise DomainError("invalid", "；".join(m for v in fields.values() for m in v), fields=fields) from None
    profile.save()
    if "phone" in values and profile.user.phone != profile.phone:
        profile.user.phone = profile.phone
        profile.user.save(update_fields=["phone"])
    _record_change(profile, actor, "基本信息", changes)
    return profile


# Each part of the record a person keeps a list of: model, Chinese name, fields the service accepts.
ENTRIES = {
    "educations": (
        Education,
        "学历",
        ["degree", "graduated_on", "school", "major", "relevant", "chsi_code"],
    ),
    "titles": (
        HeldTitle,
        "已取得职称",
        ["series", "level", "obtained_on", "certificate_number", "by_exam", "issuer", "obtained_elsewhere"],
    ),
    "ce_hours": (ContinuingEducation, "继续教育学时", ["year", "public_hours", "professional_hours", "hours"]),
    "exams": (ExamPass, "考试合格记录", ["series", "level", "passed_on", "valid_until", "certificate_number"]),
}


def _describe(obj) -> str:
    return str(obj)


@transaction.atomic
def profile_entry_save(*, profile: ApplicantProfile, actor, kind: str, values: dict, entry=None):
    """Add (entry=None) or change one education / held title / CE year / exam pass. CE hours split into 公需科目
    and 专业科目 add up to the total (seed 000 二(九)). Errors: invalid with the field messages."""
    _require(actor, profile)
    model, label, allowed = ENTRIES[kind]
    unknown = set(values) - set(allowed)
    if unknown:
        raise DomainError("invalid", "不能填写的字段：" + "、".join(sorted(unknown)))
    if kind == "ce_hours":
        split = values.get("public_hours", 0) or 0, values.get("professional_hours", 0) or 0
        if any(split):
            values = {**values, "hours": split[0] + split[1]}
        elif not values.get("hours"):
            raise DomainError(
                "invalid",
                f"请填写公需科目和专业科目学时（{current_cite(Route.REVIEW, '二(九)')}）",
                fields={"public_hours": ["请填写学时"]},
            )
    old = None
    if entry is None:
        obj = model(profile=profile)
    else:
        obj = model.objects.select_for_update().get(pk=entry.pk, profile=profile)
        old = _describe(obj)
    for field, value in values.items():
        setattr(obj, field, value)
    try:
        obj.full_clean(exclude=["profile"])
        with transaction.atomic():
            obj.save()
    except ValidationError as exc:
        fields = exc.message_dict
        raise DomainError("invalid", f"{label}信息有误：" + "；".join(m for v in fields.values() for m in v),
                          fields=fields) from None  # fmt: skip
    except IntegrityError:
        raise DomainError("duplicate_entry", f"{label}已有相同年度或相同记录", fields={"year": ["重复"]}) from None
    _record_change(profile, actor, label, [{"field": label, "old": old or "（新增）", "new": _describe(obj)}])
    return obj


@transaction.atomic
def profile_entry_delete(*, profile: ApplicantProfile, actor, kind: str, entry) -> None:
    _require(actor, profile)
    model, label, _ = ENTRIES[kind]
    obj = model.objects.get(pk=entry.pk, profile=profile)
    text = _describe(obj)
    obj.delete()
    _record_change(profile, actor, label, [{"field": label, "old": text, "new": "（删除）"}])
