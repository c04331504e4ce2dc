"""The counts a page shows, changed by the actions in the transaction of the row they count."""

from __future__ import annotations

from django.db.models import F

from congdong.engagement.models import PageCounter


def bump(page_id: int, **deltas: int) -> None:
    """Add `deltas` (e.g. followers=1) to the page's counters, never below zero."""
    PageCounter.objects.get_or_create(page_id=page_id)
    counters = PageCounter.objects.filter(page_id=page_id)
    for name, delta in deltas.items():
        if delta < 0:
            counters = counters.filter(**{f"{name}__gte": -delta})
    counters.update(**{name: F(name) + delta for name, delta in deltas.items()})
