"""`{{ n|so }}`: a count grouped the way the reader's language writes it (12.414 in Vietnamese)."""

from __future__ import annotations

from django import template

from congdong.core.anonymity import Below
from congdong.core.numbers import grouped

register = template.Library()


@register.filter
def so(value: object) -> str:
    """ "số": the number with thousands grouped for the active language; "0" for nothing."""
    if isinstance(value, Below):
        return value  # "< 5": a figure too small to show (congdong.core.anonymity)
    try:
        return grouped(int(value or 0))
    except (TypeError, ValueError):
        return "0"
