"""Background tasks for listening (periodic jobs in congdong/worker/jobs.py)."""

from __future__ import annotations

from congdong.celery import app


@app.task
def process_channel_events() -> int:
    """Turn stored webhook calls into the inbox's comments and messages."""
    from congdong.listening.actions import process_pending

    return process_pending()
