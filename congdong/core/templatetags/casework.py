"""`{% countdown timer %}`: a case's time left or lateness, in words (not only colour);
`{% case_work "takedown" user as work %}`: what waits on a handler of a register of deadline
cases (`core.casework`), for the workspace."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from congdong.core.casework.cases import Timer, Work, work

register = template.Library()


@register.simple_tag
def countdown(timer: Timer) -> str:
    """ "còn 3 giờ", or, late, "⚠ quá hạn 2 giờ" in bold; nothing once decided."""
    if timer.decided:
        return ""
    if timer.late:
        return format_html('<strong class="late-text">⚠ {}</strong>', str(timer))
    return format_html('<span class="td-left">{}</span>', str(timer))


@register.simple_tag
def case_work(name: str, user) -> Work | None:
    """Open and overdue cases of the register `name` that `user` handles; None if none."""
    return work(name, user)
