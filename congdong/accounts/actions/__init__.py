"""Writes about accounts. Each write has a `check_*` (validate + authorise: raises ActionError
or PermissionDenied and changes nothing) and a `do_*` (write and record); views, the API and
commands call only these."""

from congdong.accounts.actions.citizens import (
    CitizenProfile,
    check_citizen_signup,
    check_code,
    check_request_code,
    citizen_for_phone,
    do_citizen_signup,
    do_send_code,
    do_use_code,
    request_code,
    verify_code,
)
from congdong.accounts.actions.roles import (
    Grant,
    NewStaff,
    check_create_staff,
    check_grant,
    check_revoke,
    create_staff,
    do_create_staff,
    do_grant,
    do_revoke,
    grant_role,
    revoke_role,
)

__all__ = [
    "CitizenProfile",
    "Grant",
    "NewStaff",
    "check_citizen_signup",
    "check_code",
    "check_create_staff",
    "check_grant",
    "check_request_code",
    "check_revoke",
    "citizen_for_phone",
    "create_staff",
    "do_citizen_signup",
    "do_create_staff",
    "do_grant",
    "do_revoke",
    "do_send_code",
    "do_use_code",
    "grant_role",
    "request_code",
    "revoke_role",
    "verify_code",
]
