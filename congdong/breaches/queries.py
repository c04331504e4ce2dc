"""Reads of the breach register and `access_breach`, the one place deciding who sees a breach.

A breach is recorded against a unit; those holding PROTECT_DATA on it or on a unit above
(data protection officers, unit admins) see and handle it. Everyone else gets Http404, so not
even the existence of a breach leaks to a sibling unit.
"""

from __future__ import annotations

import datetime

from django.http import Http404
from django.utils import timezone

from congdong.accounts.queries import AnyUser, Scope, can, scope, within
from congdong.accounts.roles import Permission
from congdong.breaches.models import Breach, BreachQuerySet, BreachState
from congdong.core.casework.cases import Cases, register
from congdong.core.casework.cases import history as history


def handling_scope(user: AnyUser) -> Scope:
    """Where `user` protects personal data (everywhere for a superuser)."""
    return scope(user, Permission.PROTECT_DATA)


def may_handle_any(user: AnyUser) -> bool:
    return bool(user.is_authenticated and not user.is_citizen and handling_scope(user))


def to_handle(user: AnyUser) -> BreachQuerySet:
    """Every breach `user` may see: recorded against a unit of their subtrees."""
    return within(Breach.objects.standard(), handling_scope(user))


def access_breach(user: AnyUser, breach_id: int) -> Breach:
    """The breach, if `user` protects personal data at its unit (on it or above)."""
    item = Breach.objects.standard().filter(pk=breach_id).first()
    if item is None or not can(user, item.unit, Permission.PROTECT_DATA):
        raise Http404
    return item


def overdue(now: datetime.datetime | None = None) -> BreachQuerySet:
    """Breaches whose authority was still not notified at their deadline."""
    now = now or timezone.now()
    return Breach.objects.standard().filter(state=BreachState.RECORDED, notice_due_at__lt=now)


# The register's staff screens and workspace count (core.casework).
CASES = register(
    Cases(
        "breaches",
        may_handle=may_handle_any,
        to_handle=to_handle,
        access=access_breach,
        overdue=overdue,
        open_states=frozenset({BreachState.RECORDED}),
        due_field="notice_due_at",
        tie="-pk",
    )
)
