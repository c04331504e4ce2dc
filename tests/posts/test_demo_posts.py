"""The demo's posts: every state on real pages, made through the actions, created once."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.utils import timezone

from congdong.pages.actions import do_establish_many
from congdong.pages.models import PageStatus
from congdong.posts.models import POST_STATES, Post, PostState
from congdong.posts.rich_text import clean_html
from congdong.units.models import Level, Unit
from congdong_tools.demo import posts as demo_posts
from congdong_tools.demo.posts import OTHER_COMMUNES, ensure_posts
from tests.conftest import commune_named, demo_personas, unit_2025
from tests.worlds import module_world

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # builds demo data
S = PostState


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[tuple[list[Unit], int]]:
    """The demo's pages and posts, made once for the module (tests/worlds.py)."""
    with module_world(django_db_blocker), pytest.MonkeyPatch.context() as patch:
        demo_personas()
        kinh_bac = commune_named("24", "Kinh Bắc")
        others = (
            Unit.objects.in_subtree(unit_2025("24"))
            .filter(level=Level.COMMUNE)
            .exclude(pk=kinh_bac.pk)
            .order_by("path")[:OTHER_COMMUNES]
        )
        units = [unit_2025("TW"), unit_2025("01"), unit_2025("24"), kinh_bac, *others]
        do_establish_many(units, opened_at=timezone.now())
        # 14 posts a page rather than the demo's 25-70 keep every state on every page and
        # the suite fast; `congdong demo` itself (tests/core/test_project.py) writes the full
        # number.
        patch.setattr(demo_posts, "PER_PAGE", dict.fromkeys(demo_posts.PER_PAGE, 14))
        yield units, ensure_posts()


@pytest.fixture
def demo_pages(world) -> list[Unit]:
    """The pages the demo writes on, as `congdong demo` sets them up."""
    return world[0]


@pytest.fixture
def made(world) -> int:
    return world[1]


def test_posts_in_every_state_on_every_page(made, demo_pages):
    assert made == Post.objects.count() == 14 * len(demo_pages)
    for unit in demo_pages:
        states = set(Post.objects.filter(page__unit=unit).values_list("state", flat=True))
        assert states == set(S.values), unit


def test_every_post_has_its_history_of_allowed_moves(made):
    for post in Post.objects.prefetch_related("transitions"):
        moves = [(t.from_state, t.to_state) for t in post.transitions.all()]
        assert moves[0] == ("", S.DRAFT)
        assert moves[-1][1] == post.state
        for before, after in moves[1:]:
            assert after in POST_STATES.next_states(before), (post, moves)
        times = [t.at for t in post.transitions.all()]
        assert times == sorted(times) and times[-1] <= timezone.now()


def test_rejections_and_hiding_have_reasons(made):
    for post in Post.objects.filter(state__in=[S.REJECTED, S.HIDDEN]):
        assert len(post.transitions.order_by("-at", "-pk").first().reason) >= 5


def test_published_posts_are_on_active_pages_sanitised_and_spread_over_months(made):
    published = Post.objects.filter(state=S.PUBLISHED).select_related("page")
    assert published.count() >= 2 * 14  # published posts on several pages
    now = timezone.now()
    for post in published:
        assert post.page.status == PageStatus.ACTIVE
        assert clean_html(post.body) == post.body
        assert post.published_at <= now
        assert post.created_at <= post.published_at
    oldest = min(p.published_at for p in published)
    assert (now - oldest).days > 60


def test_scheduled_posts_are_due_in_the_next_days(made):
    now = timezone.now()
    for post in Post.objects.filter(state=S.SCHEDULED):
        assert now < post.publish_at < now + datetime.timedelta(days=8)


def test_ensure_posts_is_idempotent(made):
    count = Post.objects.count()
    assert ensure_posts() == 0
    assert Post.objects.count() == count
