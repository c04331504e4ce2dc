"""Background tasks for syndication (periodic jobs in congdong/worker/jobs.py)."""

from __future__ import annotations

from congdong.celery import app

# A run claims and sends for at most this long: the embedded worker runs its jobs one after
# the other, and the other sweeps must not wait long.
SEND_BUDGET = 10.0


@app.task
def fan_out_campaigns() -> int:
    """Queue the deliveries of newly launched publish-down campaigns."""
    from congdong.syndication.actions import fan_out

    return fan_out()


@app.task
def send_deliveries() -> int:
    """Send due deliveries (one sender per platform, each paced by its platform); returns how
    many went out."""
    from congdong.syndication.actions import send_due

    return send_due(budget=SEND_BUDGET)


@app.task
def detect_reshares() -> int:
    """Complete reshare tasks done on the pages' Facebook Pages (found in their feeds)."""
    from congdong.syndication.actions import detect_reshares as sweep

    return sweep()
