"""Figures in templates, written by `core.numbers` like every export of the same figure:
`{{ n|so }}` 12.414, `{{ x|thap_phan }}` 3,5, `{{ p|phan_tram }}` 12,5 %,
`{% khoang low high %}` 6.686–6.907 (in Vietnamese; English separators in English)."""

from __future__ import annotations

from collections.abc import Callable

from django import template

from congdong.core import numbers
from congdong.core.anonymity import Below

register = template.Library()


@register.filter
def so(value: object) -> str:
    """ "số": a count rounded and grouped for the active language; "0" for nothing."""
    if isinstance(value, Below):
        return value  # "< 5": a figure too small to show (congdong.core.anonymity)
    if isinstance(value, int | float):
        return numbers.format_int(value)
    try:
        return numbers.format_int(float(value or 0))
    except (TypeError, ValueError):
        return "0"


def _measure(value: object, written: Callable[[float], str]) -> str:
    """`value` as `written` writes it; "—" for nothing, and text (a figure already written, a
    "< 5") as it is."""
    if value is None or value == "":
        return numbers.NOTHING
    if isinstance(value, str):
        return value
    return written(value)  # type: ignore[arg-type]


@register.filter
def thap_phan(value: object) -> str:
    """ "thập phân": a measure with one decimal ("3,5"); "—" for nothing."""
    return _measure(value, numbers.format_decimal)


@register.filter
def phan_tram(value: object) -> str:
    """ "phần trăm": a percentage 0–100 with one decimal and its sign ("12,5 %")."""
    return _measure(value, numbers.format_percent)


@register.simple_tag
def khoang(low: float | int, high: float | int) -> str:
    """ "khoảng": two counts as one range ("6.686–6.907")."""
    return numbers.format_range(low or 0, high or 0)
