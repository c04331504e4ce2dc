"""Journey: a citizen opens phường Kinh Bắc's page, signs in by phone on the way, sends feedback
with a photo, keeps the tracking code, and later reads the officer's answer on their item."""

from __future__ import annotations

import io
import re

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

from congdong.feedback import actions
from congdong.feedback.models import Category, Feedback
from congdong.pages.actions import do_establish_many
from congdong.pages.models import Page as CommunityPage
from congdong.posts.default_regulation import ensure_default_regulation
from tests.conftest import commune_named, unit_2025
from tests.e2e.conftest import sign_in_by_phone
from tests.e2e.journeys import send_publicly

pytestmark = pytest.mark.e2e
ANSWER = "Ủy ban phường đã cho san lấp, trải nhựa lại đoạn đường; đề nghị bà con đi lại an toàn."


@pytest.fixture
def kinh_bac(e2e_data) -> CommunityPage:
    ensure_default_regulation()
    # The live server's database is flushed between tests, seeded categories with it.
    Category.objects.get_or_create(
        slug="ha-tang-giao-thong", defaults={"name": "Hạ tầng, giao thông", "order": 1}
    )
    units = [unit_2025("24"), commune_named("24", "Kinh Bắc")]
    do_establish_many(units, opened_at=timezone.now())
    return CommunityPage.objects.get(unit=units[1])


def photo() -> dict:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (120, 90, 60)).save(out, "PNG")
    return {"name": "duong-sut-lun.png", "mimeType": "image/png", "buffer": out.getvalue()}


def test_citizen_sends_feedback_from_the_page_and_reads_the_answer(
    page: Page, live_server, kinh_bac, e2e_data, sms_outbox
):
    page.goto(f"/trang/{kinh_bac.slug}/")
    page.get_by_role("link", name="Gửi phản ánh, kiến nghị").click()

    # Sending needs a verified phone: sign up on the way, and come back to the form.
    expect(page).to_have_url(re.compile(r"/cong-dan/\?next="))
    sign_in_by_phone(page, sms_outbox)
    expect(page).to_have_url(re.compile(rf"/phan-anh/gui/\?don-vi={kinh_bac.unit_id}$"))
    expect(page.locator("#send-to")).to_contain_text("phường Kinh Bắc")

    # Forgetting the consent is refused with a message, and nothing is sent.
    page.get_by_label("Chuyên mục").select_option(label="Hạ tầng, giao thông")
    page.get_by_label("Nội dung phản ánh, kiến nghị").fill(
        "Đường liên thôn khu phố Đông bị sụt lún sau mưa lớn, xe máy đi lại rất nguy hiểm."
    )
    page.locator("#send-button").click()
    expect(page.locator("#id_consent_error")).to_contain_text("91/2025")
    assert not Feedback.objects.exists()

    page.get_by_label("Chuyên mục").select_option(label="Hạ tầng, giao thông")
    page.get_by_label("Ảnh hoặc tệp PDF (tối đa 5 tệp)").set_input_files(photo())
    page.get_by_label("Địa điểm (không bắt buộc)").fill("Ngõ 3, khu phố Đông")
    item = send_publicly(page)
    assert item.public and item.attachments.count() == 1
    expect(page.locator("#feedback-files")).to_contain_text("duong-sut-lun.png")

    # The commune's officer answers (through the actions, as the handling screen does).
    officer = e2e_data["kinhbac.canbo"]
    actions.accept(officer, item.pk)
    actions.assign(officer, item.pk, officer.pk)
    actions.answer(officer, item.pk, ANSWER)

    # Later the citizen finds it under "My feedback" and reads the answer.
    page.goto("/")
    page.locator("#my-feedback-link").click()
    page.get_by_role("link", name=item.code).click()
    expect(page.locator("#feedback-answer")).to_contain_text("trải nhựa lại")
    expect(page.locator("#close-button")).to_be_visible()
    page.locator("#close-button").click()
    expect(page.locator(".fb-state")).to_have_attribute("data-state", "closed")

    # The answer is on the unit's page, without who asked.
    page.goto(f"/trang/{kinh_bac.slug}/")
    answers = page.locator("#public-answers")
    expect(answers).to_contain_text("trải nhựa lại")
    expect(answers).not_to_contain_text("Trần Thị Bình")
    expect(answers).not_to_contain_text(item.code)
    # Anonymous visitors get cached copies of the page itself (at most a minute old until
    # answering bumps the page's cache version); the list of all answers is built afresh here.
    visitor = page.context.browser.new_context(locale="vi-VN", base_url=live_server.url)
    anonymous = visitor.new_page()
    anonymous.goto(f"/trang/{kinh_bac.slug}/tra-loi-phan-anh/")
    expect(anonymous.locator("#public-answers")).to_contain_text("trải nhựa lại")
    expect(anonymous.locator("main")).not_to_contain_text("Trần Thị Bình")
    visitor.close()
