"""Accounts: who the caller is and the tokens that say so (accounts), the staff password login's
per-account lockout (lockout), the account's default postal address (address) and staff accounts as
admins manage them (staff). Other areas import the names below."""

from __future__ import annotations

from api.auth.service.lockout import (
    MAX_TRIES, FIRST_LOCK, LONGEST_LOCK, TRIES_FORGOTTEN_AFTER, LOCKS_FORGOTTEN_AFTER, AccountLocked, lock_length,
    check_password,
)
from api.auth.service.accounts import (
    CITIZEN_ROLES, issue_tokens, citizen_tokens, wechat_login, phone_login, staff_login, account, staff_session_live, refresh,
    logout, get_me, bind_phone, create_staff, staff_from_args,
)
from api.auth.service.address import default_address, get_address, put_address
from api.auth.service.staff import (
    STAFF_ROLES, ROLE_LABELS, ACTION_LABELS, StaffNotFound, StaffPhoneTaken, StaffSelfChange, PasswordUnchanged,
    StaffRolesInvalid, StaffRow, list_staff, get_staff, history, step_choices, create, set_roles, set_disabled,
    reset_password, change_password, change_password_and_login, act_as,
)
