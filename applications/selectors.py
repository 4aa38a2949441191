"""Reads. Every list starts here: narrowed to what the user may see before any filter runs (STYLE rule 5)."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Count, Q, QuerySet, TextField
from django.db.models.functions import Cast

from organisations.models import Unit
from zhicheng.roles import Role

from .models import ApplicantProfile, Application, ApplicationEvent, InitialCycle, ReviewCycle, Route
from .permissions import memberships
from .refcache import ReferenceQuerySet


def applicant_profile_id(user) -> int | None:
    """The user's own applicant record, read once per user object (None: not an applicant)."""
    if user is None or not user.is_authenticated:
        return None
    if not hasattr(user, "_zc_profile_id"):
        user._zc_profile_id = ApplicantProfile.objects.filter(user=user).values_list("id", flat=True).first()
    return user._zc_profile_id


def application_visibility_q(user) -> Q | None:
    """The cases a user may see, as a Q; None means all (the supervisor); Q(pk__in=[]) means none.

    Each branch is a condition on the application row alone (unit, office, or `applicant_id = <id>` only for a
    user who has an applicant record), so an index on (scope, status, submitted_at) can serve it (issue 17).
    """
    roles = memberships(user)
    if any(m.role == Role.SUPERVISOR for m in roles):
        return None
    q = Q(pk__in=[])
    for m in roles:
        if m.role == Role.UNIT_REVIEWER:
            q |= Q(unit_id=m.unit_id) & ~Q(status="draft")
        elif m.role == Role.DEPT_REVIEWER:
            q |= Q(unit_id__in=unit_ids_of_department(m.department_id)) & ~Q(status="draft")
        elif m.role in (Role.COMMITTEE_CLERK, Role.ASSOCIATION_CLERK):
            q |= Q(office_id=m.office_id) & ~Q(status="draft")
        elif m.role == Role.UNIT_HR:  # the drafts it files for its staff (seed 000 四)
            q |= Q(unit_id=m.unit_id, status="draft")
    profile_id = applicant_profile_id(user)
    if profile_id is not None:
        q |= Q(applicant_id=profile_id)
    return q


def unit_ids_of_department(department_id) -> list[int]:
    """The units under a department (one indexed read): the reviewer's scope becomes `unit_id IN (...)`."""
    return list(Unit.objects.filter(department_id=department_id).values_list("id", flat=True))


def application_list(*, user) -> QuerySet[Application]:
    # Two joins; the small reference tables come from memory (refcache): the planner no longer weighs an 11-table
    # join on every request (issue 17: planning took 40–78 ms, execution 1.4–6 ms).
    qs = ReferenceQuerySet(Application).select_related("applicant", "unit")
    q = application_visibility_q(user)
    return qs if q is None else qs.filter(q)


_ROWS: dict[tuple, QuerySet] = {}


def application_rows(*, user, columns: tuple[str, ...], texts: tuple[str, ...] = ()) -> QuerySet:
    """application_list as values() rows of `columns` (and of `texts` as their text, as `<name>_text`): the
    values() query is built once per process and column set (resolving 30-odd columns and their joins was a tenth
    of an API list's time, issue 17); each request filters a clone of it by the user's scope."""
    base = _ROWS.get((columns, texts))
    if base is None:
        as_text = {f"{name}_text": Cast(name, output_field=TextField()) for name in texts}
        base = _ROWS[(columns, texts)] = ReferenceQuerySet(Application).values(*columns, **as_text)
    q = application_visibility_q(user)
    # The scope (its Q holds every id it names) and the column set determine the statement: the list as it opens
    # reuses the compiled one; a filter or a cursor position makes a new queryset that compiles as usual.
    return (base.all() if q is None else base.filter(q)).statement_keyed((columns, texts, q))


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


# ---------------------------------------------------------------- search and counts at provincial scale (issue 17)

SEARCH_PROFILE_LIMIT = 1000


