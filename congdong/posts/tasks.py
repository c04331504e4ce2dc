"""Background tasks for posts. Tasks take ids, never objects, and re-read the rows."""

from __future__ import annotations

from django.utils import timezone

from congdong.celery import app
from congdong.posts import actions


@app.task
def publish_due_posts() -> int:
    """Publish every scheduled post that is due; returns how many this run published.

    A sweep: it reads the rows, so a lost or duplicated message loses or repeats nothing.
    """
    return actions.publish_due(timezone.now())


@app.task
def delete_stale_inline_pictures() -> int:
    """Delete pictures uploaded in the editor that no post took within a day (a sweep)."""
    return actions.delete_stale_inline_pictures(timezone.now())
