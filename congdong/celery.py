"""The Celery app, for `celery -A congdong worker` and `celery -A congdong beat` (needs REDIS_URL).

Configuration is the `CELERY_*` block at the end of settings.py; the periodic schedule is the
job registry in `congdong.worker.jobs`, the same one the embedded worker runs.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congdong.settings")

app = Celery("congdong")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def schedule_jobs(sender: Celery, **kwargs: object) -> None:
    from congdong.worker.jobs import beat_schedule

    sender.conf.beat_schedule = beat_schedule()
