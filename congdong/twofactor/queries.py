"""Reads about a staff member's two-step sign-in. Everything here is about the user's own
account: nobody reads or changes another person's authenticator."""

from __future__ import annotations

from django.conf import settings

from congdong.accounts.models import User
from congdong.twofactor.models import Authenticator, RecoveryCode


def authenticator_of(user: User) -> Authenticator | None:
    return Authenticator.objects.filter(user=user).first()


def is_enrolled(user: User) -> bool:
    """Two-step sign-in is on: a confirmed authenticator app."""
    return Authenticator.objects.filter(user=user, confirmed_at__isnull=False).exists()


def must_enrol(user: User) -> bool:
    """CONGDONG_STAFF_TOTP_REQUIRED is on and this staff member has not set the app up yet."""
    return (
        settings.STAFF_TOTP_REQUIRED
        and user.is_authenticated
        and not user.is_citizen
        and not is_enrolled(user)
    )


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
