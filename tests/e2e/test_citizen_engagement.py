"""Journey: a visitor finds a commune page without accents, signs up, follows, reacts, comments
and shares their referral link; a second person opens it; the feed shows the page's new post."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from congdong.accounts.models import User
from congdong.engagement.models import Comment, Follow, PageCounter, Reaction, ReferralOpen
from congdong.pages.actions import do_establish_many
from congdong.pages.models import Page as CommunityPage
from congdong.posts.default_regulation import ensure_default_regulation
from tests.conftest import commune_named, unit_2025
from tests.e2e.conftest import sign_in_by_phone
from tests.engagement.conftest import published

pytestmark = pytest.mark.e2e


@pytest.fixture
def kinh_bac(e2e_data) -> CommunityPage:
    ensure_default_regulation()
    units = [unit_2025("24"), commune_named("24", "Kinh Bắc")]
    do_establish_many(units, opened_at=timezone.now())
    return CommunityPage.objects.get(unit=units[1])


def test_visitor_finds_follows_reacts_comments_and_refers(
    page: Page, browser: Browser, live_server, kinh_bac, sms_outbox
):
    post = published(kinh_bac, "Ra quân làm sạch môi trường khu dân cư")

    # A visitor searches without accents and opens the commune page.
    page.goto("/")
    page.get_by_role("banner").get_by_role("link", name="Tìm kiếm").click()
    page.locator("#search-q").fill("bac ninh")
    found = page.locator("#search-found")
    expect(found.get_by_role("link", name=kinh_bac.name)).to_be_visible()
    found.get_by_role("link", name=kinh_bac.name).click()
    expect(page).to_have_url(re.compile(rf"/trang/{kinh_bac.slug}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(kinh_bac.name)

    # Following needs an account: sign up with a phone code, and come back to the page.
    page.locator("#follow-button").click()
    expect(page).to_have_url(re.compile(r"/cong-dan/\?next="))
    sign_in_by_phone(page, sms_outbox)
    expect(page).to_have_url(re.compile(rf"/trang/{kinh_bac.slug}/$"))

    page.locator("#follow-button").click()
    expect(page.locator("#follow-button")).to_have_attribute("aria-pressed", "true")
    expect(page.locator('[data-count="followers"]')).to_have_text("1")
    binh = User.objects.get(phone="+84987654321")
    assert Follow.objects.filter(user=binh, page=kinh_bac).exists()

    # React to the post and comment on it.
    page.get_by_role("link", name=post.title).first.click()
    like = page.locator('button.reaction[data-kind="like"]')
    like.click()
    expect(page.locator('button.reaction[data-kind="like"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator('[data-count="like"]')).to_have_text("1")
    assert Reaction.objects.get(user=binh, post=post).kind == "like"

    comment_box = page.locator("#binh-luan textarea").first
    comment_box.fill("Cảm ơn Mặt trận phường, tổ dân phố em sẽ tham gia đầy đủ.")
    page.locator("#binh-luan form button[type=submit]").first.click()
    expect(page.locator("#binh-luan")).to_contain_text("tổ dân phố em sẽ tham gia")
    assert Comment.objects.filter(author=binh, post=post).count() == 1

    # Copy the referral link of the page.
    page.goto(f"/trang/{kinh_bac.slug}/")
    page.locator("#share-button").click()
    link_field = page.locator("#share-link")
    expect(link_field).to_have_value(re.compile(r"\?gt=[a-z0-9]{8}$"))
    link = link_field.input_value()
    page.locator("#share-panel button[data-copy]").click()
    expect(page.locator("#share-note")).not_to_be_empty()

    # A second person opens the link: the page's referral count goes up by one.
    before = PageCounter.objects.get(page=kinh_bac).referrals
    other = browser.new_context(locale="vi-VN", base_url=live_server.url)
    try:
        stranger = other.new_page()
        stranger.goto(link)
        expect(stranger.get_by_role("heading", level=1)).to_have_text(kinh_bac.name)
    finally:
        other.close()
    assert PageCounter.objects.get(page=kinh_bac).referrals == before + 1
    assert ReferralOpen.objects.get(page=kinh_bac).referrer == binh
    page.reload()
    expect(page.locator('[data-count="referrals"]')).to_have_text(str(before + 1))

    # The page publishes a new post: it is at the top of the first citizen's feed.
    news = published(kinh_bac, "Lịch tiếp công dân tháng 12 của phường Kinh Bắc")
    page.get_by_role("banner").get_by_role("link", name="Bảng tin của tôi").click()
    first = page.locator("#feed article").first
    expect(first).to_contain_text(news.title)
    expect(page.locator("#feed")).to_contain_text(post.title)
