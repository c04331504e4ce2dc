"""One-time codes sent by SMS, and citizens' sign-up and login with them."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from congdong.accounts.models import (
    AccountKind,
    ApiToken,
    PhoneCode,
    User,
)
from congdong.accounts.phones import normalise_mobile
from congdong.accounts.sms import get_backend
from congdong.core.errors import ActionError, Refusals
from congdong.core.ratelimit import RateLimited
from congdong.core.text import line

MAX_NAME = User._meta.get_field("full_name").max_length


def _hash_code(phone: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def _wait(sent: QuerySet, since: datetime.datetime) -> int:
    """Seconds until the oldest code of the last hour leaves the window."""
    oldest = sent.order_by("created_at").values_list("created_at", flat=True).first()
    return max(1, int((oldest - since).total_seconds()) + 1) if oldest else 60


def check_request_code(raw_phone: str, ip: str | None) -> str:
    """The normalised number, if another code may be sent to it from this address now."""
    phone = normalise_mobile(raw_phone)
    since = timezone.now() - datetime.timedelta(hours=1)
    recent = PhoneCode.objects.filter(created_at__gte=since)
    by_phone = recent.filter(phone=phone)
    if by_phone.count() >= settings.OTP_MAX_PER_PHONE_PER_HOUR:
        raise RateLimited(
            _("Too many codes were sent to this number in the last hour. Try again later."),
            retry_after=_wait(by_phone, since),
            field="phone",
        )
    by_ip = recent.filter(ip=ip)
    if ip and by_ip.count() >= settings.OTP_MAX_PER_IP_PER_HOUR:
        raise RateLimited(
            _("Too many codes were requested from your network in the last hour. Try again later."),
            retry_after=_wait(by_ip, since),
            field="phone",
        )
    return phone


def do_send_code(phone: str, ip: str | None) -> PhoneCode:
    code = f"{secrets.randbelow(1_000_000):06d}"
    now = timezone.now()
    row = PhoneCode.objects.create(
        phone=phone,
        code_hash=_hash_code(phone, code),
        ip=ip,
        created_at=now,
        expires_at=now + datetime.timedelta(seconds=settings.OTP_TTL_SECONDS),
    )
    minutes = settings.OTP_TTL_SECONDS // 60
    get_backend().send(
        phone,
        _(
            "congdong: your code is %(code)s. It is valid for %(minutes)s minutes. "
            "Do not share it with anyone."
        )
        % {"code": code, "minutes": minutes},
    )
    return row


def request_code(raw_phone: str, ip: str | None) -> str:
    phone = check_request_code(raw_phone, ip)
    do_send_code(phone, ip)
    return phone


def check_code(phone: str, code: str, ip: str | None = None) -> PhoneCode:
    """The newest unused code for `phone`, if `code` matches it.

    The try is counted before the comparison by a conditional UPDATE (`attempts < limit`), so
    parallel guesses get at most OTP_MAX_ATTEMPTS comparisons, not as many as arrive before
    the first wrong one is counted. Tries from the address that asked for the code and from
    all other addresses have an allowance each: an outsider who knows the number cannot spend
    the citizen's tries. A right code gives its try back (it may be sent again, say with the
    name a new account needs).
    """
    code = (code or "").strip()
    if not (len(code) == 6 and code.isdigit()):
        raise ActionError(_("The code has 6 digits."), field="code")
    row = PhoneCode.objects.filter(phone=phone, used_at=None).order_by("-created_at").first()
    if row is None:
        raise ActionError(_("No code is waiting for this number. Ask for a new one."), field="code")
    if row.expires_at <= timezone.now():
        raise ActionError(
            _("This code has expired (codes last 5 minutes). Ask for a new one."), field="code"
        )
    column = "attempts" if ip is None or ip == row.ip else "foreign_attempts"
    limit = settings.OTP_MAX_ATTEMPTS
    counted = PhoneCode.objects.filter(pk=row.pk, **{f"{column}__lt": limit}).update(
        **{column: F(column) + 1}
    )
    if not counted:
        raise ActionError(_("Too many wrong tries for this code. Ask for a new one."), field="code")
    if hmac.compare_digest(row.code_hash, _hash_code(phone, code)):
        PhoneCode.objects.filter(pk=row.pk).update(**{column: F(column) - 1})
        return row
    used = PhoneCode.objects.values_list(column, flat=True).get(pk=row.pk)
    left = max(0, limit - used)
    raise ActionError(
        _("Wrong code. %(left)s tries left.") % {"left": left}
        if left
        else _("Wrong code. Ask for a new one."),
        field="code",
    )


def do_use_code(row: PhoneCode) -> bool:
    """Mark the code used; False if a concurrent request used it first (single use)."""
    return bool(PhoneCode.objects.filter(pk=row.pk, used_at=None).update(used_at=timezone.now()))


def verify_code(phone: str, code: str, ip: str | None = None) -> None:
    if not do_use_code(check_code(phone, code, ip)):
        raise ActionError(_("This code was already used. Ask for a new one."), field="code")


def citizen_for_phone(phone: str) -> User | None:
    return User.objects.filter(phone=phone, kind=AccountKind.CITIZEN).first()


@dataclass(frozen=True)
class CitizenProfile:
    phone: str
    full_name: str
    date_of_birth: datetime.date


def check_citizen_signup(
    phone: str, full_name: str, date_of_birth: datetime.date | None
) -> CitizenProfile:
    refusals = Refusals()  # every field's problem told at once (issue 16.9)
    name = line(full_name)
    with refusals:
        if len(name) < 2 or any(ch.isdigit() for ch in name):
            raise ActionError(_("Enter your full name as on your ID card."), field="full_name")
        if len(name) > MAX_NAME:
            # SQLite stores a longer one; PostgreSQL refused it with an error 500.
            raise ActionError(
                _("A name has at most %(max)d characters.") % {"max": MAX_NAME}, field="full_name"
            )
    today = timezone.localdate()
    with refusals:
        if date_of_birth is None or date_of_birth > today or date_of_birth.year < today.year - 120:
            raise ActionError(_("Enter a valid date of birth."), field="date_of_birth")
    with refusals:
        if citizen_for_phone(phone) is not None:
            raise ActionError(
                _("This number already has an account. Log in instead."), field="phone"
            )
    refusals.raise_any()
    return CitizenProfile(phone=phone, full_name=name, date_of_birth=date_of_birth)


def do_citizen_signup(profile: CitizenProfile) -> User:
    user = User(
        username=f"cd{profile.phone.lstrip('+')}",
        kind=AccountKind.CITIZEN,
        phone=profile.phone,
        phone_verified_at=timezone.now(),
        full_name=profile.full_name,
        date_of_birth=profile.date_of_birth,
    )
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # the same number signed up a moment ago in another tab
        raise ActionError(
            _("This number already has an account. Log in instead."), field="phone"
        ) from exc
    return user


# --- the person's own data (congdong.privacy decides; this app writes its rows) --------------


def do_correct_identity(citizen: User, full_name: str, date_of_birth: datetime.date) -> None:
    """Write the corrected name and date of birth (checked by congdong.privacy's
    `check_correct`, with the sign-up's rules), on the row and on `citizen`."""
    User.objects.filter(pk=citizen.pk).update(full_name=full_name, date_of_birth=date_of_birth)
    citizen.full_name, citizen.date_of_birth = full_name, date_of_birth


def erase_citizen(citizen: User, now: datetime.datetime) -> None:
    """De-identify the account of a citizen who deleted it (congdong.privacy's `do_delete`), in
    the caller's transaction: one-time codes of their number deleted, API tokens revoked, name,
    phone, date of birth and email erased, the account inactive (its sessions end: Django
    refuses inactive accounts) and without a password. The row stays, for what the law keeps."""
    if citizen.phone:
        PhoneCode.objects.filter(phone=citizen.phone).delete()
    ApiToken.objects.filter(user=citizen, revoked_at__isnull=True).update(revoked_at=now)
    citizen.username = f"deleted-{citizen.pk}"
    citizen.full_name = ""
    citizen.first_name = citizen.last_name = citizen.email = ""
    citizen.phone = None
    citizen.phone_verified_at = None
    citizen.date_of_birth = None
    citizen.is_active = False
    citizen.set_unusable_password()
    citizen.save()
