"""Two-step sign-in for staff (issue 7 §5): an authenticator app (TOTP, 30-second codes) with
ten one-time recovery codes.

A code is accepted once: its 30-second step is recorded and that step or an earlier one is
refused afterwards. Wrong codes count with wrong passwords (congdong.core.security: per account
from one address, per address, and a growing wait for failing addresses once the account has
many failures), so a stolen password gives a guesser five tries per address in half an hour,
not a million, and never lets the guesser lock the owner out.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass

import pyotp
import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from congdong.accounts.models import User
from congdong.core import security
from congdong.core.errors import ActionError
from congdong.core.ratelimit import RateLimited
from congdong.twofactor.models import Authenticator, RecoveryCode
from congdong.twofactor.sealing import seal, unseal

STEP = 30  # seconds, what every authenticator app uses
DRIFT = 1  # steps either side accepted, for a phone clock a little off
RECOVERY_COUNT = 10
# 32 letters and digits without 0/o and 1/l, which people misread: 16 of them are 80 bits.
RECOVERY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 16
TOTP_CODE = re.compile(r"\d{6}")


@dataclass(frozen=True)
class Setup:
    """What the enrolment page shows while the app is not confirmed yet."""

    secret: str  # base32, grouped by four for typing
    uri: str  # otpauth://…, what the QR code holds
    qr_svg: SafeString  # inline <svg>: no data: address, no style attribute (CSP)


# ---------------------------------------------------------------- codes


def _recovery_digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _normalise_recovery(code: str) -> str:
    return re.sub(r"[\s-]", "", code).lower()


def _new_recovery_codes(user: User) -> list[str]:
    """Replaces the account's recovery codes; the plain codes are returned to show once."""
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        for _ in range(RECOVERY_COUNT)
    ]
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, digest=_recovery_digest(c)) for c in codes]
    )
    return ["-".join(c[i : i + 4] for i in range(0, RECOVERY_LENGTH, 4)) for c in codes]


