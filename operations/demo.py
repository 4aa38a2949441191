"""The demo loader: each app's demo data, bottom up, in one transaction (applications first — accounts, the demo
unit and cases — then review's meeting, certificate and planned panel, which need them)."""

from __future__ import annotations

from django.db import transaction

from applications import demo as app_demo
from review import demo as review_demo


@transaction.atomic
def demo_load(stdout=None) -> dict[str, int]:
    """What was created: accounts, cases, experts, meetings, certificates. Idempotent (each part checks first)."""
    result = app_demo.load_demo(stdout=stdout)
    for key, count in review_demo.load_demo_review(stdout=stdout).items():
        result[key] = result.get(key, 0) + count
    return result
