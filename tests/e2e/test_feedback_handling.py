"""Journey: a citizen's feedback to phường Kinh Bắc is accepted and escalated by the commune
officer, assigned and answered by the Bắc Ninh admin; an officer of Hà Nội cannot open it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from congdong.feedback import actions
from congdong.feedback.models import Category, Feedback, FeedbackState
from tests.conftest import commune_named, unit_2025
from tests.e2e.journeys import assign_and_answer, escalate_to_province, open_and_accept
from tests.e2e.test_province_admin_roles import staff_login, url_ending
from tests.engagement.conftest import citizen

pytestmark = pytest.mark.e2e
QUEUE = "/lam-viec/phan-anh/"
TEXT = "Đèn chiếu sáng trên đường Kinh Dương Vương bị hỏng cả tuần nay, buổi tối rất tối."
ANSWER = "Tỉnh đã chỉ đạo Công ty chiếu sáng thay bóng đèn trong tuần này."


def test_the_commune_accepts_and_escalates_and_the_province_answers(page: Page, e2e_data):
    # The live server's database is flushed between tests: the seeded categories too.
    category, _new = Category.objects.get_or_create(
        slug="ha-tang-giao-thong", defaults={"name": "Hạ tầng, giao thông"}
    )
    kinh_bac = commune_named("24", "Kinh Bắc")
    sender = citizen("+84912000099", "Nguyễn Văn An")
    item = actions.submit(
        sender, kinh_bac.pk, category.pk, TEXT, public=True, consent=True, urgent=False
    )
    item_url = f"/lam-viec/phan-anh/{item.pk}/"

    # The commune officer finds it from the workspace, accepts it and escalates it.
    staff_login(page, "kinhbac.canbo")
    expect(page).to_have_url(url_ending("/lam-viec/"))
    expect(page.locator("#feedback-work")).to_contain_text("1")
    page.locator("#feedback-work a").click()
    expect(page).to_have_url(url_ending(QUEUE))
    open_and_accept(page, item, "Kinh Dương Vương")
    expect(page.locator(".msg.success")).to_be_visible()
    escalate = page.locator("#move-escalate")
    escalate.locator("textarea[name=reason]").fill("x")
    escalate.locator("button[type=submit]").click()
    # Too short a reason: refused on the form, still here and accepted.
    expect(page.locator("#move-escalate [role=alert]")).to_be_visible()
    expect(page.locator("#item-state")).to_have_attribute("data-state", "accepted")
    escalate_to_province(page, item, "Việc thay đèn đường thuộc thẩm quyền của tỉnh.")

    # The province admin assigns it to themself and answers.
    page.context.clear_cookies()
    staff_login(page, "bacninh.quantri")
    page.goto(QUEUE)
    page.get_by_role("link", name=item.code).first.click()
    expect(page).to_have_url(url_ending(item_url))
    province = e2e_data["bacninh.quantri"]
    assign_and_answer(page, province, ANSWER)
    expect(page.locator("#item-answer")).to_contain_text("Công ty chiếu sáng")
    expect(page.locator("#history tr[data-action=escalate]")).to_contain_text("thẩm quyền của tỉnh")
    done = Feedback.objects.get(pk=item.pk)
    assert (done.state, done.unit, done.answered_by) == (
        FeedbackState.ANSWERED,
        unit_2025("24"),
        province,
    )

    # An officer of Hà Nội gets the not-found page on the same address.
    page.context.clear_cookies()
    staff_login(page, "hanoi.quantri")
    response = page.goto(item_url)
    assert response is not None and response.status == 404
    expect(page.locator("#item-text")).to_have_count(0)
