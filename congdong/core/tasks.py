"""The worker's job for the overdue sweep. Tasks take ids, never objects."""

from __future__ import annotations

from congdong.celery import app


@app.task
def sweep_overdue() -> int:
    """Tell what each workflow tells when one of its graph's deadlines lapses."""
    from congdong.core.workflow.sweep import sweep_all

    return sum(sweep_all().values())
