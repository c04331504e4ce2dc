"""`{{ delta|duration }}` and `{{ moment|since }}`: lengths of time in words (core.durations)."""

from __future__ import annotations

import datetime

from django import template

from congdong.core import durations

register = template.Library()


@register.filter
def duration(value: datetime.timedelta | float | None) -> str:
    """ "2 giờ 15 phút"; "—" for nothing (no published page yet)."""
    return durations.duration(value) or "—"


@register.filter
def since(value: datetime.datetime | None) -> str:
    """ "3 giờ trước"; "" for nothing."""
    return durations.since(value) if value is not None else ""
