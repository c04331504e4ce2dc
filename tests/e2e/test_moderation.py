"""Journey: three citizens report a comment (the third in the browser) → it disappears for
visitors → the province admin restores it from the moderation queue."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page, expect

from congdong.moderation import actions
from tests.e2e.journeys import commented_post
from tests.e2e.test_province_admin_roles import staff_login
from tests.engagement.conftest import citizen

pytestmark = pytest.mark.e2e
BODY = "Bình luận bị nhiều người báo cáo"


def sign_in_as(page: Page, user, base_url: str) -> None:
    """The browser carries a session of `user` (citizens' sign-in by SMS is tested elsewhere)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )


def test_three_reports_hide_a_comment_until_the_moderator_keeps_it(
    page: Page, e2e_data, live_server, browser
):
    post, comment = commented_post(BODY)
    for i in range(2):
        actions.report(citizen(f"+8491100001{i}", f"Người báo {i}"), "comment", comment.pk, "spam")
    post_url = reverse("posts:public", args=[post.page.slug, post.pk])

    # The third citizen reports in the browser, from the link under the comment.
    sign_in_as(page, citizen("+84911000020", "Người báo ba"), live_server.url)
    page.goto(post_url)
    page.locator(f"#c{comment.pk} a[data-op=report]").click()
    page.locator("input[name=reason][value=abuse]").check()
    page.locator("#report-form button[type=submit]").click()
    expect(page.locator(f"#c{comment.pk}")).to_have_count(0)

    # A visitor no longer sees it.
    visitor = browser.new_context(base_url=live_server.url).new_page()
    visitor.goto(post_url)
    expect(visitor.get_by_text(BODY)).to_have_count(0)

    # The province admin (MODERATE on Bắc Ninh) keeps it from the queue.
    page.context.clear_cookies()
    staff_login(page, "bacninh.quantri")
    page.goto("/lam-viec/kiem-duyet/")
    page.locator("#moderation-queue input[name=case]").first.check()
    page.locator("#moderation-queue select[name=decision]").select_option("keep")
    page.locator("#moderation-queue button[type=submit]").click()
    expect(page.locator("#queue-empty")).to_be_visible()

    visitor.goto(post_url)
    expect(visitor.get_by_text(BODY)).to_be_visible()
    visitor.context.close()
