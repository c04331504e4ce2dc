"""The embedded loop: runs the registered jobs in a thread, survives a failing job."""

from __future__ import annotations

import logging

import pytest

from congdong.celery import app
from congdong.posts.models import PostState
from congdong.worker.jobs import JOBS, Job, beat_schedule
from congdong.worker.loop import Loop, start_in_thread
from tests.worker.conftest import eventually, state

PUBLISH = next(job for job in JOBS if job.name == "publish-due-posts")
BROKEN = Job("broken", "tests.worker.test_loop.explode")


def explode() -> int:
    raise RuntimeError("boom")


@pytest.mark.django_db
def test_a_failing_job_is_reported_and_the_next_job_still_runs(due_and_future, caplog):
    due, _future = due_and_future
    broken, published = Loop([BROKEN, PUBLISH]).run_once()
    assert "boom" in broken.error
    assert (published.error, published.result) == ("", 1)
    assert state(due) == PostState.PUBLISHED
    assert "worker job broken failed" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_the_embedded_thread_publishes_a_due_post(due_and_future):
    due, future = due_and_future
    loop, thread = start_in_thread(Loop(interval=0.05))
    try:
        assert eventually(lambda: state(due) == PostState.PUBLISHED)
    finally:
        loop.stop()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert state(future) == PostState.SCHEDULED


@pytest.mark.django_db(transaction=True)
def test_the_embedded_thread_keeps_going_after_a_job_fails(due_and_future, caplog):
    due, _future = due_and_future
    caplog.set_level(logging.ERROR, logger="congdong.worker")

    def failures() -> int:
        return sum(record.getMessage() == "worker job broken failed" for record in caplog.records)

    loop, thread = start_in_thread(Loop([BROKEN, PUBLISH], interval=0.05))
    try:
        # Two failures of the same job: the loop went round again after the first.
        assert eventually(lambda: failures() >= 2 and state(due) == PostState.PUBLISHED)
    finally:
        loop.stop()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_celery_beat_runs_the_same_jobs_every_interval(settings):
    assert set(beat_schedule()) == {job.name for job in JOBS}
    entry = app.conf.beat_schedule["publish-due-posts"]
    assert entry["task"] == "congdong.posts.tasks.publish_due_posts"
    assert entry["schedule"] == settings.WORKER_INTERVAL
