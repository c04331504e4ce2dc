"""`congdong worker --once` runs every job one time and says what each did."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from congdong.posts.models import PostState
from tests.worker.conftest import state

pytestmark = pytest.mark.django_db


def test_worker_once_publishes_the_due_post_and_leaves_the_future_one(due_and_future):
    due, future = due_and_future
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    assert "publish-due-posts: 1 " in out.getvalue()
    assert (state(due), state(future)) == (PostState.PUBLISHED, PostState.SCHEDULED)
    assert due.transitions.filter(to_state=PostState.PUBLISHED, actor=None).count() == 1


def test_worker_once_again_finds_nothing_to_do(due_and_future):
    call_command("worker", "--once", stdout=StringIO())
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    assert "publish-due-posts: 0 " in out.getvalue()
