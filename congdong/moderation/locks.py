"""The refusal a locked account meets when it tries to engage."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from congdong.accounts.models import User
from congdong.core.numbers import format_datetime
from congdong.moderation.queries import active_lock


def check_not_locked(user: User) -> None:
    """PermissionDenied, saying until when, if a moderation lock is in force on the account."""
    lock = active_lock(user)
    if lock is None:
        return
    if lock.ends_at is None:
        raise PermissionDenied(
            _("Your account is locked permanently for repeated violations (Decree 147/2024).")
        )
    raise PermissionDenied(
        _("Your account is locked for repeated violations until %(until)s (Decree 147/2024).")
        % {"until": format_datetime(lock.ends_at)}
    )
