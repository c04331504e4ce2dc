"""Reads of the audit log and `access_audit`, the one place deciding whose log someone reads.

Those holding VIEW_AUDIT on a unit (unit admins, data protection officers) read the rows filed
under that unit and every unit below; never a sibling's or a parent's. Rows filed under no unit
(a failed sign-in with an unknown name) are read by those holding the right at the top of a
tree (the central unit), and by superusers, who read everything.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from congdong.accounts.queries import AnyUser, top_paths
from congdong.accounts.roles import ROLE_PERMISSIONS, Permission
from congdong.audit import labels
from congdong.audit.models import AuditEntry, AuditQuerySet
from congdong.units.models import Unit

AUDIT_ROLES = [role for role, perms in ROLE_PERMISSIONS.items() if Permission.VIEW_AUDIT in perms]


@dataclass(frozen=True)
class Scope:
    """Where a reader may read: the top paths of their subtrees; `everything` for superusers."""

    paths: tuple[str, ...]
    everything: bool = False

    @property
    def unplaced(self) -> bool:
        return self.everything or any(len(p) == Unit.steplen for p in self.paths)


def access_audit(user: AnyUser) -> Scope:
    """The subtrees whose log `user` reads; PermissionDenied when none."""
    if user.is_authenticated and user.is_superuser:
        return Scope((), everything=True)
    paths = top_paths(user, AUDIT_ROLES) if user.is_authenticated else []
    if not paths or user.is_citizen:
        raise PermissionDenied(
            _("Only unit admins and data protection officers read the audit log.")
        )
    return Scope(tuple(paths))


def may_read_any(user: AnyUser) -> bool:
    try:
        access_audit(user)
    except PermissionDenied:
        return False
    return True


def entries(scope: Scope) -> AuditQuerySet:
    items = AuditEntry.objects.standard()
    if scope.everything:
        return items
    return items.in_paths(list(scope.paths), include_unplaced=scope.unplaced)


@dataclass(frozen=True)
class Filters:
    actor: str = ""
    action: str = ""
    since: datetime.date | None = None
    until: datetime.date | None = None  # inclusive


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def filtered(scope: Scope, f: Filters) -> AuditQuerySet:
    """The reader's rows matching `f` (names and actions by substring, days in local time)."""
    items = entries(scope)
    if f.actor:
        items = items.filter(actor_name__icontains=f.actor)
    if f.action:
        # The recorded name (what API clients filter by) or the words the screen shows.
        items = items.filter(
            models.Q(action__icontains=f.action) | models.Q(action__in=labels.matching(f.action))
        )
    if f.since:
        items = items.filter(at__gte=_day_start(f.since))
    if f.until:
        items = items.filter(at__lt=_day_start(f.until + datetime.timedelta(days=1)))
    return items
