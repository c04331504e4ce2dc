"""Background tasks of the breach register. Tasks take ids, never objects."""

from __future__ import annotations

from django.utils import timezone

from congdong.celery import app


@app.task
def alarm_overdue_breaches() -> int:
    """Raise the alarm once for each breach whose authority was not notified in time."""
    from congdong.breaches.alarms import alarm_overdue

    return alarm_overdue(timezone.now())
