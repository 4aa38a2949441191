"""Display filters shared by every page (issue 15): one way to show a rate."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def percent(value) -> str:
    """A rate (0～1, e.g. the filed pass rate 0.600) as a percentage: 60%, 66.7% — at most one decimal, no
    trailing zero. Every page shows pass rates this way."""
    try:
        pct = (Decimal(str(value)) * 100).quantize(Decimal("0.1"))
    except (InvalidOperation, TypeError, ValueError):
        return ""
    text = f"{pct:f}".rstrip("0").rstrip(".")
    return f"{text}%"
