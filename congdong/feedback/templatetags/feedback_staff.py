"""`{% feedback_work user as work %}`: what waits on a feedback handler, for the workspace."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.utils import timezone

from congdong.accounts.queries import AnyUser
from congdong.feedback import queries
from congdong.feedback.models import OPEN_STATES

register = template.Library()


@dataclass(frozen=True)
class Work:
    open: int
    overdue: int


@register.simple_tag
def feedback_work(user: AnyUser) -> Work | None:
    """Open and overdue items `user` handles; None if they handle no feedback (three small
    queries)."""
    if not queries.handling_paths(user):
        return None
    items = queries.to_handle(user)
    return Work(
        open=items.filter(state__in=OPEN_STATES).count(),
        overdue=(items & queries.overdue(timezone.now())).count(),
    )
