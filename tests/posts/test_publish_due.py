"""The worker's cycle publishes scheduled posts when due, once, and records who did it (nobody)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from congdong.posts import actions
from congdong.posts.models import Post, PostState, PostTransition
from tests.posts.conftest import approved

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def scheduled(personas, pages, commune_approver):
    """Two approved Kinh Bắc posts, scheduled in one and in three hours."""
    editor = personas["kinhbac.canbo"]
    now = timezone.now()
    posts = []
    for delay in (1, 3):
        post = approved(editor, commune_approver, pages.kinh_bac)
        posts.append(actions.publish_or_schedule(editor, post.pk, publish_at=now + delay * HOUR))
    return now, posts


def test_publish_due_publishes_only_due_posts(scheduled):
    now, (soon, later) = scheduled
    assert actions.publish_due(now) == 0
    assert actions.publish_due(now + 2 * HOUR) == 1
    soon, later = Post.objects.get(pk=soon.pk), Post.objects.get(pk=later.pk)
    assert (soon.state, soon.published_at) == (PostState.PUBLISHED, now + 2 * HOUR)
    assert (later.state, later.published_at) == (PostState.SCHEDULED, None)


def test_publish_due_is_idempotent(scheduled):
    now, _posts = scheduled
    assert actions.publish_due(now + 4 * HOUR) == 2
    assert actions.publish_due(now + 4 * HOUR) == 0
    assert actions.publish_due(now + 5 * HOUR) == 0
    assert PostTransition.objects.filter(to_state=PostState.PUBLISHED).count() == 2


def test_publish_due_records_the_move_with_no_actor(scheduled):
    now, (soon, _later) = scheduled
    actions.publish_due(now + 2 * HOUR)
    last = soon.transitions.order_by("at", "pk").last()
    assert (last.from_state, last.to_state, last.actor, last.at) == (
        PostState.SCHEDULED,
        PostState.PUBLISHED,
        None,
        now + 2 * HOUR,
    )


def test_a_post_published_meanwhile_is_not_published_twice(scheduled, monkeypatch):
    now, (soon, later) = scheduled
    # Another worker claims `soon` after this one listed it: the conditional UPDATE skips it.
    real_filter = Post.objects.filter

    def racing_filter(*args, **kwargs):
        if kwargs.get("pk") == soon.pk and kwargs.get("state") == PostState.SCHEDULED:
            real_filter(pk=soon.pk).update(state=PostState.PUBLISHED)
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Post.objects, "filter", racing_filter)
    assert actions.publish_due(now + 4 * HOUR) == 1
    assert not soon.transitions.filter(to_state=PostState.PUBLISHED).exists()
    assert later.transitions.filter(to_state=PostState.PUBLISHED, actor=None).count() == 1


def test_an_overdue_post_is_published_and_a_hidden_one_is_not_republished(personas, scheduled):
    now, (soon, _later) = scheduled
    Post.objects.filter(pk=soon.pk).update(publish_at=now - HOUR)  # e.g. the worker was down
    assert actions.publish_due(now) == 1
    assert Post.objects.get(pk=soon.pk).state == PostState.PUBLISHED
    actions.hide(personas["kinhbac.canbo"], soon.pk, "Cần chỉnh lại ảnh")
    assert actions.publish_due(now + 10 * HOUR) == 1  # only `later`
    assert Post.objects.get(pk=soon.pk).state == PostState.HIDDEN
