"""Background tasks for personal data requests. Tasks take ids, never objects."""

from __future__ import annotations

from django.utils import timezone

from congdong.celery import app


@app.task
def notify_overdue_data_requests() -> int:
    """Mark and alarm requests not answered within their 2 working days."""
    from congdong.privacy.notices import notify_overdue

    return notify_overdue(timezone.now())
