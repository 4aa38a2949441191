"""异议 (objections) to a 公示: filing one from the public page or the API (who, how to reach them, what — seed 000
五(一)), its receipt for following it, the limits that hold a flood, and its decision by whoever the workflow names
for that 公示 (upheld: the case stops; dismissed: it goes on). The objector's contact is seen only by the decider and
the supervisor (applications.permissions.can_see_objector)."""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from applications import services as app_services
from applications import workflow as wf
from applications.documents import case_cite, current_cite
from applications.models import (
    Application,
)
from applications.selectors import users_acting
from applications.workflow import PUBLICITY_STATES
from zhicheng import workdays
from zhicheng.errors import DomainError, TooManyRequests, TransitionConflict
from zhicheng.notify import notify

from . import public
from .models import Objection, PublicityEntry
from .services import kind_rule


def _responsible(kind: str, app: Application) -> list:
    """Who investigates an objection to a publicity of `kind`: its decider as the workflow declares it."""
    decider = wf.STATES[wf.KIND_STATE[kind]].objection_decider
    return users_acting(decider, unit_id=app.unit_id, department_id=app.unit.department_id, office_id=app.office_id)


RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone without mistakes
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(0\d{2,3})?[2-8]\d{6,7}(转\d{1,6})?$")  # 0511-84403810, 84403810, 0511-8440381转123


def objection_receipt_new(filed_at: dt.datetime) -> str:
    """YY + the filing day + 6 random characters, e.g. YY20241010-K7M2QX (about 10⁹ per day: not guessable)."""
    code = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(6))
    return f"YY{workdays.local_date(filed_at):%Y%m%d}-{code}"


def objection_validate(*, name: str, contact: str, content: str, application=None) -> None:
    """What a public objection must carry to be investigated (seed 000 五(一): 实名; the office must reach the
    objector): a real name, a reachable mobile, landline or e-mail, and content with some substance — at least
    ZHICHENG["OBJECTION_MIN_CHARS"] letters or characters, not one repeated. The public page and API call it
    before `objection_file`. Errors: DomainError `objection_invalid` with `fields` per field."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    name, contact, content = (name or "").strip(), (contact or "").strip(), (content or "").strip()
    given = {"name": ("实名", name), "contact": ("联系方式", contact), "content": ("异议内容", content)}
    missing = {key: label for key, (label, value) in given.items() if not value}
    if missing:
        message = f"提出异议须填写{'、'.join(missing.values())}"
        fields = {key: [f"请填写{label}"] for key, label in missing.items()}
        raise DomainError("objection_incomplete", message, source=_objection_rule(application), fields=fields)
    fields = {}
    if len(name) < 2 or not re.fullmatch(r"[\u4e00-\u9fff·A-Za-z .]+", name):
        fields["name"] = ["请填写真实姓名（至少 2 个字，不含数字和符号）"]
    digits = re.sub(r"[\s\-()（）]", "", contact)
    if "@" in contact:
        try:
            validate_email(contact)
        except ValidationError:
            fields["contact"] = [f"电子邮箱「{contact}」格式不正确"]
    elif not (_MOBILE.match(digits.removeprefix("+86")) or _LANDLINE.match(digits)):
        fields["contact"] = [f"联系方式「{contact}」不是可以联系到的手机号（11 位）、固定电话或电子邮箱"]
    minimum = int(settings.ZHICHENG.get("OBJECTION_MIN_CHARS", 4))
    letters = [ch for ch in content if ch.isalnum()]
    if len(letters) < minimum or len(set(letters)) < 2:
        fields["content"] = [f"异议内容过于简略：请写明具体事实（至少 {minimum} 个字），以便调查核实"]
    if fields:
        problems = "；".join(m for ms in fields.values() for m in ms)
        raise DomainError(
            "objection_invalid", f"异议未受理：{problems}", source=_objection_rule(application), fields=fields
        )


def _objection_rule(application=None) -> str:
    """seed 000 五(一) of the case's cycle, or of the current 评审 cycle when no case is named."""
    if application is not None:
        return case_cite(application, "五(一)")
    return current_cite(wf.Route.REVIEW, "五(一)")


def objection_by_receipt(receipt: str) -> Objection | None:
    """The objection with this receipt (case-insensitive; spaces ignored), for the public status page."""
    receipt = re.sub(r"\s+", "", receipt or "").upper()
    if not receipt:
        return None
    return (
        Objection.objects.select_related("publicity__office", "publicity__unit", "application")
        .filter(receipt__iexact=receipt)
        .first()
    )


