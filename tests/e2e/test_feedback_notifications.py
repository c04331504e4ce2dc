"""Issue 16.3 in the browser: a citizen sends feedback to phường Kinh Bắc; the commune's officer
finds it in the bell, follows the notification to the item and answers it; the citizen sees the
bell count, reads "answered" in Vietnamese, follows it to the answer, and got the SMS too. An
officer of another province is told nothing."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from congdong.engagement.models import Notification
from congdong.feedback.models import Feedback
from congdong.worker.jobs import JOBS
from congdong.worker.loop import run_job
from tests.e2e.conftest import sign_in_by_phone
from tests.e2e.test_feedback_journey import kinh_bac, person  # noqa: F401 (fixtures)
from tests.e2e.test_province_admin_roles import staff_login, url_ending

pytestmark = pytest.mark.e2e
TEXT = "Đèn chiếu sáng ngõ 12 phố Kinh Bắc hỏng cả tuần nay, buổi tối đi lại rất nguy hiểm."
DELIVERY = next(job for job in JOBS if job.name == "deliver-notifications")
ANSWER = "Phường đã cho thay bóng đèn ngõ 12 ngày hôm qua; cảm ơn bà đã phản ánh."


def test_the_citizen_and_the_officer_are_told_through_the_bell(
    person,  # noqa: F811
    kinh_bac,  # noqa: F811
    e2e_data,
    sms_outbox,
    settings,
):
    settings.SITE_URL = "http://congdong.test"  # the SMS links, checked below
    commune = kinh_bac.unit

    # 1. The citizen sends feedback to the commune; the receipt is in their bell at once.
    sender = person()
    sender.goto(f"/phan-anh/gui/?don-vi={commune.pk}")
    sign_in_by_phone(sender, sms_outbox, new=None)
    expect(sender).to_have_url(re.compile(rf"/phan-anh/gui/\?don-vi={commune.pk}$"))
    sender.get_by_label("Chuyên mục").select_option(label="Hạ tầng, giao thông")
    sender.get_by_label("Nội dung phản ánh, kiến nghị").fill(TEXT)
    sender.get_by_label(re.compile("^Tôi đồng ý")).check()
    sender.locator("#send-button").click()
    expect(sender.locator("#tracking-code")).to_have_text(re.compile(r"^PA-"))
    item = Feedback.objects.get()

    # 2. The commune officer: the bell counts the new item; the notification leads to it.
    officer = person()
    staff_login(officer, "kinhbac.canbo")
    expect(officer).to_have_url(url_ending("/lam-viec/"))
    expect(officer.locator("#bell .badge")).to_be_visible()
    officer.locator("#bell").click()
    expect(officer).to_have_url(url_ending("/thong-bao/"))
    new = officer.locator("#notifications li[data-kind=feedback_new]")
    expect(new).to_contain_text(f"Phản ánh mới {item.code}")
    expect(new).to_contain_text("phường Kinh Bắc")
    new.get_by_role("link").click()
    expect(officer).to_have_url(url_ending(f"/lam-viec/phan-anh/{item.pk}/"))
    officer.locator("#move-accept button[type=submit]").click()
    expect(officer.locator("#item-state")).to_have_attribute("data-state", "accepted")
    officer.locator("#move-answer textarea[name=answer]").fill(ANSWER)
    officer.locator("#move-answer button[type=submit]").click()
    expect(officer.locator("#item-state")).to_have_attribute("data-state", "answered")

    # 3. The citizen: the bell shows the news; "answered" leads to the answer.
    sender.goto("/")
    expect(sender.locator("#bell .badge")).to_have_text("3")  # received, accepted, answered
    sender.locator("#bell").click()
    answered = sender.locator("#notifications li[data-kind=feedback_answered]")
    expect(answered).to_contain_text(f"đã trả lời phản ánh {item.code} của bạn")
    expect(sender.locator("#notifications li[data-kind=feedback_accepted]")).to_be_visible()
    answered.get_by_role("link").click()
    expect(sender).to_have_url(url_ending(f"/phan-anh/{item.pk}/"))
    expect(sender.locator("#feedback-answer")).to_contain_text("thay bóng đèn")
    sender.goto("/")
    expect(sender.locator("#bell .badge")).to_have_count(0)  # seen

    # The SMS, sent by the worker's job: one per step, the last one linking the answer.
    assert run_job(DELIVERY).result == 3  # the officer has no mobile number: the bell only
    messages = [json.loads(line) for line in sms_outbox.read_text("utf-8").splitlines()]
    steps = [m["text"] for m in messages if item.code in m["text"]]
    assert len(steps) == 3
    assert steps[-1].endswith(f"http://congdong.test/phan-anh/{item.pk}/")

    # 4. An officer of another province was told nothing, and sees nothing in the bell.
    assert not Notification.objects.filter(recipient=e2e_data["hanoi.quantri"]).exists()
    stranger = person()
    staff_login(stranger, "hanoi.quantri")
    stranger.goto("/thong-bao/")
    expect(stranger.locator("#notifications")).to_have_count(0)
