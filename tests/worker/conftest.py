"""A due and a future scheduled post on phường Kinh Bắc, for tests of the worker."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable

import pytest
from django.utils import timezone

from congdong.accounts.roles import Role
from congdong.pages.actions import do_establish_many
from congdong.pages.models import Page
from congdong.posts import actions
from congdong.posts.default_regulation import ensure_default_regulation
from congdong.posts.models import Post, PostState
from congdong.units.actions import do_import_structure
from congdong.units.models import Unit
from congdong_tools.demo.personas import ensure_personas
from tests.conftest import commune_named
from tests.posts.conftest import approved, grant

HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def due_and_future(db) -> tuple[Post, Post]:
    """Two approved, scheduled Kinh Bắc posts: one overdue by a minute, one due in an hour.

    Works in transactional tests too, which may find the session's units flushed by an
    earlier transactional test (tests/e2e): then Bắc Ninh and Hà Nội are imported again.
    """
    if not Unit.objects.filter(structure__code="2025", code="24").exists():
        do_import_structure("2025", provinces={"24", "01"})
    editor = {user.username: user for _persona, user in ensure_personas()}["kinhbac.canbo"]
    ensure_default_regulation()
    unit = commune_named("24", "Kinh Bắc")
    do_establish_many([unit], opened_at=timezone.now())
    page = Page.objects.get(unit=unit)
    approver = grant("kinhbac.duyettin", unit, Role.APPROVER)
    now = timezone.now()
    due, future = (
        actions.publish_or_schedule(
            editor, approved(editor, approver, page).pk, publish_at=now + HOUR
        )
        for _ in range(2)
    )
    # publish_or_schedule only takes future times; the worker finds this one overdue.
    Post.objects.filter(pk=due.pk).update(publish_at=now - datetime.timedelta(minutes=1))
    return due, future


def state(post: Post) -> PostState:
    return Post.objects.values_list("state", flat=True).get(pk=post.pk)


def eventually(check: Callable[[], bool], seconds: float = 10.0) -> bool:
    """Whether `check()` became true within `seconds` (polled; no timing is asserted)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()
