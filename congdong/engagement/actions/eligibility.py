"""Who may act on pages and posts (Decree 147/2024: only phone-verified accounts)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from congdong.accounts.models import User
from congdong.accounts.queries import AnyUser
from congdong.core import ratelimit
from congdong.core.errors import CitizenAccountNeeded

# More refusals of an account that passed the checks here, each raising PermissionDenied with
# its reason: apps above engagement add theirs in their AppConfig.ready() (moderation: an
# account locked for repeated violations), so that engagement imports none of them.
CHECKS: list[Callable[[User], None]] = []


def add_check(check: Callable[[User], None]) -> None:
    """Make `check_can_engage` also run `check` (once, however often this is called)."""
    if check not in CHECKS:
        CHECKS.append(check)


def require_citizen_account(user: AnyUser) -> None:
    """CitizenAccountNeeded for a signed-in staff account (one without a verified mobile
    number): citizens' actions answer it with the way to a citizen account, not a bare 403."""
    if user.is_authenticated and not user.is_citizen and user.phone_verified_at is None:
        raise CitizenAccountNeeded()


def check_can_engage(user: AnyUser) -> User:
    """The account, if it may follow, react, comment and share; PermissionDenied otherwise."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in with your mobile number first."))
    if not user.is_active:
        raise PermissionDenied(_("Your account is locked; it cannot do this."))
    require_citizen_account(user)
    if user.phone_verified_at is None:
        raise PermissionDenied(
            _("Only accounts with a verified mobile number can do this (Decree 147/2024/NĐ-CP).")
        )
    for check in CHECKS:
        check(user)
    return user


def limit(user: User, scope: str, what: str) -> None:
    """Count one `scope` action of `user` against its per-minute limit (RateLimited past it)."""
    per_minute = settings.ENGAGEMENT_LIMITS[scope]
    ratelimit.hit(scope, user.pk, per_minute, 60, what)
