"""Who may do what to which case. Predicates used by services, API object checks and pages (STYLE rule 5)."""

from __future__ import annotations

from zhicheng.roles import Role

from .models import Application, RoleMembership


def memberships(user) -> list[RoleMembership]:
    """The user's role memberships, read once per user object."""
    if user is None or not user.is_authenticated:
        return []
    cached = getattr(user, "_zc_roles", None)
    if cached is None:
        cached = list(RoleMembership.objects.filter(user=user))
        user._zc_roles = cached
    return cached


def has_role(user, role: Role) -> bool:
    return any(m.role == role for m in memberships(user))


def is_supervisor(user) -> bool:
    return has_role(user, Role.SUPERVISOR)


def is_applicant_of(user, application: Application) -> bool:
    return user is not None and user.is_authenticated and application.applicant.user_id == user.pk


def can_file_for(user, profile) -> bool:
    """A unit or 人事代理机构 HR account may file drafts for its own staff (seed 000 四)."""
    return profile.unit_id is not None and any(
        m.role == Role.UNIT_HR and m.unit_id == profile.unit_id for m in memberships(user)
    )


def can_fill_draft(user, application: Application) -> bool:
    """The applicant, or the HR account of the case's unit (the applicant still signs the 告知承诺 themselves)."""
    return is_applicant_of(user, application) or any(
        m.role == Role.UNIT_HR and m.unit_id == application.unit_id for m in memberships(user)
    )


def can_unit_review(user, application: Application) -> bool:
    return any(m.role == Role.UNIT_REVIEWER and m.unit_id == application.unit_id for m in memberships(user))


def can_dept_review(user, application: Application) -> bool:
    dept = application.unit.department_id
    return dept is not None and any(m.role == Role.DEPT_REVIEWER and m.department_id == dept for m in memberships(user))


def can_committee_act(user, application: Application) -> bool:
    return application.office_id is not None and any(
        m.role == Role.COMMITTEE_CLERK and m.office_id == application.office_id for m in memberships(user)
    )


def can_association_act(user, application: Application) -> bool:
    return application.office_id is not None and any(
        m.role == Role.ASSOCIATION_CLERK and m.office_id == application.office_id for m in memberships(user)
    )


def is_reviewer_of(user, application: Application) -> bool:
    return (
        can_unit_review(user, application)
        or can_dept_review(user, application)
        or can_committee_act(user, application)
        or can_association_act(user, application)
    )


def can_view(user, application: Application) -> bool:
    return (
        is_applicant_of(user, application)
        or is_reviewer_of(user, application)
        or is_supervisor(user)
        or (application.status == "draft" and can_fill_draft(user, application))
    )


def can_see_full_id(user, application: Application) -> bool:
    """The applicant, the reviewers of their case and the supervisor see the whole 身份证号; others see it masked."""
    return can_view(user, application)


def role_for(user, application: Application) -> Role | None:
    """The capacity in which the user acts on this case (recorded in the audit trail)."""
    if is_applicant_of(user, application):
        return Role.APPLICANT
    for predicate, role in (
        (can_unit_review, Role.UNIT_REVIEWER),
        (can_dept_review, Role.DEPT_REVIEWER),
        (can_committee_act, Role.COMMITTEE_CLERK),
        (can_association_act, Role.ASSOCIATION_CLERK),
    ):
        if predicate(user, application):
            return role
    return Role.SUPERVISOR if is_supervisor(user) else None