def _matching_step(secret: str, code: str, now: float) -> int | None:
    totp = pyotp.TOTP(secret)
    current = int(now // STEP)
    for step in (current, *(current + d for d in range(-DRIFT, DRIFT + 1) if d)):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _reserve_try(user: User, ip: str | None) -> None:
    """Count this try before the code is checked (security.reserve_login): parallel guesses
    cannot slip past the limit; a right code gives the count back."""
    wait = security.reserve_login(user.username, ip)
    if wait:
        raise RateLimited(
            _("Too many wrong codes. Try again in %(wait)s.") % {"wait": security.wait_text(wait)},
            retry_after=wait,
            field="code",
        )


def use_code(
    user: User,
    code: str,
    ip: str | None,
    *,
    recovery: bool = True,
    authenticator: Authenticator | None = None,
    now: float | None = None,
) -> str:
    """Accept a code from the app (or, when `recovery`, an unused recovery code, then spent).

    Returns "totp" or "recovery". Raises RateLimited (429) past the failure limit, or
    ActionError on field "code" for a wrong, replayed or spent code, which counts as a failure.
    """
    _reserve_try(user, ip)
    how = _check_code(user, code, recovery=recovery, authenticator=authenticator, now=now)
    security.release_login(user.username, ip)
    return how


def _check_code(
    user: User,
    code: str,
    *,
    recovery: bool,
    authenticator: Authenticator | None,
    now: float | None,
) -> str:
    code = (code or "").strip().replace(" ", "")
    now = time.time() if now is None else now
    auth = authenticator or Authenticator.objects.filter(user=user).first()
    if auth is None:
        raise ActionError(_("Two-step sign-in is not set up for this account."), field="code")
    if TOTP_CODE.fullmatch(code):
        secret = unseal(auth.sealed_secret)
        step = _matching_step(secret, code, now) if secret else None
        if step is None:
            raise ActionError(
                _("The code is not right. Check the time on your phone."), field="code"
            )
        # Conditional update: of two requests with the same code, only one moves the step on.
        moved = Authenticator.objects.filter(pk=auth.pk, last_step__lt=step).update(last_step=step)
        if not moved:
            raise ActionError(
                _("This code has already been used. Wait for the next one in the app."),
                field="code",
            )
        auth.last_step = step
        return "totp"
    normalised = _normalise_recovery(code)
    if recovery and len(normalised) == RECOVERY_LENGTH:
        spent = RecoveryCode.objects.filter(
            user=user, digest=_recovery_digest(normalised), used_at__isnull=True
        ).update(used_at=timezone.now())
        if not spent:
            raise ActionError(
                _("This recovery code is wrong or has already been used."), field="code"
            )
        return "recovery"
    if recovery:
        message = _("Enter the 6-digit code from your app, or one of your recovery codes.")
    else:
        message = _("Enter the 6-digit code from your app.")
    raise ActionError(message, field="code")


# ---------------------------------------------------------------- enrolment


def _check_staff(user: User) -> None:
    if not user.is_authenticated or user.is_citizen:
        raise ActionError(_("Two-step sign-in is for staff accounts."))


def do_start(user: User) -> Authenticator:
    """A new secret for `user`, pending until a code from the app confirms it. Starting again
    replaces a pending secret (say, scanned into the wrong phone)."""
    _check_staff(user)
    with transaction.atomic():
        current = Authenticator.objects.select_for_update().filter(user=user).first()
        if current is not None and current.confirmed:
            raise ActionError(_("Two-step sign-in is already on for your account."))
        sealed = seal(pyotp.random_base32())
        if current is None:
            return Authenticator.objects.create(user=user, sealed_secret=sealed)
        current.sealed_secret, current.created_at, current.last_step = sealed, timezone.now(), 0
        current.save(update_fields=["sealed_secret", "created_at", "last_step"])
        return current


def setup_details(user: User, auth: Authenticator) -> Setup | None:
    """The secret of a pending authenticator as text, link and QR code; None once confirmed
    (the secret is never shown again) or if it can no longer be decrypted."""
    if auth.confirmed:
        return None
    secret = unseal(auth.sealed_secret)
    if secret is None:
        return None
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=settings.TOTP_ISSUER)
    svg = segno.make(uri, error="m").svg_inline(
        scale=5, border=4, dark="#000", light="#fff", svgclass="qr", title=_("QR code to scan")
    )
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    # segno's markup: paths and our title; the address is drawn as modules, never as text.
    return Setup(grouped, uri, mark_safe(svg))


def confirm(user: User, code: str, ip: str | None) -> list[str]:
    """Turn two-step sign-in on with a first code from the app; the ten recovery codes, to
    show once."""
    _check_staff(user)
    with transaction.atomic():
        auth = Authenticator.objects.select_for_update().filter(user=user).first()
        if auth is None:
            raise ActionError(_("Start the set-up again: no app is waiting to be confirmed."))
        if auth.confirmed:
            raise ActionError(_("Two-step sign-in is already on for your account."))
    use_code(user, code, ip, recovery=False, authenticator=auth)
    with transaction.atomic():
        Authenticator.objects.filter(pk=auth.pk).update(confirmed_at=timezone.now())
        return _new_recovery_codes(user)


def new_recovery_codes(user: User, code: str, ip: str | None) -> list[str]:
    """Replace the recovery codes (all old ones stop working), proved with a current code."""
    _check_enrolled(user)
    use_code(user, code, ip, recovery=False)
    with transaction.atomic():
        return _new_recovery_codes(user)


def disable(user: User, password: str, code: str, ip: str | None) -> None:
    """Turn two-step sign-in off: the password and a current code (or a recovery code) are
    both needed, so a session left open on a shared computer is not enough."""
    _check_enrolled(user)
    _reserve_try(user, ip)
    if not user.check_password(password or ""):
        raise ActionError(_("The password is not right."), field="password")
    security.release_login(user.username, ip)
    use_code(user, code, ip)
    with transaction.atomic():
        RecoveryCode.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()


def _check_enrolled(user: User) -> None:
    _check_staff(user)
    if not Authenticator.objects.filter(user=user, confirmed_at__isnull=False).exists():
        raise ActionError(_("Two-step sign-in is not on for your account."))
