"""Background tasks for listening (periodic jobs in congdong/worker/jobs.py)."""

from __future__ import annotations

from congdong.celery import app


@app.task
def process_channel_events() -> int:
    """Turn stored webhook calls into the inbox's comments and messages."""
    from congdong.listening.actions import process_pending

    return process_pending()


@app.task
def prune_channel_messages() -> int:
    """Erase what people wrote once past its keeping time (docs/privacy.md)."""
    from congdong.listening.actions import erase_old_messages

    return erase_old_messages()


@app.task
def prune_channel_events() -> int:
    """Delete processed webhook bodies past their keeping time."""
    from congdong.listening.actions import prune_events

    return prune_events()
