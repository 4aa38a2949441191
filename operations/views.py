"""The supervisor's working-day calendar page: imported years, per-day overrides, and the import of a year's
arrangement, previewed before it is confirmed. Views add no rule: operations.calendar decides."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from applications import deadlines as app_deadlines
from applications.views import error_context, render_page
from review.views import require_supervisor
from zhicheng import calendar_file, workdays
from zhicheng.errors import DomainError
from zhicheng.models import CalendarDay, CalendarYear

from . import calendar, calendar_preview


@login_required
def calendar_page(request):
    """The working-day calendar: imported years, per-day overrides, and the import of a year's arrangement — a
    file is checked line by line and previewed (the days and the open periods it moves) before it is confirmed.
    A POST without `action=preview` imports at once (the API and scripts do that)."""
    require_supervisor(request.user)
    if request.method != "POST":
        return render_page(request, "review/calendar.html", _calendar_context())
    action = request.POST.get("action", "")
    try:
        if action == "confirm":
            raw = base64.b64decode(request.POST.get("content", "").encode() or b"", validate=False)
        else:
            upload = request.FILES.get("file")
            if upload is None:
                raise DomainError("calendar_no_file", "请选择年度放假安排文件（YAML 或 JSON）")
            if upload.size > 256 * 1024:
                raise DomainError("calendar_too_large", "放假安排文件不应超过 256 KB")
            raw = upload.read()
        data = calendar_file.calendar_file_parse(raw)
        if action == "preview":
            preview = calendar_preview.calendar_import_preview(data=data)
            context = {**_calendar_context(), "preview": preview, "content": base64.b64encode(raw).decode()}
            return render_page(request, "review/calendar.html", context)
        year, days = calendar.calendar_year_import(actor=request.user, data=data)
    except DomainError as exc:
        return render_page(request, "review/calendar.html", {**_calendar_context(), "error": error_context(exc)},
                           status=exc.status)  # fmt: skip
    messages.success(
        request, f"已导入 {year.year} 年放假安排（{year.source}），共 {days} 天调整；未到期的期限已重新计算。"
    )
    return redirect("calendar")


@login_required
def calendar_sample(request):
    """The sample import file, to download and edit."""
    require_supervisor(request.user)
    response = HttpResponse(calendar_file.SAMPLE.encode(), content_type="application/x-yaml; charset=utf-8")
    response["Content-Disposition"] = "attachment; filename=calendar-sample-2027.yaml"
    return response


def _calendar_context() -> dict:
    today = workdays.local_date(timezone.now())
    return {
        "title": "工作日历",
        "sample": calendar_file.SAMPLE,
        "years": list(CalendarYear.objects.all()),
        "overrides": list(CalendarDay.objects.filter(date__year__gte=today.year - 1).order_by("date")[:200]),
        "provisional": app_deadlines.provisional_waiting(),
        "known": [(y, workdays.year_known(y)) for y in range(today.year, today.year + 3)],
    }
