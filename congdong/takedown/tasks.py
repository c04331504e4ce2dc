"""Background tasks for takedown requests. Tasks take ids, never objects."""

from __future__ import annotations

from django.utils import timezone

from congdong.celery import app


@app.task
def notify_overdue_takedowns() -> int:
    """Alarm the unit above (and the central unit) of requests not decided in time."""
    from congdong.takedown.notices import notify_overdue

    return notify_overdue(timezone.now())
