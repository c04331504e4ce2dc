"""A real Celery worker, started as a process against Redis and the test database.

Runs when REDIS_URL is set and the database is one another process can open (PostgreSQL):
CI's PostgreSQL pass sets REDIS_URL=redis://127.0.0.1:6379/15.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from celery.exceptions import TimeoutError as CeleryTimeout
from django.conf import settings
from django.db import connection

from congdong.posts.models import PostState
from congdong.posts.tasks import publish_due_posts
from tests.worker.conftest import state

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="REDIS_URL is not set: the Celery worker test needs a Redis broker",
    ),
    pytest.mark.django_db(transaction=True),
]


def database_url() -> str:
    """The URL of the test database pytest-django created, for the worker process."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(str(db['PASSWORD']), safe='')}" if db["PASSWORD"] else ""
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{quote(db['NAME'], safe='')}"


@pytest.fixture
def celery_queue(transactional_db, tmp_path) -> Iterator[str]:
    """A Celery worker process consuming a queue of its own; yields the queue's name.

    A queue per test keeps other test runs that share the Redis database from taking (or
    giving) messages meant for this one.
    """
    if connection.vendor != "postgresql":
        pytest.skip(
            f"the test database is {connection.vendor} (in memory under pytest): a Celery "
            "worker process cannot open it; this test runs in the PostgreSQL pass"
        )
    queue = f"congdong-test-{uuid.uuid4().hex}"
    log = tmp_path / "celery.log"
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "congdong.settings",
        "DATABASE_URL": database_url(),
        "CONGDONG_DATA_DIR": str(settings.DATA_DIR),
    }
    command = [
        *(sys.executable, "-m", "celery", "-A", "congdong", "worker", "--pool=solo"),
        *("--queues", queue, "--hostname", f"{queue}@%h", "--loglevel=INFO"),
        *("--without-gossip", "--without-mingle", "--without-heartbeat"),
    ]
    with log.open("w") as output:
        worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    try:
        yield queue
    finally:
        worker.terminate()  # warm shutdown: a task under way finishes first
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        # Shown by pytest only when the test failed.
        print(log.read_text(encoding="utf-8"))


def answer_of(result):
    """What the worker answered to the task sent, waiting at most 60 s."""
    try:
        return result.get(timeout=60)
    except CeleryTimeout:
        pytest.fail("the Celery worker did not answer within 60 s (its log is below)")
    finally:
        result.forget()


def test_a_celery_worker_publishes_the_due_post(due_and_future, celery_queue):
    due, future = due_and_future
    published = answer_of(publish_due_posts.apply_async(queue=celery_queue))
    assert published == 1
    assert (state(due), state(future)) == (PostState.PUBLISHED, PostState.SCHEDULED)
    assert due.transitions.filter(to_state=PostState.PUBLISHED, actor=None).count() == 1


@pytest.fixture
def sms_file(tmp_path, monkeypatch, settings) -> Path:
    """SMS of this process and of the worker process (started after this) land in one file."""
    path = tmp_path / "sms.jsonl"
    monkeypatch.setenv("CONGDONG_SMS_BACKEND", "congdong.accounts.sms.FileBackend")
    monkeypatch.setenv("CONGDONG_SMS_FILE", str(path))
    settings.SMS_BACKEND, settings.SMS_FILE_PATH = "congdong.accounts.sms.FileBackend", path
    return path


def test_a_celery_worker_sends_the_sms_of_a_feedback_step_once(
    due_and_future, sms_file, celery_queue
):
    from congdong.engagement.models import Notification, NotificationKind
    from congdong.engagement.tasks import deliver_notifications
    from congdong.feedback import actions as feedback
    from congdong.feedback.models import Category
    from tests.conftest import commune_named
    from tests.engagement.conftest import citizen

    category, _new = Category.objects.get_or_create(
        slug="ha-tang-giao-thong", defaults={"name": "Hạ tầng, giao thông", "order": 1}
    )
    sender = citizen("+84912000777", "Nguyễn Văn An")
    text = "Đèn đường ngõ 5 hỏng đã hai tuần, đề nghị sửa sớm."
    item = feedback.submit(
        sender, commune_named("24", "Kinh Bắc").pk, category.pk, text, public=False, consent=True
    )
    told = Notification.objects.filter(recipient=sender, kind=NotificationKind.FEEDBACK_RECEIVED)
    ids = list(told.values_list("pk", flat=True))
    for attempt in range(2):  # a retried message sends nothing more
        sent = answer_of(deliver_notifications.apply_async(args=[ids], queue=celery_queue))
        assert sent == (1 if attempt == 0 else 0)
    (line,) = sms_file.read_text(encoding="utf-8").splitlines()
    assert item.code in line and sender.phone in line
