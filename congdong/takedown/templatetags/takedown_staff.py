"""`{% takedown_work user as work %}`: what waits on a takedown handler, for the workspace."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.utils import timezone

from congdong.accounts.queries import AnyUser
from congdong.takedown import queries
from congdong.takedown.models import OPEN_STATES

register = template.Library()


@dataclass(frozen=True)
class Work:
    open: int
    overdue: int


@register.simple_tag
def takedown_work(user: AnyUser) -> Work | None:
    """Undecided and overdue requests `user` handles; None if they handle none."""
    if not queries.may_handle_any(user):
        return None
    items = queries.to_handle(user)
    return Work(
        open=items.filter(state__in=OPEN_STATES).count(),
        overdue=(items & queries.overdue(timezone.now())).count(),
    )