def profile_ids_named(value: str, *, limit: int = SEARCH_PROFILE_LIMIT) -> list[int]:
    """Step one of a name search: the applicant records whose name matches, through an index on PostgreSQL —
    the trigram index for 3+ characters (anywhere in the name), the prefix index for shorter input (the name starts
    with it: a 1–2 character pattern has no trigram). SQLite: a plain icontains."""
    qs = ApplicantProfile.objects.order_by()
    if connection.vendor != "postgresql":
        qs = qs.filter(name__icontains=value)
    elif len(value) >= 3:
        qs = qs.filter(name__contains=value)
    else:
        qs = qs.filter(name__startswith=value)
    return list(qs.values_list("id", flat=True)[:limit])


def application_search_q(value: str, *, units: bool = False, partial_number: bool = False) -> Q:
    """A search as a condition on the application row only (step two runs on the scope's indexes): the case number
    exactly (its unique index), the applicant by name (step one, `profile_ids_named`), and optionally the unit by
    name (the unit table is small). `partial_number` keeps the old substring match on SQLite."""
    value = value.strip()
    q = Q(number=value.upper()) | Q(number=value)
    if partial_number and connection.vendor != "postgresql":
        q |= Q(number__icontains=value)
    q |= Q(applicant_id__any_of=profile_ids_named(value))
    if units:
        q |= Q(unit_id__in=list(Unit.objects.filter(name__icontains=value).values_list("id", flat=True)[:500]))
    if connection.vendor != "postgresql":
        return q
    # The matching cases first, on their own indexes (applicant, number, unit), then the scope on that handful:
    # left to itself the planner ANDs the search with the scope's index and reads a whole office's 120 k rows, or
    # hashes a department's 20 k (4–9 ms per statement at 1 M cases, issue 17). The ids are read once here, so the
    # page and its tab counts each probe the primary key; the cap is above what the name cap can match.
    ids = list(Application.objects.filter(q).order_by().values_list("pk", flat=True)[:SEARCH_CASE_LIMIT])
    return Q(pk__any_of=ids)


SEARCH_CASE_LIMIT = 20 * SEARCH_PROFILE_LIMIT


def inbox_state_counts(user) -> dict[str, int] | None:
    """Cases per state (drafts excluded) the user may see, read from the counters — plus the user's own cases
    outside their scope, counted directly (a person has a handful). None when the user's scopes lie in different
    dimensions (they may overlap, so only a count could say): the caller counts instead."""
    from . import counters

    dim = counters.D
    roles = memberships(user)
    if any(m.role == Role.SUPERVISOR for m in roles):
        scope = {(dim.ALL, 0)}
    else:
        scope = set()
        for m in roles:
            if m.role == Role.UNIT_REVIEWER:
                scope.add((dim.UNIT, m.unit_id))
            elif m.role == Role.DEPT_REVIEWER:
                scope.add((dim.DEPARTMENT, m.department_id))
            elif m.role in (Role.COMMITTEE_CLERK, Role.ASSOCIATION_CLERK):
                scope.add((dim.OFFICE, m.office_id))
    dimensions = {d for d, _ in scope}
    if len(dimensions) > 1:
        return None
    result: dict[str, int] = {}
    if scope:
        (d,) = dimensions
        result = counters.by_state(d, [k for _, k in scope])
    result.pop("draft", None)
    profile_id = applicant_profile_id(user)
    if profile_id is not None and not any(d == dim.ALL for d in dimensions):
        own = Application.objects.filter(applicant_id=profile_id).exclude(status="draft").order_by()
        if scope:
            field = {dim.UNIT: "unit_id", dim.DEPARTMENT: "unit__department_id", dim.OFFICE: "office_id"}[d]
            own = own.exclude(**{f"{field}__in": [k for _, k in scope]})
        for status, n in own.values_list("status").annotate(n=Count("id")):
            result[status] = result.get(status, 0) + n
    return {s: n for s, n in result.items() if n}


def cycle_current(route: str, today: dt.date) -> ReviewCycle | InitialCycle | None:
    """The one rule by which the wizard, the API and the pre-check pick "the" cycle of a new application: the
    cycle of today's year; while it is not loaded yet, the latest earlier one (its windows then say it is closed);
    failing that, the latest there is. None when no cycle of the route exists."""
    model = ReviewCycle if route == Route.REVIEW else InitialCycle
    return (
        model.objects.filter(year=today.year).first()
        or model.objects.filter(year__lt=today.year).order_by("-year").first()
        or model.objects.order_by("-year").first()
    )


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
