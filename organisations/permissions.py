"""Who holds which role over which organisation: the membership reads every predicate starts from (STYLE rule 5).
Predicates about cases (who may review this application) build on these in applications/permissions.py."""

from __future__ import annotations

from zhicheng.roles import Role

from .models import RoleMembership, Unit


def memberships(user) -> list[RoleMembership]:
    """The user's role memberships, read once per user object."""
    if user is None or not user.is_authenticated:
        return []
    cached = getattr(user, "_zc_roles", None)
    if cached is None:
        cached = list(RoleMembership.objects.filter(user=user))
        user._zc_roles = cached
    return cached


def membership_columns() -> list[str]:
    return [f.attname for f in RoleMembership._meta.concrete_fields]


def memberships_preload(user, rows, *, alias: str = "default") -> None:
    """Keep memberships read with the user (applications.auth.signed_in_load) as the user's memberships: model
    instances, as if loaded from the database, so memberships() needs no query of its own."""
    columns = membership_columns()
    user._zc_roles = [RoleMembership.from_db(alias, columns, [r[c] for c in columns]) for r in rows or []]


def forget_memberships(user) -> None:
    """Drop the cached memberships after a grant or revocation, so the next check reads them again."""
    if hasattr(user, "_zc_roles"):
        del user._zc_roles


def has_role(user, role: Role) -> bool:
    return any(m.role == role for m in memberships(user))


def is_supervisor(user) -> bool:
    return has_role(user, Role.SUPERVISOR)


def is_unit_admin(user, unit: Unit) -> bool:
    return any(m.role == Role.UNIT_ADMIN and m.unit_id == unit.pk for m in memberships(user))


def is_unit_hr(user, unit: Unit) -> bool:
    return any(m.role == Role.UNIT_HR and m.unit_id == unit.pk for m in memberships(user))


def can_confirm_unit(user, unit: Unit) -> bool:
    """The unit's 主管部门 (or its region's 人社部门 standing in for one), or the supervisor."""
    return is_supervisor(user) or any(
        m.role == Role.DEPT_REVIEWER and m.department_id == unit.department_id for m in memberships(user)
    )
