"""The worker's job for the overdue sweep. Tasks take ids, never objects."""

from __future__ import annotations

from celery import shared_task


# A shared task (bound to the Celery app of the process that runs it): plumbing does not
# import the project's Celery app, which imports the worker's job registry.
@shared_task
def sweep_overdue() -> int:
    """Tell what each workflow tells when one of its graph's deadlines lapses."""
    from congdong.core.workflow.sweep import sweep_all

    return sum(sweep_all().values())
