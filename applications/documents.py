"""The documents a rule cites, read from the cycle's data (data/reference/cycles.yaml `documents:`), never from code.

A citation is a section ("五(二)") of one of the cycle's documents, named by its role: NOTICE (the year's 职称评审
通知, seed 000 for 2024) or ASSOCIATION (the year's 综合工程初定通知, seed 001 for 2024). A case cites its own cycle; a
refusal given before any case exists (registration, the pre-check) cites `cycle_current(route, today)`. Adding a year
is a data change: its cycle row carries its own numbers (docs/eligibility.md「新增年度」).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .periods import application_cycle

NOTICE = "notice"  # 职称评审通知 (2024: seed 000)
ASSOCIATION = "association"  # 综合工程专业职称初定通知 (2024: seed 001)


def cycle_documents(cycle) -> dict:
    """{role: document number} of `cycle` (a ReviewCycle, an InitialCycle or None).

    A cycle row made before the documents map existed (or by hand) still names its own `source`: the review
    cycle's is its notice, the initial cycle's (e.g. "镇技协〔…〕1号 八") its association notice.
    """
    if cycle is None:
        return {}
    docs = dict(getattr(cycle, "documents", None) or {})
    source = (getattr(cycle, "source", "") or "").split(" ")[0]
    if source:
        role = ASSOCIATION if cycle._meta.model_name == "initialcycle" else NOTICE
        docs.setdefault(role, source)
    return docs


def cite(cycle, section: str = "", doc: str | None = NOTICE) -> str:
    """ "<document number> <section>" of `cycle`'s document `doc`; `doc` None: `section` names its own source."""
    if doc is None:
        return section
    number = cycle_documents(cycle).get(doc, "")
    return f"{number} {section}".strip()


def case_cite(application, section: str = "", doc: str | None = NOTICE) -> str:
    """A citation of the case's own cycle."""
    return cite(application_cycle(application), section, doc)


def current_cycle(route: str, today: dt.date | None = None):
    from .selectors import cycle_current  # late: selectors imports the models this module's callers build

    return cycle_current(route, today or timezone.localdate())


def current_cite(route: str, section: str = "", doc: str | None = NOTICE, today: dt.date | None = None) -> str:
    """A citation for a refusal given before a case exists: the cycle a new application of `route` would use."""
    return cite(current_cycle(route, today), section, doc)


def act_rule(application, act) -> str:
    """The rule of workflow act `act` as the case's event and errors write it (its cycle's document)."""
    return act.cite(cycle_documents(application_cycle(application)))


def act_rule_sql(act, cycle_alias: str) -> tuple[str, dict]:
    """`act_rule` as a SQL expression over a joined review-cycle row `cycle_alias` (the set-based publicity close),
    with its parameters; the same fallback to the cycle's `source` as `cycle_documents`."""
    if act.doc is None or not act.rule:
        return "%(rule_section)s", {"rule_section": act.rule}
    fallback = f"CASE WHEN %(rule_doc)s = '{NOTICE}' THEN NULLIF(split_part({cycle_alias}.source, ' ', 1), '') END"
    expr = f"btrim(COALESCE({cycle_alias}.documents ->> %(rule_doc)s, {fallback}, '') || ' ' || %(rule_section)s)"
    return expr, {"rule_doc": act.doc, "rule_section": act.rule}
