"""`{% breach_work user as work %}`: breaches waiting on a data protection officer."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.utils import timezone

from congdong.accounts.queries import AnyUser
from congdong.audit.queries import may_read_any
from congdong.breaches import queries
from congdong.breaches.models import BreachState

register = template.Library()


@dataclass(frozen=True)
class Work:
    breaches: bool
    open: int
    overdue: int
    audit: bool


@register.simple_tag
def breach_work(user: AnyUser) -> Work | None:
    """Open and overdue breaches `user` handles, and whether they read the audit log; None if
    neither."""
    audit = may_read_any(user)
    if not queries.may_handle_any(user):
        return Work(False, 0, 0, True) if audit else None
    items = queries.to_handle(user)
    return Work(
        breaches=True,
        open=items.filter(state=BreachState.RECORDED).count(),
        overdue=(items & queries.overdue(timezone.now())).count(),
        audit=audit,
    )
