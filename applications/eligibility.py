"""Eligibility (申报条件), SPEC §3. Every rule returns all its failures with a code, a Chinese message and source.

(Issue 4 grows this module into the full data-driven rule engine; the interface below is what services use.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from .models import Application, IntegrityRecord

SEED_000 = "镇职称办〔2024〕11号"
SEED_001 = "镇技协〔2024〕1号"


@dataclass(frozen=True)
class RuleFailure:
    code: str
    message: str
    source: str

    def as_dict(self) -> dict:
        return asdict(self)


def evaluate(application: Application, *, today: dt.date) -> list[RuleFailure]:
    failures: list[RuleFailure] = []
    profile = application.applicant
    if profile.is_civil_servant:
        failures.append(
            RuleFailure("civil_servant", "公务员（含参公管理人员）不得申报职称评审或初定", f"{SEED_000} 一(三)")
        )
    if profile.is_retired:
        failures.append(RuleFailure("retired", "离退休人员不得申报职称评审或初定", f"{SEED_000} 一(三)"))
    record = (
        IntegrityRecord.objects.filter(id_number=profile.id_number, expires_on__gt=today)
        .order_by("-expires_on")
        .first()
    )
    if record is not None:
        failures.append(
            RuleFailure(
                "integrity_record",
                f"您有职称申报评审诚信档案记录，{record.expires_on:%Y年%m月%d日}前不得申报",
                f"{SEED_000} 七(三)",
            )
        )
    return failures


def check_submission(application: Application, *, today: dt.date) -> list[RuleFailure]:
    return evaluate(application, today=today)
