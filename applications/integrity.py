"""诚信档案 entered by hand, and the 一票否决: reject a case for fraud and record the person, in one act
(seed 000 七(三): 弄虚作假…记入诚信档案库，记录期3年)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from organisations.services import org_event
from zhicheng import workdays
from zhicheng.errors import DomainError, PermissionDenied

from . import permissions as perms
from . import services
from .documents import case_cite, current_cite
from .idcard import normalise_id
from .models import Application, IntegrityRecord, Route, Status


def _source(application=None) -> str:
    """seed 000 七(三) of the case's cycle; of the current 评审 cycle for a record made without a case."""
    if application is not None:
        return case_cite(application, "七(三)")
    return current_cite(Route.REVIEW, "七(三)")


YEARS = services.INTEGRITY_YEARS


def _expires(start: dt.date) -> dt.date:
    try:
        return start.replace(year=start.year + YEARS)
    except ValueError:  # 29 February
        return start.replace(year=start.year + YEARS, day=28)


def integrity_record_create(
    *, actor, name: str, id_number: str, finding: str, source_document: str, found_on: dt.date, application=None
) -> IntegrityRecord:
    """The supervisor enters a finding of fraud made elsewhere; it blocks every application for 3 years.
    Errors: forbidden; finding_required; invalid."""
    if not perms.is_supervisor(actor):
        raise PermissionDenied("forbidden", "只有市职称办可以记入诚信档案")
    return _create(actor, name, id_number, finding, source_document, found_on, application)


def _create(actor, name, id_number, finding, source_document, found_on, application) -> IntegrityRecord:
    name, finding, source_document = (name or "").strip(), (finding or "").strip(), (source_document or "").strip()
    number = normalise_id(id_number)
    if not name or not number:
        raise DomainError("invalid", "请填写姓名和证件号码", fields={"name": ["必填"], "id_number": ["必填"]})
    if not finding:
        raise DomainError("finding_required", "记入诚信档案须写明认定事实", source=_source(application))
    if not source_document:
        raise DomainError("source_required", "请填写认定来源文书（名称及文号）", source=_source(application))
    if found_on > workdays.local_date(timezone.now()):
        raise DomainError("invalid", "认定日期不能晚于今天")
    record = IntegrityRecord.objects.create(
        id_number=number,
        name=name,
        finding=finding,
        source_document=source_document,
        found_on=found_on,
        expires_on=_expires(found_on),
        application=application,
        created_by=actor,
    )
    org_event(
        actor, "integrity_recorded", record, {"source_document": source_document, "expires_on": str(record.expires_on)}
    )
    return record


def can_veto(user, application: Application) -> bool:
    """Who may take the 一票否决: the reviewer acting in the case's state, or the supervisor on a case already
    rejected because an objection of fraud was upheld."""
    from .workflow import ACTS

    if application.status == Status.REJECTED:
        return perms.is_supervisor(user)
    reject = ACTS["reject"]
    return application.status in reject.sources and perms.acting_role(user, application, reject) is not None


def application_fraud_veto(*, application: Application, actor, finding: str, source_document: str) -> Application:
    """一票否决: the case is rejected (through the reject service) and the person recorded, in one transaction —
    either both happen or neither. On a case already rejected by an upheld objection only the record is made."""
    if not can_veto(actor, application):
        raise PermissionDenied("forbidden", "您无权对该申报作出一票否决")
    today = workdays.local_date(timezone.now())
    with transaction.atomic():
        app = application
        if application.status != Status.REJECTED:
            if not (finding or "").strip():
                raise DomainError("finding_required", "一票否决须写明认定事实", source=_source(application))
            app = services.application_reject(
                application=application, actor=actor, reason=f"弄虚作假，一票否决：{finding}"
            )
        profile = app.applicant
        _create(actor, profile.name, profile.id_number, finding, source_document, today, app)
    application.refresh_from_db()
    return application
