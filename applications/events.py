"""The audit events of a case, one function per kind (after Saleor's `order/events.py`).

Events are a record, not state: no rule reads them (the facts rules need live on their own rows — a deadline's
extension and requester, when a hold began). The kernel writes `act_event` for every act; the set-based publicity
close inserts the same columns in SQL from `act_event_columns`, so both paths write identical rows.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from zhicheng.roles import Role

from . import counters
from .documents import act_rule
from .models import Application, ApplicationEvent
from .workflow import Act, Action


def _event(
    app: Application,
    *,
    action: str,
    actor,
    role: Role,
    from_status: str,
    reason: str = "",
    rule: str = "",
    data: dict | None = None,
    at: dt.datetime | None = None,
) -> ApplicationEvent:
    event = ApplicationEvent.objects.create(
        application=app,
        actor=actor,
        actor_name=actor.display_name if actor else "系统",  # as named when they acted (issue 16)
        actor_role=role,
        action=Action(action),
        from_status=from_status,
        to_status=app.status,
        reason=reason,
        rule=rule,
        data=data or {},
        created_at=at or timezone.now(),
    )
    counters.application_moved(from_status, app.status, app)  # same transaction as the move (issue 17)
    return event


def application_created_event(
    app: Application, *, actor, role: Role, rule: str = "", data: dict | None = None
) -> ApplicationEvent:
    """`role` UNIT_HR with `data.on_behalf_of`: a draft a unit HR account filed for its staff (seed 000 四)."""
    return _event(app, action=Action.CREATE, actor=actor, role=role, from_status="", rule=rule, data=data)


def profile_changed_event(app: Application, *, actor, role: Role, reason: str, data: dict) -> ApplicationEvent:
    """The applicant's record changed after submission: what changed, for the reviewer (issue 13)."""
    return _event(
        app, action=Action.PROFILE_CHANGED, actor=actor, role=role, from_status=app.status, reason=reason, data=data
    )


def act_event(
    app: Application, act: Act, *, actor, role: Role, from_status: str, reason: str = "", data: dict | None = None
) -> ApplicationEvent:
    """The record of one act of the workflow: who, in which capacity, from, to, why, under which rule."""
    return _event(
        app,
        action=act.name,
        actor=actor,
        role=role,
        from_status=from_status,
        reason=reason,
        rule=act_rule(app, act),
        data=data,
    )


def act_event_columns(act: Act, *, reason: str) -> dict:
    """The constant columns of `act_event` for an act of the system, for a set-based INSERT; the rule is per case
    (its cycle's documents): see `documents.act_rule_sql`."""
    return {"actor_role": Role.SYSTEM.value, "action": Action(act.name).value, "reason": reason}


def deadline_recomputed_event(
    app: Application, *, rule: str, reason: str, data: dict, at: dt.datetime
) -> ApplicationEvent:
    return _event(
        app,
        action=Action.DEADLINE_RECOMPUTED,
        actor=None,
        role=Role.SYSTEM,
        from_status=app.status,
        reason=reason,
        rule=rule,
        data=data,
        at=at,
    )
