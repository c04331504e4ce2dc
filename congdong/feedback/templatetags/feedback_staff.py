"""`{% feedback_work user as work %}`: what waits on a feedback handler, for the workspace."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.utils import timezone

from congdong.accounts.queries import AnyUser, within
from congdong.feedback import queries
from congdong.feedback.models import OPEN_STATES, Feedback

register = template.Library()


@dataclass(frozen=True)
class Work:
    open: int
    overdue: int


@register.simple_tag
def feedback_work(user: AnyUser) -> Work | None:
    """Open and overdue items `user` handles; None if they handle no feedback (three small
    queries)."""
    where = queries.handling_scope(user)
    if not where:
        return None
    items = within(Feedback.objects.standard(), where)
    return Work(
        open=items.filter(state__in=OPEN_STATES).count(),
        overdue=(items & queries.overdue(timezone.now())).count(),
    )
