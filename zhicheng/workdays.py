"""The working-day calendar every deadline uses (SPEC §5).

A day is decided, in order, by: an override stored in the database (CalendarDay, editable in the admin, with its
source document); the chinese-calendar library (statutory holidays and 调休 workdays, 2004–2026 in 1.11); for a
year whose arrangement was imported (CalendarYear), the plain weekend rule, final; otherwise the weekend rule,
marked *provisional* — nothing may treat a provisional date as final.

The tail of December is provisional too while the next year is unknown: the State Council's arrangement for a
year often moves the last days of the year before (the 2019 one made 2018-12-29 a workday and 2018-12-31 a
holiday; the 2008 one did the same to 2007-12-29/31). From settings.ZHICHENG["CALENDAR_PROVISIONAL_DECEMBER_FROM"]
(default 25) to 31 December, a day is provisional unless it has its own override or the next year is known.

Every change (an override, its removal, a year's import) is recorded as a CalendarChange. The services that make
them for people (operations.calendar) then recompute every period that has not ended yet, once committed
(docs/timers.md「日历变更」). Editing CalendarDay rows any other way moves nothing: the admin is read-only.

Periods count from the day after the start (民法典第二百零一条) and end at 24:00 of the N-th working day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import chinese_calendar
from chinese_calendar import constants as chinese_calendar_data
from django.conf import settings
from django.db import transaction

from .errors import DomainError
from .models import CalendarChange, CalendarDay, CalendarYear

LIBRARY_SOURCE = "国务院办公厅节假日安排（chinese-calendar）"
WEEKEND_SOURCE = "双休日"
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}
# Bounds every day-by-day walk: no real period is longer than this many calendar days.
MAX_SPAN_DAYS = 3660
LIBRARY_YEARS = frozenset(d.year for d in chinese_calendar_data.holidays)
PROVISIONAL_TAIL_REASON = (
    "下一年度放假安排公布前，年末几日可能调整（如2019年安排将2018-12-29调为工作日、2018-12-31调为休息日）"
)


def december_provisional_from() -> int:
    """First day of December that stays provisional while the next year's arrangement is unknown (settings)."""
    return int(settings.ZHICHENG.get("CALENDAR_PROVISIONAL_DECEMBER_FROM", 25))


@dataclass(frozen=True)
class DayInfo:
    date: dt.date
    is_workday: bool
    name: str  # holiday or 调休 name, "" for an ordinary day
    source: str
    provisional: bool

    @property
    def label(self) -> str:
        kind = "工作日" if self.is_workday else "休息日"
        extra = f"（{self.name}）" if self.name else ""
        return f"{kind}{extra}{'（暂定）' if self.provisional else ''}"


@dataclass(frozen=True)
class PeriodEnd:
    """The last day of a period of working days, and whether any day in it was provisional."""

    last_day: dt.date
    provisional: bool

    @property
    def ends_at(self) -> dt.datetime:
        """24:00 of the last day, i.e. the first instant after the period, in Asia/Shanghai."""
        return end_of_day(self.last_day)


def end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


class _Resolver:
    """Decides days, reading the database once per year touched during one public call."""

    def __init__(self):
        self._overrides: dict[int, dict[dt.date, CalendarDay]] = {}
        self._imported: set[int] | None = None

    def _year_overrides(self, year: int) -> dict[dt.date, CalendarDay]:
        if year not in self._overrides:
            self._overrides[year] = {c.date: c for c in CalendarDay.objects.filter(date__year=year)}
        return self._overrides[year]

    def _imported_years(self) -> set[int]:
        if self._imported is None:
            self._imported = set(CalendarYear.objects.values_list("year", flat=True))
        return self._imported

    def known(self, year: int) -> bool:
        return year in LIBRARY_YEARS or year in self._imported_years()

    def _tail_provisional(self, d: dt.date) -> bool:
        return d.month == 12 and d.day >= december_provisional_from() and not self.known(d.year + 1)

    def day(self, d: dt.date) -> DayInfo:
        override = self._year_overrides(d.year).get(d)
        if override is not None:
            return DayInfo(d, override.is_workday, override.name, override.source, False)
        try:
            workday = chinese_calendar.is_workday(d)
            _, holiday = chinese_calendar.get_holiday_detail(d)
        except NotImplementedError:
            weekend = d.weekday() >= 5
            provisional = d.year not in self._imported_years() or self._tail_provisional(d)
            return DayInfo(d, not weekend, "", WEEKEND_SOURCE, provisional)
        name = HOLIDAY_NAMES.get(holiday, holiday or "")
        if name and workday:
            name = f"{name}调休上班"
        return DayInfo(d, workday, name, LIBRARY_SOURCE, self._tail_provisional(d))


