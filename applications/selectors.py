"""Reads. Every list starts here: narrowed to what the user may see before any filter runs (STYLE rule 5)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from zhicheng.roles import Role

from .models import Application, ApplicationEvent
from .permissions import memberships


def application_visibility_q(user) -> Q | None:
    """The cases a user may see, as a Q; None means all (the supervisor); Q(pk__in=[]) means none."""
    roles = memberships(user)
    if any(m.role == Role.SUPERVISOR for m in roles):
        return None
    q = Q(pk__in=[])
    for m in roles:
        if m.role == Role.APPLICANT:
            q |= Q(applicant__user=user)
        elif m.role == Role.UNIT_REVIEWER:
            q |= Q(unit_id=m.unit_id) & ~Q(status="draft")
        elif m.role == Role.DEPT_REVIEWER:
            q |= Q(unit__department_id=m.department_id) & ~Q(status="draft")
        elif m.role in (Role.COMMITTEE_CLERK, Role.ASSOCIATION_CLERK):
            q |= Q(office_id=m.office_id) & ~Q(status="draft")
        elif m.role == Role.UNIT_HR:  # the drafts it files for its staff (seed 000 四)
            q |= Q(unit_id=m.unit_id, status="draft")
    if user is not None and user.is_authenticated:
        q |= Q(applicant__user=user)
    return q


def application_list(*, user) -> QuerySet[Application]:
    qs = Application.objects.select_related(
        "applicant", "unit", "unit__region", "series", "specialty", "subspecialty", "level", "committee", "office"
    )
    q = application_visibility_q(user)
    return qs if q is None else qs.filter(q)


def application_get(*, user, pk) -> Application | None:
    return application_list(user=user).filter(pk=pk).first()


def application_events(*, application: Application) -> QuerySet[ApplicationEvent]:
    return application.events.select_related("actor").order_by("id")


def replay_status(events) -> str:
    """Replays a case's audit events; each must start where the previous ended. Returns the final state."""
    state = ""
    for ev in events:
        if ev.from_status != state:
            raise ValueError(f"办理记录不连续：第 {ev.pk} 条自「{ev.from_status}」起，但此前为「{state}」")
        state = ev.to_status
    return state


def users_acting(role: Role, *, unit_id=None, department_id=None, office_id=None) -> list:
    """The people holding `role` for that scope (a unit, a department, an office; the supervisor has none)."""
    from django.contrib.auth import get_user_model

    scope = {
        Role.UNIT_REVIEWER: {"roles__unit": unit_id},
        Role.DEPT_REVIEWER: {"roles__department": department_id},
        Role.COMMITTEE_CLERK: {"roles__office": office_id},
        Role.ASSOCIATION_CLERK: {"roles__office": office_id},
        Role.SUPERVISOR: {},
    }.get(role)
    if scope is None or any(v is None for v in scope.values()):
        return []
    return list(get_user_model().objects.filter(roles__role=role, **scope).distinct())


def next_actors(app: Application) -> list:
    """The people who must act on the case in its current state, as the workflow declares them."""
    from .workflow import state_actors

    people = []
    for role in state_actors(app):
        if role != Role.APPLICANT:
            people += users_acting(
                role, unit_id=app.unit_id, department_id=app.unit.department_id, office_id=app.office_id
            )
    return people
