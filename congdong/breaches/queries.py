"""Reads of the breach register and `access_breach`, the one place deciding who sees a breach.

A breach is recorded against a unit; those holding PROTECT_DATA on it or on a unit above
(data protection officers, unit admins) see and handle it. Everyone else gets Http404, so not
even the existence of a breach leaks to a sibling unit.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from congdong.accounts.queries import AnyUser, can, top_paths
from congdong.accounts.roles import ROLE_PERMISSIONS, Permission
from congdong.breaches.models import Breach, BreachQuerySet, BreachState, BreachTransition

HANDLING_ROLES = [
    role for role, perms in ROLE_PERMISSIONS.items() if Permission.PROTECT_DATA in perms
]


def handling_paths(user: AnyUser) -> list[str]:
    return top_paths(user, HANDLING_ROLES)


def may_handle_any(user: AnyUser) -> bool:
    return bool(
        user.is_authenticated
        and not user.is_citizen
        and (user.is_superuser or handling_paths(user))
    )


def to_handle(user: AnyUser) -> BreachQuerySet:
    """Every breach `user` may see: recorded against a unit of their subtrees."""
    items = Breach.objects.standard()
    if user.is_authenticated and user.is_superuser:
        return items
    paths = handling_paths(user) if user.is_authenticated else []
    if not paths:
        return items.none()
    where = Q()
    for path in paths:
        where |= Q(unit__path__startswith=path)
    return items.filter(where)


def access_breach(user: AnyUser, breach_id: int) -> Breach:
    """The breach, if `user` protects personal data at its unit (on it or above)."""
    item = Breach.objects.standard().filter(pk=breach_id).first()
    if item is None or not can(user, item.unit, Permission.PROTECT_DATA):
        raise Http404
    return item


def history(item: Breach) -> list[BreachTransition]:
    return list(item.transitions.select_related("actor").order_by("at", "pk"))


def overdue(now: datetime.datetime | None = None) -> BreachQuerySet:
    """Breaches whose authority was still not notified at their deadline."""
    now = now or timezone.now()
    return Breach.objects.standard().filter(state=BreachState.RECORDED, notice_due_at__lt=now)
