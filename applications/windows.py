"""Online application windows (网络申报时间) of the annex, and the ones a committee office publishes later.

Rows marked "依据文件时间申报" have no window in the annex: the committee office sets it by its own notice
(`window_publish`). Rows the original table merges with the row above (inherited_from_row) share that row's time.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from zhicheng.errors import DomainError, PermissionDenied
from zhicheng.roles import Role

from .documents import cite, current_cite
from .models import ApplicationWindow, Committee, Route
from .permissions import memberships

PUBLISHED_SOURCE = "办事机构发布"


def _annex(committee: Committee) -> str:
    return cite(committee.cycle, "附件") if committee.cycle_id else current_cite(Route.REVIEW, "附件")


def time_owner(committee: Committee) -> Committee:
    """The line whose 网络申报时间 applies: the line itself, or the row its time cell is merged with."""
    if committee.inherited_from_row and not committee.windows.exists():
        parent = (
            Committee.objects.filter(cycle_id=committee.cycle_id, row=committee.inherited_from_row)
            .order_by("entry")
            .first()
        )
        if parent is not None:
            return parent
    return committee


def committee_windows(committee: Committee) -> list[ApplicationWindow]:
    return list(time_owner(committee).windows.order_by("start"))


def describe(windows: list[ApplicationWindow]) -> str:
    return "；".join(f"{w.start:%Y年%m月%d日}至{w.end:%Y年%m月%d日}" for w in windows)


def open_window(windows: list[ApplicationWindow], day: dt.date) -> ApplicationWindow | None:
    """The window containing `day`, both ends included."""
    return next((w for w in windows if w.start <= day <= w.end), None)


def can_publish_window(user, committee: Committee) -> bool:
    return any(m.role == Role.COMMITTEE_CLERK and m.office_id == committee.office_id for m in memberships(user))


def window_publish(
    *, committee: Committee, actor, start: dt.date, end: dt.date, document_number: str = ""
) -> ApplicationWindow:
    """A committee office publishes the window of a "依据文件时间申报" line for the cycle.

    Preconditions: the actor is a committee clerk of the line's office; the line is by_notice and does not take its
    time from a merged row; start ≤ end; both dates in the cycle's year; no overlap with a window already published.
    Side effects: one ApplicationWindow row (published_by = actor, source 办事机构发布).
    Errors: PermissionDenied `forbidden`; DomainError `window_fixed`, `window_inherited`, `window_order`,
    `window_year`, `window_overlap`.
    """
    source = _annex(committee)
    if not can_publish_window(actor, committee):
        raise PermissionDenied("forbidden", f"只有{committee.office.name}的经办人可以发布该评委会的网络申报时间")
    if not committee.by_notice:
        raise DomainError(
            "window_fixed",
            f"附件第{committee.row}行（{committee.area}）的网络申报时间已由申报计划安排表规定，不能另行发布",
            source=source,
        )
    if committee.inherited_from_row:
        raise DomainError(
            "window_inherited",
            f"附件第{committee.row}行与第{committee.inherited_from_row}行合并，网络申报时间随第"
            f"{committee.inherited_from_row}行发布",
            source=source,
        )
    if start > end:
        raise DomainError("window_order", "申报开始日期不能晚于截止日期", source=source)
    year = committee.cycle.year
    if start.year != year or end.year != year:
        raise DomainError(
            "window_year",
            f"网络申报时间须在{year}年度内（不得跨年度评审）",
            source=f"{committee.cycle.source} 三(一)",
        )
    with transaction.atomic():
        Committee.objects.select_for_update().get(pk=committee.pk)
        clash = committee.windows.filter(start__lte=end, end__gte=start).first()
        if clash is not None:
            raise DomainError(
                "window_overlap",
                f"与已发布的网络申报时间（{describe([clash])}）重叠",
                source=source,
            )
        window = ApplicationWindow.objects.create(
            committee=committee,
            start=start,
            end=end,
            source=f"{PUBLISHED_SOURCE}（{document_number.strip()}）" if document_number.strip() else PUBLISHED_SOURCE,
            document_number=document_number.strip(),
            published_by=actor,
        )
        from organisations.services import org_event

        org_event(
            actor,
            "window_published",
            committee,
            {"start": str(start), "end": str(end), "document_number": window.document_number},
        )
        return window