def day_info(d: dt.date) -> DayInfo:
    return _Resolver().day(d)


def is_workday(d: dt.date) -> bool:
    return day_info(d).is_workday


def year_known(year: int) -> bool:
    """True when the library or an imported arrangement decides the year. Its late-December days are final only
    once the next year is known too (see `dates_final`)."""
    return year in LIBRARY_YEARS or CalendarYear.objects.filter(year=year).exists()


def dates_final(first: dt.date, last: dt.date) -> bool:
    """True when every day from `first` to `last` is decided for good (no provisional day among them)."""
    resolver = _Resolver()
    for year in range(first.year, last.year + 1):
        if not resolver.known(year):
            return False
    return not (last.month == 12 and last.day >= december_provisional_from() and not resolver.known(last.year + 1))


def add_workdays(start: dt.date, n: int) -> PeriodEnd:
    """The N-th working day after `start` (the start day itself is not counted)."""
    if n < 1:
        raise ValueError("工作日数必须为正整数")
    resolver = _Resolver()
    d, counted, provisional = start, 0, False
    for _ in range(MAX_SPAN_DAYS):
        d += dt.timedelta(days=1)
        info = resolver.day(d)
        provisional |= info.provisional
        if info.is_workday:
            counted += 1
            if counted == n:
                return PeriodEnd(d, provisional)
    raise ValueError("期限超出可计算范围")


def workdays_between(start: dt.date, end: dt.date) -> tuple[int, bool]:
    """Working days in (start, end]: after `start`, up to and including `end`. Negative when end < start."""
    if end < start:
        count, provisional = workdays_between(end, start)
        return -count, provisional
    if (end - start).days > MAX_SPAN_DAYS:
        raise ValueError("期限超出可计算范围")
    resolver = _Resolver()
    count, provisional, d = 0, False, start
    while d < end:
        d += dt.timedelta(days=1)
        info = resolver.day(d)
        provisional |= info.provisional
        count += info.is_workday
    return count, provisional


def _expand(entries: list[dict], field: str) -> list[tuple[dt.date, str]]:
    days = []
    for item in entries or []:
        name = str(item.get("name", ""))
        if "date" in item:
            days.append((_as_date(item["date"], field), name))
            continue
        first, last = _as_date(item.get("start"), field), _as_date(item.get("end"), field)
        if last < first:
            raise DomainError("calendar_bad_range", f"{field} 中的日期区间 {first}～{last} 起止颠倒")
        d = first
        while d <= last:
            days.append((d, name))
            d += dt.timedelta(days=1)
    return days


