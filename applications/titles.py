"""Titles a person holds (HeldTitle): what the 逐级 rule of the next cycle reads (issue 14, Build 7)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from zhicheng import workdays

from .models import Application, HeldTitle


def held_title_record_for_certified(
    application: Application, *, certificate_number: str = "", obtained_on: dt.date | None = None
) -> HeldTitle:
    """Record the title a certified case confers as held by its applicant (series, level, date, certificate
    number), so that next year's 逐级申报 check (seed 000 二(一)) finds it. Idempotent: a second call for the
    same certificate returns the same row. Called by the certify path inside its transaction; writes no event
    (the certify event is the record of the act)."""
    obtained_on = obtained_on or workdays.local_date(timezone.now())
    title, _ = HeldTitle.objects.get_or_create(
        profile_id=application.applicant_id,
        series_id=application.series_id,
        level_id=application.level_id,
        certificate_number=certificate_number or application.number,
        defaults={"obtained_on": obtained_on, "by_exam": False},
    )
    return title
