"""`{% privacy_work user as work %}`: citizens' personal data requests waiting on an officer."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.utils import timezone

from congdong.accounts.queries import AnyUser
from congdong.privacy import queries
from congdong.privacy.models import OPEN_STATES

register = template.Library()


@dataclass(frozen=True)
class Work:
    open: int
    overdue: int


@register.simple_tag
def privacy_work(user: AnyUser) -> Work | None:
    """Open and overdue requests for `user` (a central data protection officer); None if they
    do not handle them."""
    if not queries.can_handle_requests(user):
        return None
    items = queries.to_handle(user)
    return Work(
        open=items.filter(state__in=OPEN_STATES).count(),
        overdue=(items & queries.overdue(timezone.now())).count(),
    )