def objection_file(*, application: Application, name: str, contact: str, content: str) -> Objection:
    """Anyone may object, with a real name and a contact (kept private), to a case in a current publicity.
    The open objection holds the case past the end of its period until the responsible clerk decides it.
    Errors: DomainError (missing fields, period over), TransitionConflict (the case is not in a publicity).
    """
    name, contact, content = (name or "").strip(), (contact or "").strip(), (content or "").strip()
    missing = [label for label, v in (("实名", name), ("联系方式", contact), ("异议内容", content)) if not v]
    if missing:
        raise DomainError(
            "objection_incomplete", f"提出异议须填写{'、'.join(missing)}", source=_objection_rule(application)
        )
    with transaction.atomic():
        app = Application.objects.select_for_update().get(pk=application.pk)
        entry = PublicityEntry.objects.select_related("publicity").filter(application=app, left_at__isnull=True).first()
        if entry is None or app.status not in PUBLICITY_STATES:
            raise TransitionConflict("not_in_publicity", "该申报不在公示期内，不能对其提出异议")
        now = timezone.now()
        if not app.held_provisional and app.held_until is not None and now >= app.held_until:
            raise DomainError("publicity_over", "公示期已满，不再受理异议", source=kind_rule(entry.publicity.kind, app))
        _objection_limits(app, contact, now)
        app_services.application_objection_opened(application=app)
        objection = Objection.objects.create(
            publicity=entry.publicity, application=app, name=name, contact=contact, content=content, filed_at=now,
            receipt=objection_receipt_new(now),
        )  # fmt: skip
        notify(
            _responsible(entry.publicity.kind, app),
            f"收到对申报 {app.number} 的异议",
            f"{entry.publicity.title}：请调查核实并登记处理结论。异议办结前该申报不会离开公示。",
            link=f"/cases/{app.pk}/",
        )
    return objection


def _contact_key(contact: str) -> str:
    return "".join(ch for ch in contact.lower() if ch.isalnum() or ch in "@.")


def _objection_limits(app: Application, contact: str, now: dt.datetime) -> None:
    """Flood limits (issue 16), counted in the database under the case's lock: per case per day, per contact per
    day across all cases, and one open objection per contact and case. Refusals are 429 with a Chinese reason."""
    cfg = settings.ZHICHENG
    since = now - dt.timedelta(days=1)
    per_case = cfg["OBJECTIONS_PER_CASE_PER_DAY"]
    if Objection.objects.filter(application=app, filed_at__gte=since).count() >= per_case:
        raise TooManyRequests(
            "objection_case_limit",
            f"该申报 24 小时内收到的异议已达 {per_case} 件上限，请稍后再提出，或直接向负责公示的单位或办事机构反映",
            wait=86400,
        )
    key = _contact_key(contact)
    still_open = Objection.objects.filter(application=app, status=Objection.Status.OPEN).values_list(
        "contact", flat=True
    )
    if any(_contact_key(c) == key for c in still_open):
        raise TooManyRequests(
            "objection_duplicate", "您对该申报提出的异议正在调查中，请等待处理结果；如有补充，请直接联系负责单位"
        )
    recent = Objection.objects.filter(filed_at__gte=since).values_list("contact", flat=True)
    mine = [c for c in recent if _contact_key(c) == key]
    per_contact = cfg["OBJECTIONS_PER_CONTACT_PER_DAY"]
    if len(mine) >= per_contact:
        raise TooManyRequests(
            "objection_contact_limit", f"同一联系方式 24 小时内最多提出 {per_contact} 件异议", wait=86400
        )


def objection_decide(*, objection: Objection, actor, upheld: bool, reason: str) -> Objection:
    """The responsible clerk records the investigation: upheld stops the case (rejected; the applicant is told
    the reason), dismissed lets it go on — at once if its period is already over and nothing else holds it.
    Errors: DomainError (no reason), PermissionDenied, TransitionConflict (already decided).
    """
    if not (reason or "").strip():
        raise DomainError(
            "reason_required", "处理异议须写明调查结论", source=case_cite(objection.application, "五(一)(三)")
        )
    with transaction.atomic():
        obj = Objection.objects.select_for_update().select_related("publicity").get(pk=objection.pk)
        if obj.status != Objection.Status.OPEN:
            raise TransitionConflict("objection_decided", f"该异议已办结（{obj.get_status_display()}）")
        app = app_services.application_objection_decided(
            application=obj.application, actor=actor, upheld=upheld, reason=reason
        )
        now = timezone.now()
        obj.status = Objection.Status.UPHELD if upheld else Objection.Status.DISMISSED
        obj.decided_by, obj.decided_at, obj.decision_reason = actor, now, reason
        obj.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        entry = PublicityEntry.objects.filter(publicity=obj.publicity, application=app, left_at__isnull=True)
        if upheld:
            entry.update(left_at=now, outcome=PublicityEntry.Outcome.OBJECTION_UPHELD)
            Objection.objects.filter(application=app, status=Objection.Status.OPEN).update(
                status=Objection.Status.MOOT, decided_at=now
            )
        elif app.open_objections == 0 and app.held_until and not app.held_provisional and now >= app.held_until:
            try:
                with transaction.atomic():
                    app_services.application_publicity_end(application=app)
                    entry.update(left_at=timezone.now(), outcome=PublicityEntry.Outcome.MOVED)
            except TransitionConflict:
                pass  # e.g. the committee 公示 still waits for the paper materials: the sweep moves it later
        public.public_changed_soon(office_id=obj.publicity.office_id)  # the cached public page (issue 17)
    return obj
