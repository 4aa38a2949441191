"""The meeting's pure rules (docs/meetings.md): the pass cap, the votes required, quorum, thresholds, dates."""

from __future__ import annotations

import datetime as dt
import math
import random
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from applications.documents import cite
from applications.models import Status
from applications.periods import cycle_periods
from zhicheng import workdays

from ..models import (
    Meeting,
)
from ._common import _today

S = Status


def rule_filing(cycle) -> str:
    """seed 000 六(一) (the meeting's 报备) as the meeting's cycle cites it."""
    return cite(cycle, "六(一)")


# A pass threshold such as 0.667 is read as the nearest fraction with a denominator up to this (0.667 → 2/3), so
# that 4 of 6 experts are two thirds, as people count, not 0.6667 < 0.667.
THRESHOLD_MAX_DENOMINATOR = 12


# ---------------------------------------------------------------- pure rules (documented in docs/meetings.md)


def pass_cap(pass_rate: Decimal, candidates: int) -> int:
    """Most cases a meeting may pass: floor(pass rate × candidates), exact decimal arithmetic (0.6 × 7 → 4)."""
    return math.floor(Decimal(pass_rate) * candidates)


def threshold_fraction(threshold: Decimal | Fraction) -> Fraction:
    if isinstance(threshold, Fraction):
        return threshold
    return Fraction(Decimal(threshold)).limit_denominator(THRESHOLD_MAX_DENOMINATOR)


def votes_required(present: int, threshold: Decimal) -> int:
    """Approvals a case needs: ceil(threshold × experts present), threshold as a simple fraction (2/3 of 7 → 5)."""
    return math.ceil(threshold_fraction(threshold) * present)


def draw_panel(seed: str, eligible_ids: list[int], size: int) -> list[int]:
    """The draw itself: reproducible from the recorded seed and pool (`random.Random(seed)` over sorted ids)."""
    return random.Random(seed).sample(sorted(eligible_ids), size)


RULES_40 = "《职称评审管理暂行规定》（人社部令第40号）"


@dataclass(frozen=True)
class MeetingRules:
    """The meeting's numbers as cycle data (rules["meeting"]), each with its source (docs/meetings.md)."""

    quorum: Fraction
    quorum_source: str
    threshold: Fraction
    threshold_source: str
    same_year_source: str
    intermediate_source: str


def _fraction(value, default: Fraction) -> Fraction:
    if value in (None, ""):
        return default
    return Fraction(str(value)).limit_denominator(THRESHOLD_MAX_DENOMINATOR)


def meeting_rules(cycle) -> MeetingRules:
    conf = ((cycle.rules if cycle is not None else None) or {}).get("meeting") or {}
    quorum, threshold = conf.get("quorum") or {}, conf.get("pass_threshold") or {}
    return MeetingRules(
        quorum=_fraction(quorum.get("fraction"), Fraction(2, 3)),
        quorum_source=quorum.get("source") or f"{RULES_40}（出席评审会议的专家人数）",
        threshold=_fraction(threshold.get("fraction"), Fraction(2, 3)),
        threshold_source=threshold.get("source") or f"{RULES_40}（无记名投票表决）",
        same_year_source=conf.get("same_year_source") or cite(cycle, "三(一)"),
        intermediate_source=conf.get("intermediate_deadline_source") or cite(cycle, "三(二)"),
    )


def quorum_required(panel_size: int, rules: MeetingRules) -> int:
    """Experts who must be present: ceil(quorum × the experts drawn), "不少于" including the number itself."""
    return math.ceil(rules.quorum * panel_size)


def meeting_threshold(meeting: Meeting) -> Fraction:
    """The share of those present a case needs: the cycle's rule, or the committee's own if stricter."""
    return max(meeting_rules(meeting.cycle).threshold, threshold_fraction(meeting.committee.pass_threshold))


def normalised_unit_name(name: str) -> str:
    """A unit's name as compared for 回避: NFKC (full-width → half-width), no spaces or punctuation, lower case."""
    text = unicodedata.normalize("NFKC", name or "").lower()
    return re.sub(r"[\s\W_]+", "", text)


def meeting_date_check(*, cycle, level, date: dt.date, late_reason: str = "") -> tuple[list[str], list[str]]:
    """(problems, warnings) of a meeting date. Refused: outside the cycle's year (不得跨年度评审, seed 000 三(一));
    a 中级 meeting after the cycle's intermediate deadline without a recorded reason (三(二): 原则上11月底前).
    Warned: the 15-day 报备 already impossible (六(一)); the date is not a working day."""
    rules = meeting_rules(cycle)
    problems, warnings = [], []
    if date.year != cycle.year:
        problems.append(
            f"{cycle.year}年度的评审会议须在{cycle.year}年内召开，不得跨年度评审（{rules.same_year_source}）"
        )
    deadline = cycle.intermediate_deadline
    if level.name == "中级" and deadline and date > deadline and not (late_reason or "").strip():
        problems.append(
            f"中级评审原则上在{deadline:%Y年%m月%d日}前完成（{rules.intermediate_source}）；"
            "如确需晚于该日召开，请填写理由"
        )
    days, before = (date - _today()).days, cycle_periods(cycle).filing_days_before
    if days < before:
        warnings.append(
            f"会议距今仅{days}天，已不能在会议{before}天前完成报备（{rule_filing(cycle)}），按此日期会议不得召开，请考虑改期"
        )
    info = workdays.day_info(date)
    if not info.is_workday:
        warnings.append(f"{date:%Y年%m月%d日}为{info.label}")
    return problems, warnings
