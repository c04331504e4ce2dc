"""Journey: the Bắc Ninh province admin records an authority's takedown request against a
comment on the page of phường Kinh Bắc, sees the 24-hour timer, removes the content, and the
comment is gone for a visitor."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from congdong.engagement.models import CommentState
from congdong.takedown.models import TakedownRequest, TakedownState
from tests.e2e.journeys import commented_post, staff_opens
from tests.e2e.test_province_admin_roles import url_ending

pytestmark = pytest.mark.e2e
BODY = "Bình luận xuyên tạc, kích động chống phá chính quyền địa phương"


def test_province_admin_records_a_request_acts_and_the_comment_disappears(
    page: Page, e2e_data, browser, live_server
):
    post, comment = commented_post(BODY)
    post_url = reverse("posts:public", args=[post.page.slug, post.pk])

    # A visitor reads the comment (the page is now in the shared cache too).
    visitor = browser.new_context(locale="vi-VN", base_url=live_server.url).new_page()
    visitor.goto(post_url)
    expect(visitor.locator(f"#c{comment.pk}")).to_contain_text(BODY)

    # From the workspace to the intake form.
    staff_opens(page, "bacninh.quantri", "#takedown-work a", "/lam-viec/yeu-cau-go-bo/")
    page.locator("#intake-link").click()

    # A first try without the legal basis is refused in Vietnamese, nothing recorded.
    form = page.locator("#intake-form")
    form.locator("input[name=authority]").fill("Sở Thông tin và Truyền thông tỉnh Bắc Ninh")
    form.locator("input[name=reference]").fill("123/STTTT-TTĐT")
    form.locator("select[name=target_kind]").select_option("comment")
    form.locator("input[name=target_id]").fill(str(comment.pk))
    form.locator("button[type=submit]").click()
    expect(page.locator("#id_legal_basis_error")).to_contain_text("căn cứ pháp lý")
    assert TakedownRequest.objects.count() == 0
    page.locator("textarea[name=legal_basis]").fill("Nghị định 147/2024/NĐ-CP, Điều 23")
    page.locator("#intake-form button[type=submit]").click()

    item = TakedownRequest.objects.get()
    expect(page).to_have_url(url_ending(f"/lam-viec/yeu-cau-go-bo/{item.pk}/"))
    expect(page.locator("#item-timer")).to_contain_text("còn 23 giờ")
    expect(page.locator("#item-snapshot")).to_contain_text(BODY)

    # Remove the content, saying what was done.
    page.locator("#act-note").fill("Đã ẩn bình luận, báo cáo Sở bằng văn bản.")
    page.locator("#move-act button[type=submit]").click()
    expect(page.locator("#item-state")).to_have_attribute("data-state", TakedownState.ACTIONED)
    expect(page.locator("#item-action")).to_contain_text("Đã ẩn bình luận khỏi trang")
    expect(page.locator("#history tbody tr")).to_have_count(2)
    comment.refresh_from_db()
    assert comment.state == CommentState.HIDDEN

    # The visitor, reloading, no longer sees it.
    visitor.goto(post_url)
    expect(visitor.locator("h1")).to_be_visible()
    expect(visitor.locator(f"#c{comment.pk}")).to_have_count(0)
    expect(visitor.get_by_text(BODY)).to_have_count(0)
    visitor.context.close()
