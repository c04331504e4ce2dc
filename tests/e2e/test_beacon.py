"""Journey: a visitor scrolls a page's posts; beacon.js reports the ones that stayed on screen,
and they become FEED_SEEN events. A browser sending Global Privacy Control reports nothing."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import Page

from congdong import events
from congdong.events import EventKind
from congdong.insights.models import Event
from congdong.insights.tasks import flush_events
from congdong.pages.actions import do_establish_many
from congdong.pages.models import Page as CommunityPage
from congdong.posts import actions
from congdong.posts.default_regulation import ensure_default_regulation
from congdong.posts.models import Post
from tests.conftest import commune_named
from tests.worker.conftest import eventually

pytestmark = pytest.mark.e2e


def published_posts(count: int) -> tuple[CommunityPage, list[Post]]:
    ensure_default_regulation()
    kinh_bac = commune_named("24", "Kinh Bắc")
    do_establish_many([kinh_bac], opened_at=timezone.now())
    community = CommunityPage.objects.get(unit=kinh_bac)
    users = get_user_model().objects
    editor, admin = users.get(username="kinhbac.canbo"), users.get(username="bacninh.quantri")
    posts = []
    for number in range(count):
        draft = actions.create_draft(
            editor,
            community.pk,
            {
                "category": "hoat-dong-mat-tran",
                "title": f"Tin hoạt động số {number + 1}",
                "body": "<p>Nội dung.</p>" * 30,  # long cards: the last is far down the page
            },
        )
        actions.submit(editor, draft.pk)
        actions.approve(admin, draft.pk)
        posts.append(actions.publish_or_schedule(editor, draft.pk))
    return community, posts


def clear_events() -> None:
    events._state.pending.clear()
    if settings.REDIS_URL:
        events._redis().delete(events.STREAM)


def seen_post_ids() -> set[int]:
    flush_events()
    return set(Event.objects.filter(kind=EventKind.FEED_SEEN).values_list("post_id", flat=True))


def test_posts_scrolled_into_view_are_counted_as_seen(page: Page, e2e_data):
    community, posts = published_posts(6)
    clear_events()
    oldest = posts[0]  # listed last, newest first
    page.goto(f"/trang/{community.slug}/")
    card = page.locator(f'[data-cd-seen-post="{oldest.pk}"]')
    assert card.count() == 1
    card.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)  # on screen for over a second
    page.goto("about:blank")  # leaving the page sends the batch (pagehide)

    assert eventually(lambda: oldest.pk in seen_post_ids())
    rows = Event.objects.filter(kind=EventKind.FEED_SEEN, post_id=oldest.pk)
    assert list(rows.values_list("page_id", flat=True)) == [community.pk]  # once per page load


def test_a_browser_with_global_privacy_control_sends_nothing(page: Page, e2e_data):
    community, posts = published_posts(2)
    clear_events()
    page.add_init_script(
        "Object.defineProperty(navigator, 'globalPrivacyControl', {get: () => true})"
    )
    beacons: list[str] = []
    page.on(
        "request",
        lambda request: beacons.append(request.url) if "/su-kien/" in request.url else None,
    )
    page.goto(f"/trang/{community.slug}/")
    page.locator(f'[data-cd-seen-post="{posts[0].pk}"]').scroll_into_view_if_needed()
    page.wait_for_timeout(1500)
    page.goto("about:blank")
    page.wait_for_timeout(500)
    assert beacons == []
    assert seen_post_ids() == set()
