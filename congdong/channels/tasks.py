"""Background tasks for channels (periodic jobs in congdong/worker/jobs.py)."""

from __future__ import annotations

from congdong.celery import app


@app.task
def refresh_channel_tokens() -> int:
    """Refresh Zalo access tokens before they expire (each refresh is claimed on its row)."""
    from congdong.channels.actions import refresh_due_zalo_tokens

    return refresh_due_zalo_tokens()


@app.task
def check_channel_tokens() -> int:
    """Check links not checked for a day; expire Facebook tokens past their date."""
    from congdong.channels.actions import check_tokens

    return check_tokens()
