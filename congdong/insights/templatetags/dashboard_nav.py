"""`{% may_read_figures user as flag %}`: whether to show the "Figures" link in the workspace."""

from __future__ import annotations

from django import template

from congdong.accounts.queries import AnyUser
from congdong.insights.queries import insights_roots

register = template.Library()


@register.simple_tag
def may_read_figures(user: AnyUser) -> bool:
    """True when `user` may read the figures of at least one unit (one query)."""
    return bool(insights_roots(user))
