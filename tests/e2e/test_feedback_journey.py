"""The journey of issue 6 §7, all through the browser, one person per browser context: a citizen
sends feedback to phường Kinh Bắc from its page; the commune officer accepts and escalates it;
the province answers; the citizen reads the answer (also published on the commune's page without
their name); the province analyst sees it counted in the people's situation, never its text or
code; an officer of another province can neither open it nor find it by its code."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from congdong.feedback.models import Category, FeedbackAccess, FeedbackState
from congdong.pages.actions import do_establish_many
from congdong.pages.models import Page as CommunityPage
from congdong.posts.default_regulation import ensure_default_regulation
from tests.conftest import commune_named, unit_2025
from tests.e2e.conftest import TIMEOUT_MS, sign_in_by_phone
from tests.e2e.journeys import (
    assign_and_answer,
    escalate_to_province,
    open_and_accept,
    open_situation,
    send_publicly,
)
from tests.e2e.test_province_admin_roles import staff_login, url_ending
from tests.engagement.conftest import citizen

pytestmark = pytest.mark.e2e
QUEUE = "/lam-viec/phan-anh/"
SENDER = "Phạm Thị Hoa"
TEXT = "Cống thoát nước trước chợ Kinh Bắc bị tắc, mỗi khi mưa nước tràn vào nhà dân hai bên đường."
REASON = "Cải tạo hệ thống thoát nước khu chợ thuộc dự án do tỉnh quản lý."
ANSWER = "Sở Xây dựng đã bố trí kinh phí nạo vét, cải tạo cống thoát nước khu chợ trong quý này."


@pytest.fixture
def person(browser: Browser, live_server) -> Iterator[Callable[[], Page]]:
    """A new browser context (its own cookies) per person of the journey, in Vietnamese."""
    contexts: list[BrowserContext] = []

    def new_person() -> Page:
        context = browser.new_context(locale="vi-VN", base_url=live_server.url)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield new_person
    for context in contexts:
        context.close()


@pytest.fixture
def kinh_bac(e2e_data) -> CommunityPage:
    """Pages open for Bắc Ninh and phường Kinh Bắc, the feedback categories, and a citizen."""
    ensure_default_regulation()
    # The live server's database is flushed between tests, the seeded categories with it.
    Category.objects.get_or_create(
        slug="ha-tang-giao-thong", defaults={"name": "Hạ tầng, giao thông", "order": 1}
    )
    Category.objects.get_or_create(slug="moi-truong", defaults={"name": "Môi trường", "order": 2})
    units = [unit_2025("24"), commune_named("24", "Kinh Bắc")]
    do_establish_many(units, opened_at=timezone.now())
    citizen("+84987654321", SENDER)
    return CommunityPage.objects.get(unit=units[1])


def test_feedback_from_a_commune_to_the_province_answer(
    person, kinh_bac: CommunityPage, e2e_data, sms_outbox, settings
):
    # One item is followed end to end: the situation shows its exact counts with the
    # aggregate-only rule off (k = 1; tests/security/test_opinion_aggregate.py checks the rule).
    settings.OPINION_MIN_SENDERS = 1
    commune, province = kinh_bac.unit, unit_2025("24")

    # 1. The citizen sends feedback from the commune's page, signing in by phone on the way.
    sender = person()
    sender.goto(f"/trang/{kinh_bac.slug}/")
    sender.get_by_role("link", name="Gửi phản ánh, kiến nghị").click()
    expect(sender).to_have_url(re.compile(r"/cong-dan/\?next="))
    sign_in_by_phone(sender, sms_outbox, new=None)
    expect(sender).to_have_url(re.compile(rf"/phan-anh/gui/\?don-vi={commune.pk}$"))
    expect(sender.locator("#send-to")).to_contain_text("phường Kinh Bắc")
    sender.get_by_label("Chuyên mục").select_option(label="Hạ tầng, giao thông")
    sender.get_by_label("Nội dung phản ánh, kiến nghị").fill(TEXT)
    item = send_publicly(sender)
    assert (item.unit, item.public, item.state) == (commune, True, FeedbackState.RECEIVED)
    item_url = f"/lam-viec/phan-anh/{item.pk}/"

    # 2. The commune officer finds it in the queue, accepts it and escalates it with a reason.
    officer = person()
    staff_login(officer, "kinhbac.canbo")
    expect(officer).to_have_url(url_ending("/lam-viec/"))
    officer.locator("#feedback-work a").click()
    expect(officer).to_have_url(url_ending(QUEUE))
    open_and_accept(officer, item, "chợ Kinh Bắc")
    escalate_to_province(officer, item, REASON)

    # 3. The province admin assigns it to themself and answers it.
    admin = person()
    staff_login(admin, "bacninh.quantri")
    expect(admin).to_have_url(url_ending("/lam-viec/"))
    admin.goto(QUEUE)
    admin.get_by_role("link", name=item.code).click()
    expect(admin).to_have_url(url_ending(item_url))
    expect(admin.locator("#history tr[data-action=escalate]")).to_contain_text("tỉnh quản lý")
    bacninh_admin = e2e_data["bacninh.quantri"]
    assign_and_answer(admin, bacninh_admin, ANSWER)
    expect(admin.locator("#item-answer")).to_contain_text("nạo vét")
    item.refresh_from_db()
    assert (item.state, item.unit, item.answered_by) == (
        FeedbackState.ANSWERED,
        province,
        bacninh_admin,
    )

    # 4. The citizen opens their item and reads the answer; it is on the commune's page,
    # without their name or the code, for them and for an anonymous visitor.
    sender.goto("/")
    sender.locator("#my-feedback-link").click()
    sender.get_by_role("link", name=item.code).click()
    expect(sender.locator(".fb-state")).to_have_attribute("data-state", "answered")
    expect(sender.locator("#feedback-answer")).to_contain_text("nạo vét")
    expect(sender.locator("#feedback-history tr[data-action=escalate]")).to_be_visible()
    for reader in (sender, person()):
        reader.goto(f"/trang/{kinh_bac.slug}/")
        answers = reader.locator("#public-answers")
        expect(answers).to_contain_text("nạo vét")
        expect(answers).to_contain_text("chợ Kinh Bắc")
        expect(answers).not_to_contain_text(SENDER)
        expect(answers).not_to_contain_text(item.code)

    # 5. The province analyst sees it counted in the people's situation, and nothing of it.
    analyst = person()
    open_situation(analyst, "bacninh.thongke", province.pk)
    roads = analyst.locator("#category-table tr[data-category=ha-tang-giao-thong]")
    expect(roads.locator(".sent")).to_have_text("1")
    expect(roads.locator(".answered")).to_have_text("1")
    expect(roads.locator(".open")).to_have_text("0")
    total = analyst.locator("#category-table tr[data-category=total]")
    expect(total.locator(".sent")).to_have_text("1")
    expect(total.locator(".answered")).to_have_text("1")
    expect(analyst.locator("#state-table tr[data-state=answered] td")).to_have_text("1")
    body = analyst.locator("main").inner_text()
    assert TEXT not in body and ANSWER not in body
    assert item.code not in body and SENDER not in body

    # 6. An officer of Hà Nội: the not-found page at its addresses, nothing by its code.
    stranger = person()
    staff_login(stranger, "hanoi.quantri")
    expect(stranger).to_have_url(url_ending("/lam-viec/"))
    for address in (item_url, f"/phan-anh/{item.pk}/"):
        response = stranger.goto(address)
        assert response is not None and response.status == 404
        expect(stranger.locator("h1")).to_have_text("Không tìm thấy trang")
        expect(stranger.locator("main")).not_to_contain_text("chợ Kinh Bắc")
    stranger.goto(QUEUE)
    expect(stranger.get_by_role("link", name=item.code)).to_have_count(0)
    stranger.goto("/phan-anh/tra-cuu/")
    stranger.locator("#track-form input[name=code]").fill(item.code)
    stranger.locator("#track-form button[type=submit]").click()
    expect(stranger).to_have_url(re.compile(r"/phan-anh/tra-cuu/\?code="))
    expect(stranger.locator("#track-not-found")).to_be_visible()
    expect(stranger.locator("main")).not_to_contain_text("chợ Kinh Bắc")
    expect(stranger.get_by_role("link", name=item.code)).to_have_count(0)

    # Decree 356/2025: the readings of the item are logged, the two handling officers' only.
    readers = set(FeedbackAccess.objects.filter(feedback=item).values_list("user__username"))
    assert readers == {("kinhbac.canbo",), ("bacninh.quantri",)}
