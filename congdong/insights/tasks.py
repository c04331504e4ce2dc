"""Background tasks for insights. Tasks take ids, never objects, and re-read what they work on."""

from __future__ import annotations

from congdong import events
from congdong.celery import app


@app.task
def flush_events() -> int:
    """Write the events waiting in this process's buffer and (with Redis) in the stream;
    returns how many.

    Safe to run anywhere and any number of times at once: stream entries are acknowledged only
    after their rows are written, and rows already written are skipped.
    """
    return events.flush()


@app.task
def prune_events() -> int:
    """Delete raw events older than EVENTS_RETENTION_DAYS; returns how many."""
    import datetime

    from django.conf import settings
    from django.utils import timezone

    from congdong.insights import rollup

    keep_from = timezone.localdate() - datetime.timedelta(days=settings.EVENTS_RETENTION_DAYS)
    return rollup.prune(keep_from)


@app.task
def run_export(export_id: int) -> bool:
    """Make the file of one queued export (`insights.exports.jobs`); False if it was not
    queued any more (another worker or the sweep took it)."""
    from congdong.insights.exports import jobs

    return jobs.run_export(export_id)


@app.task
def run_exports() -> int:
    """The sweep: queued exports whose message was lost (or all, without a broker), stale
    runs, old files; returns how many exports it ran."""
    from congdong.insights.exports import jobs

    return jobs.run_exports()


@app.task
def import_channel_figures() -> int:
    """Import each working Facebook Page's and Zalo OA's figures up to yesterday (a daily
    job: a link imported up to yesterday is skipped); returns the days stored."""
    from congdong.insights.channel_import import import_due

    return import_due()
