"""Who may do what to which case. Predicates used by services, API object checks and pages (STYLE rule 5)."""

from __future__ import annotations

from django.utils.functional import empty

# Who holds which role is organisational (organisations/permissions.py); callers still import these from here.
from organisations.permissions import has_role, is_supervisor, memberships  # noqa: F401
from zhicheng.roles import Role

from .models import Application


def unwrapped(user):
    """request.user without its lazy proxy: a page asks the predicates below about every row, and each attribute
    read through SimpleLazyObject costs a call (issue 17)."""
    inner = getattr(user, "_wrapped", None)
    if inner is None or inner is empty:
        return user
    return inner


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


def _acts_as_supervisor(user, application: Application) -> bool:
    return is_supervisor(user)


# The predicate behind each role the workflow names (applications/workflow.py `Act.by`).
ROLE_PREDICATES = {
    Role.APPLICANT: is_applicant_of,
    Role.UNIT_REVIEWER: can_unit_review,
    Role.DEPT_REVIEWER: can_dept_review,
    Role.COMMITTEE_CLERK: can_committee_act,
    Role.ASSOCIATION_CLERK: can_association_act,
    Role.SUPERVISOR: _acts_as_supervisor,
}


# For each reviewing role: the membership's scope attribute and the case's lookup that must match it.
ROLE_SCOPE = {
    Role.UNIT_REVIEWER: ("unit_id", "unit_id"),
    Role.DEPT_REVIEWER: ("department_id", "unit__department_id"),
    Role.COMMITTEE_CLERK: ("office_id", "office_id"),
    Role.ASSOCIATION_CLERK: ("office_id", "office_id"),
}


def role_scope_q(user, role: Role, prefix: str = ""):
    """The cases on which `user` holds `role`, as a filter (the queryset twin of ROLE_PREDICATES[role])."""
    from django.db.models import Q

    attr, lookup = ROLE_SCOPE[role]
    ids = [getattr(m, attr) for m in memberships(user) if m.role == role and getattr(m, attr) is not None]
    return Q(**{f"{prefix}{lookup}__in": ids})


def acting_role(user, application: Application, act) -> Role | None:
    """The capacity in which `user` may do `act` on `application` in its current state, or None (STYLE rule 5).
    Nobody acts in a reviewing capacity on their own case (回避)."""
    from .workflow import roles_for

    if user is None or not user.is_authenticated:
        return None
    for role in roles_for(act, application):
        predicate = ROLE_PREDICATES.get(role)
        if predicate is None or not predicate(user, application):
            continue
        if role != Role.APPLICANT and is_applicant_of(user, application):
            continue  # 回避: one's own case is decided by somebody else
        return role
    return None


def can_decide_objection(user, application: Application, publicity_kind: str) -> bool:
    """Whoever investigates objections to this kind of publicity of the case (the workflow's objection_decider)."""
    from .workflow import KIND_STATE, STATES

    decider = STATES[KIND_STATE[publicity_kind]].objection_decider
    predicate = ROLE_PREDICATES.get(decider)
    return predicate is not None and predicate(user, application) and not is_applicant_of(user, application)


def can_see_objector(user, application: Application, publicity_kind: str) -> bool:
    """The objector's name and contact: only whoever decides the objection, and the supervisor."""
    return is_supervisor(user) or can_decide_objection(user, application, publicity_kind)


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
