"""Journey: the province admin approves a post for a time a few seconds ahead; it is not public
until then, and the embedded worker (as `congdong demo` runs it) publishes it at its time."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import Page, expect

from congdong.pages.actions import do_establish_many
from congdong.pages.models import Page as CommunityPage
from congdong.posts import actions
from congdong.posts.default_regulation import ensure_default_regulation
from congdong.posts.models import Post, PostState
from congdong.worker.loop import Loop, start_in_thread
from tests.conftest import commune_named
from tests.e2e.test_province_admin_roles import staff_login

pytestmark = pytest.mark.e2e
TITLE = "Lịch tiếp công dân tháng 12 của Ủy ban MTTQ phường"


def test_an_approved_post_is_published_at_its_time_by_the_worker(page: Page, e2e_data):
    ensure_default_regulation()
    kinh_bac = commune_named("24", "Kinh Bắc")
    do_establish_many([kinh_bac], opened_at=timezone.now())
    community = CommunityPage.objects.get(unit=kinh_bac)
    operator = get_user_model().objects.get(username="kinhbac.canbo")
    draft = actions.create_draft(
        operator,
        community.pk,
        {
            "category": "hoat-dong-mat-tran",
            "title": TITLE,
            "body": "<p>Thứ Năm hằng tuần, từ 8 giờ đến 11 giờ, tại trụ sở Ủy ban.</p>",
        },
    )
    actions.submit(operator, draft.pk)

    staff_login(page, "bacninh.quantri")
    page.goto("/lam-viec/duyet-tin/")
    item = page.locator(f"#post-{draft.pk}")
    when = timezone.localtime(timezone.now() + datetime.timedelta(seconds=4))
    field = item.locator("input[name=publish_at]")
    # The picker shows minutes; seconds are allowed so the test need not wait a whole minute.
    field.evaluate("el => el.step = 1")
    field.fill(when.strftime("%Y-%m-%dT%H:%M:%S"))
    item.locator("form.approve button").click()
    expect(page.locator(f"#post-{draft.pk}.done")).to_be_visible()
    post = Post.objects.get(pk=draft.pk)
    assert post.state == PostState.SCHEDULED
    assert abs((post.publish_at - when).total_seconds()) < 1

    page.goto(f"/trang/{community.slug}/")
    expect(page.get_by_role("link", name=TITLE)).to_have_count(0)  # not before its time

    loop, thread = start_in_thread(Loop(interval=0.5))
    try:
        for _ in range(40):  # bounded: at most about 20 s
            page.reload()
            if page.get_by_role("link", name=TITLE).count():
                break
            page.wait_for_timeout(500)
        expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    finally:
        loop.stop()
        thread.join(timeout=10)
    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED
    assert post.transitions.order_by("at", "pk").last().actor is None  # the worker's move
