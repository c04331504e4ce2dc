"""Background tasks for citizen feedback. Tasks take ids, never objects."""

from __future__ import annotations

from django.utils import timezone

from congdong.celery import app
from congdong.feedback import actions


@app.task
def close_answered_feedback() -> int:
    """Close answered items the sender neither closed nor reopened in time; returns how many."""
    return actions.close_answered(timezone.now())
