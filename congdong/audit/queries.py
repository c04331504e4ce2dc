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

from congdong.accounts.queries import AnyUser, Scope, scope
from congdong.accounts.roles import Permission
from congdong.audit import labels
from congdong.audit.models import AuditEntry, AuditQuerySet


def access_audit(user: AnyUser) -> Scope:
    """The subtrees whose log `user` reads (everywhere for a superuser); PermissionDenied when
    none."""
    where = scope(user, Permission.VIEW_AUDIT)
    if not where:
        raise PermissionDenied(
            _("Only unit admins and data protection officers read the audit log.")
        )
    return where


def may_read_any(user: AnyUser) -> bool:
    try:
        access_audit(user)
    except PermissionDenied:
        return False
    return True


def entries(where: Scope) -> AuditQuerySet:
    """The rows filed under a unit of `where` (by the path kept on the row), and the rows
    filed under no unit for a reader holding the top of a tree."""
    items = AuditEntry.objects.standard()
    if where.everywhere:
        return items
    unplaced = models.Q(unit_path="") if where.has_root else models.Q(pk__in=[])
    return items.filter(where.q(path="unit_path") | unplaced)


@dataclass(frozen=True)
class Filters:
    actor: str = ""
    action: str = ""
    since: datetime.date | None = None
    until: datetime.date | None = None  # inclusive


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def filtered(where: Scope, f: Filters) -> AuditQuerySet:
    """The reader's rows matching `f` (names and actions by substring, days in local time)."""
    items = entries(where)
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
