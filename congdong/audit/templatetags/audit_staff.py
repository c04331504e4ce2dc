"""`{% may_read_audit user as audit %}`: whether `user` reads the audit log (the workspace's
link to it)."""

from __future__ import annotations

from django import template

from congdong.accounts.queries import AnyUser
from congdong.audit.queries import may_read_any

register = template.Library()


@register.simple_tag
def may_read_audit(user: AnyUser) -> bool:
    return may_read_any(user)
