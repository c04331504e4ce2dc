"""Background tasks for engagement. Tasks take ids or nothing, never objects, and re-read rows."""

from __future__ import annotations

import time

from django.utils import timezone

from congdong.celery import app
from congdong.engagement.actions import notifications


@app.task
def notify_followers(batch: int = notifications.NOTICE_BATCH, budget: float = 10.0) -> int:
    """Start notices for newly published posts, then step through their followers, a batch
    per post per step, until all are told or `budget` seconds have passed; returns how many
    notifications were written. What is left waits for the next run: the cursor is in the row.
    """
    notifications.open_notices(timezone.now())
    written = 0
    deadline = time.monotonic() + budget
    while True:
        step = notifications.advance_notices(batch, timezone.now())
        written += step
        if not step or time.monotonic() > deadline:
            return written


@app.task
def send_digests() -> int:
    """Send the daily digests that are due; returns how many were sent."""
    return notifications.send_digests(timezone.now())


@app.task
def deliver_notifications(ids: list[int]) -> int:
    """Send these notifications by SMS and email as their recipients chose; returns how many."""
    from congdong.engagement.actions import notify

    return notify.deliver(ids, timezone.now())


@app.task
def deliver_pending_notifications() -> int:
    """The sweep: send the notifications a lost task left behind; returns how many."""
    from congdong.engagement.actions import notify

    return notify.deliver_pending(timezone.now())