def _as_date(value, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise DomainError("calendar_bad_date", f"{field} 中的日期“{value}”不是 YYYY-MM-DD 格式") from None


@transaction.atomic
def calendar_import_year(*, data: dict, actor=None) -> tuple[CalendarYear, int, CalendarChange]:
    """Load one year's official arrangement (format: README「工作日历」). Replaces that year's overrides. The file
    may also list days of the previous year's late December (from CALENDAR_PROVISIONAL_DECEMBER_FROM): they are
    accepted as overrides, and importing the year makes that tail final.

    Records a CalendarChange and returns it: the caller (operations.calendar) recomputes every period that has not
    ended once it is committed. Errors: DomainError for a malformed file; nothing is written then.
    """
    try:
        year = int(data["year"])
        source = str(data["source"]).strip()
    except (KeyError, TypeError, ValueError):
        raise DomainError("calendar_bad_file", "放假安排文件须包含 year（年份）和 source（依据文件）") from None
    if not source:
        raise DomainError("calendar_bad_file", "放假安排文件须注明 source（依据文件）")
    holidays = _expand(data.get("holidays"), "holidays")
    workdays = _expand(data.get("workdays"), "workdays")
    rows = {}
    for d, name in holidays:
        rows[d] = CalendarDay(date=d, is_workday=False, name=name, source=source)
    for d, name in workdays:
        if d in rows:
            raise DomainError("calendar_conflict", f"{d} 同时被列为放假日和调休工作日")
        rows[d] = CalendarDay(date=d, is_workday=True, name=name, source=source)
    tail_from = dt.date(year - 1, 12, december_provisional_from())
    for d in rows:
        if d.year != year and not tail_from <= d <= dt.date(year - 1, 12, 31):
            raise DomainError(
                "calendar_wrong_year",
                f"{d} 不属于 {year} 年（上一年只接受{tail_from:%m月%d日}至12月31日的调整：{PROVISIONAL_TAIL_REASON}）",
            )
    previous = CalendarYear.objects.filter(year=year).first()
    CalendarDay.objects.filter(date__year=year).delete()
    if previous is not None:  # a re-import replaces the late-December days the earlier file of this year listed
        CalendarDay.objects.filter(date__gte=tail_from, date__year=year - 1, source=previous.source).delete()
    tail = [r for d, r in rows.items() if d.year != year]
    for row in tail:
        CalendarDay.objects.filter(date=row.date).delete()
    CalendarDay.objects.bulk_create(rows.values())
    cal_year, _ = CalendarYear.objects.update_or_create(year=year, defaults={"source": source})
    first = min([dt.date(year, 1, 1), *(r.date for r in tail)])
    summary = f"导入{year}年放假安排（{source}）：{len(rows)}天"
    if tail:
        summary += "，含上一年年末" + "、".join(f"{r.date:%m-%d}" for r in sorted(tail, key=lambda r: r.date))
    kind = CalendarChange.Kind.IMPORT
    change = _calendar_changed(kind=kind, summary=summary, source=source, first=first, actor=actor)
    return cal_year, len(rows), change


@transaction.atomic
def calendar_day_set(
    *, date: dt.date, is_workday: bool, name: str, source: str, actor=None
) -> tuple[CalendarDay, CalendarChange]:
    """Override one day (with its source document), recorded as a CalendarChange. Who may do it, and recomputing
    the periods it moves, is the caller's part (operations.calendar.calendar_override_set). Errors: DomainError."""
    if not (source or "").strip():
        raise DomainError("source_required", "调整工作日须注明依据文件", fields={"source": ["请填写依据文件"]})
    before = day_info(date)
    day, _ = CalendarDay.objects.update_or_create(
        date=date, defaults={"is_workday": is_workday, "name": name, "source": source.strip()}
    )
    kind = "工作日" if is_workday else "休息日"
    summary = f"{date:%Y-%m-%d} 由{before.label}调整为{kind}{f'（{name}）' if name else ''}"
    change = _calendar_changed(kind=CalendarChange.Kind.OVERRIDE, summary=summary, source=source.strip(), first=date,
                               actor=actor)  # fmt: skip
    return day, change


@transaction.atomic
def calendar_day_delete(*, day: CalendarDay, actor=None) -> CalendarChange:
    date, source = day.date, day.source
    day.delete()
    summary = f"撤销 {date:%Y-%m-%d} 的调整，恢复为{day_info(date).label}"
    return _calendar_changed(kind=CalendarChange.Kind.DELETE, summary=summary, source=source, first=date, actor=actor)


def _calendar_changed(*, kind: str, summary: str, source: str, first: dt.date, actor=None) -> CalendarChange:
    """Record the change: what moved, on which source, by whom (the audit row periods name when they move)."""
    return CalendarChange.objects.create(
        kind=kind, summary=summary, source=source, first_date=first, actor=actor if getattr(actor, "pk", None) else None
    )
