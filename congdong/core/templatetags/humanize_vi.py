"""`{{ n|so }}`: a count grouped the way the reader's language writes it (12.414 in Vietnamese)."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def so(value: object) -> str:
    """ "số": the number with thousands grouped for the active language; "0" for nothing."""
    try:
        return number_format(int(value or 0), force_grouping=True)
    except (TypeError, ValueError):
        return "0"
