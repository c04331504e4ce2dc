"""Background tasks for campaigns. Tasks take ids, never objects, and re-read the rows."""

from __future__ import annotations

from django.utils import timezone

from congdong.campaigns import actions
from congdong.celery import app


@app.task
def mark_overdue_targets() -> int:
    """Mark every pending target past its campaign's deadline overdue; returns how many.

    A sweep over the rows: a lost or repeated message loses or repeats nothing.
    """
    return actions.mark_overdue(timezone.now())
