"""Background tasks for insights. Tasks take ids, never objects, and re-read what they work on."""

from __future__ import annotations

from congdong.celery import app
from congdong.insights import events


@app.task
def flush_events() -> int:
    """Write the events waiting in this process's buffer and (with Redis) in the stream;
    returns how many.

    Safe to run anywhere and any number of times at once: stream entries are acknowledged only
    after their rows are written, and rows already written are skipped.
    """
    return events.flush()
