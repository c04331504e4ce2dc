"""A citizen's sign-up with its consent, on the web (the profile step) and in the API (the phone
login of the mobile apps): the account (congdong.accounts) and the consent to the privacy policy
in force (this app) are checked together and written in one transaction, so no account exists
without its consent record (Law 91/2025). It lives here, above accounts, because the consent is
this app's; accounts keeps the phone codes, the accounts and the tokens."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from congdong.accounts.actions import citizens
from congdong.accounts.models import User
from congdong.accounts.phones import normalise_mobile
from congdong.accounts.tokens import IssuedToken, do_issue_token
from congdong.core.errors import ActionError, Refusals
from congdong.privacy.actions import check_signup_consent, do_signup_consents
from congdong.privacy.models import Channel


def check_profile(phone: str, data: dict[str, Any]) -> citizens.CitizenProfile:
    """The profile's rules and the consent's, all told at once (issue 16.9)."""
    refusals = Refusals()
    profile = None
    with refusals:
        profile = citizens.check_citizen_signup(
            phone, data.get("full_name", ""), data.get("date_of_birth")
        )
    with refusals:
        check_signup_consent(data.get("consent", False))
    refusals.raise_any()
    assert profile is not None  # raise_any raised otherwise
    return profile


def do_signup(
    profile: citizens.CitizenProfile,
    *,
    digest: bool = False,
    how: str = Channel.WEB,
    ip: str | None = None,
) -> User:
    """The account and its consents (the digest's too when asked for), committed together."""
    with transaction.atomic():  # no account without its consent record
        user = citizens.do_citizen_signup(profile)
        do_signup_consents(user, digest=digest, how=how, ip=ip)
    return user


def phone_login(
    raw_phone: str,
    code: str,
    full_name: str = "",
    date_of_birth: datetime.date | None = None,
    device: str = "",
    consent: bool = False,
    digest: bool = False,
    ip: str | None = None,
) -> tuple[User, IssuedToken]:
    """Sign in (or, for a new number, sign up) with the code sent by SMS, as the web flow does,
    and issue a token. A new number needs the full name and date of birth the web asks for in
    its third step; without them this refuses (field `full_name`) and leaves the code unused,
    so the app can ask for them and send the same code again. It also needs `consent` to the
    privacy policy in force (Law 91/2025), recorded with the account; `digest` is optional."""
    phone = normalise_mobile(raw_phone)
    row = citizens.check_code(phone, code, ip)
    citizen = citizens.citizen_for_phone(phone)
    profile = None
    if citizen is None:
        profile = citizens.check_citizen_signup(phone, full_name, date_of_birth)
        check_signup_consent(consent)
    elif not citizen.is_active:
        raise PermissionDenied(_("Your account is locked; it cannot do this."))
    with transaction.atomic():  # no account without its consent record
        if not citizens.do_use_code(row):
            raise ActionError(_("This code was already used. Ask for a new one."), field="code")
        if profile is not None:
            citizen = citizens.do_citizen_signup(profile)
            do_signup_consents(citizen, digest=digest, how=Channel.API, ip=ip)
    assert citizen is not None  # found, or signed up just now
    return citizen, do_issue_token(citizen, device)
