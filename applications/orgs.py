"""Moved to organisations/services.py (issue 12 item 5). Re-exported here until the importers are rewritten after the
merge; new code imports `from organisations import services`."""

from organisations.services import (  # noqa: F401
    OFFICE_ROLES,
    UNIT_ROLES,
    account_create,
    can_confirm_unit,
    department_create,
    is_unit_admin,
    is_unit_hr,
    office_save,
    org_event,
    resolve_department,
    role_revoke,
    staff_role_grant,
    unit_confirm,
    unit_register,
    unit_role_grant,
)
