"""Journey: a commune operator drafts and submits a post; the province admin sends it back with
a reason; the operator revises and resubmits; the admin approves and publishes it now; the
post is on the public page."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from congdong.pages.actions import do_establish_many
from congdong.pages.models import Page as CommunityPage
from congdong.posts.default_regulation import ensure_default_regulation
from congdong.posts.models import Post, PostState
from tests.conftest import commune_named, unit_2025
from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.journeys import new_post_form, staff_opens
from tests.e2e.test_province_admin_roles import staff_login, url_ending

pytestmark = pytest.mark.e2e
TITLE = "Ra quân làm sạch môi trường khu dân cư"
REASON = "Cần ghi rõ thời gian và địa điểm"


def test_a_post_is_sent_back_revised_approved_and_published(
    page: Page, browser: Browser, live_server, e2e_data
):
    ensure_default_regulation()
    kinh_bac_unit = commune_named("24", "Kinh Bắc")
    do_establish_many([kinh_bac_unit, unit_2025("24")], opened_at=timezone.now())
    kinh_bac = CommunityPage.objects.get(unit=kinh_bac_unit)

    # The commune operator drafts and submits from the editor's desk.
    staff_opens(page, "kinhbac.canbo", "a[href='/lam-viec/tin-bai/']", "/lam-viec/tin-bai/")
    form = new_post_form(page, kinh_bac, TITLE)
    form.get_by_role("textbox", name="Nội dung").fill("Các khu dân cư đã ra quân dọn vệ sinh.")
    form.locator("button[name=submit]").click()
    post = Post.objects.get()
    expect(page).to_have_url(url_ending(f"/lam-viec/tin-bai/{post.pk}/"))
    expect(page.locator(".msg.success")).to_be_visible()
    assert (post.state, post.author.username) == (PostState.SUBMITTED, "kinhbac.canbo")

    # The province admin, in another browser, sends it back with a reason (htmx).
    admin_context = browser.new_context(locale="vi-VN", base_url=live_server.url)
    admin_context.set_default_timeout(TIMEOUT_MS)
    admin = admin_context.new_page()
    staff_login(admin, "bacninh.quantri")
    admin.goto("/lam-viec/duyet-tin/")
    item = admin.locator(f"#post-{post.pk}")
    expect(item.get_by_role("heading", name=TITLE)).to_be_visible()
    item.locator("textarea[name=reason]").fill(REASON)
    item.locator("form.reject button").click()
    expect(admin.locator(f"#post-{post.pk}.done")).to_be_visible()
    post.refresh_from_db()
    assert post.state == PostState.REJECTED
    assert post.transitions.order_by("at", "pk").last().reason == REASON

    # The operator sees the reason on the desk, revises the post and sends it again.
    page.goto("/lam-viec/tin-bai/")
    expect(page.locator(f"#post-{post.pk} .reason")).to_contain_text(REASON)
    page.locator(f"#post-{post.pk} a").click()
    expect(page).to_have_url(url_ending(f"/lam-viec/tin-bai/{post.pk}/"))
    edit = page.locator("#edit-post")
    edit.get_by_role("textbox", name="Nội dung").fill(
        "Sáng Chủ nhật lúc 7 giờ, tại nhà văn hoá khu phố, bà con đã ra quân."
    )
    edit.locator("button[name=submit]").click()
    expect(page.locator(".msg.success")).to_be_visible()
    post.refresh_from_db()
    assert post.state == PostState.SUBMITTED
    assert "nhà văn hoá" in post.body

    # The admin approves it and publishes it now.
    admin.goto("/lam-viec/duyet-tin/")
    admin.locator(f"#post-{post.pk} form.approve button").click()
    expect(admin.locator(f"#post-{post.pk}.done")).to_be_visible()
    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED
    assert post.published_at is not None
    admin_context.close()

    # Anyone sees it on the public page, and at its own address.
    page.goto(f"/trang/{kinh_bac.slug}/")
    link = page.get_by_role("link", name=TITLE)
    expect(link).to_be_visible()
    link.click()
    expect(page).to_have_url(url_ending(f"/trang/{kinh_bac.slug}/tin/{post.pk}/"))
    expect(page.get_by_text("nhà văn hoá khu phố")).to_be_visible()
