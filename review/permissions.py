"""Who may act on meetings, expert pools and filings (STYLE rule 5)."""

from __future__ import annotations

from applications.permissions import is_supervisor, memberships
from zhicheng.roles import Role


def is_clerk_of(user, office_id) -> bool:
    return office_id is not None and any(
        m.role == Role.COMMITTEE_CLERK and m.office_id == office_id for m in memberships(user)
    )


def can_manage_meeting(user, meeting) -> bool:
    """The committee office's clerks prepare the meeting, draw experts, file it, open it and record results."""
    return is_clerk_of(user, meeting.office_id)


def can_edit_pool(user, pool) -> bool:
    return is_clerk_of(user, pool.office_id)


def can_decide_filing(user, filing=None) -> bool:
    """The municipal office (市职称办) accepts or returns a meeting's 报备 (seed 000 六(一))."""
    return is_supervisor(user)


def can_view_meeting(user, meeting) -> bool:
    return can_manage_meeting(user, meeting) or is_supervisor(user)


def can_view_integrity_archive(user) -> bool:
    return is_supervisor(user)
