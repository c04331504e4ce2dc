"""Journey A: a citizen signs up (or logs in) with a phone number and a one-time code."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from playwright.sync_api import Page, expect

from congdong.accounts.models import AccountKind, PhoneCode, User
from congdong_tools.demo.personas import CITIZEN
from tests.conftest import last_code

pytestmark = pytest.mark.e2e

PHONE_START = re.compile(r"/cong-dan/$")
PHONE_VERIFY = re.compile(r"/cong-dan/xac-minh/$")
PROFILE = re.compile(r"/cong-dan/ho-so/$")
HOME = re.compile(r"^http://[^/]+/$")


def outbox_messages(outbox) -> list[dict]:
    if not outbox.exists():
        return []
    return [json.loads(line) for line in outbox.read_text(encoding="utf-8").splitlines()]


def wrong_code(right: str) -> str:
    """Another 6-digit code (the digits of the right one, each moved by one)."""
    return "".join(str((int(d) + 1) % 10) for d in right)


def open_citizen_sign_in(page: Page) -> None:
    page.goto("/")
    page.get_by_role("banner").locator("a[href='/cong-dan/']").click()
    expect(page).to_have_url(PHONE_START)


def send_code(page: Page, phone: str) -> None:
    page.locator("input[name=phone]").fill(phone)
    page.locator("main form button[type=submit]").click()


def enter_code(page: Page, code: str) -> None:
    page.locator("input[name=code]").fill(code)
    page.locator("main form button[type=submit]").click()


def test_new_citizen_signs_up_with_phone_code_and_profile(page: Page, e2e_data, sms_outbox):
    open_citizen_sign_in(page)

    # A malformed number: an error on the phone field, and no SMS is sent.
    send_code(page, "12345")
    expect(page).to_have_url(PHONE_START)
    phone_error = page.locator(".field.invalid").get_by_role("alert")
    expect(phone_error).to_be_visible()
    expect(phone_error).to_contain_text("12345")  # the message quotes what was typed
    expect(page.locator("input[name=phone]")).to_have_value("12345")
    assert outbox_messages(sms_outbox) == []
    assert not PhoneCode.objects.exists()

    # A valid new number: one code is sent to it.
    send_code(page, "0987 654 321")
    expect(page).to_have_url(PHONE_VERIFY)
    messages = outbox_messages(sms_outbox)
    assert [m["phone"] for m in messages] == ["+84987654321"]
    code = last_code(sms_outbox)

    # A wrong code is refused and counted; the citizen stays on the code step.
    enter_code(page, wrong_code(code))
    expect(page).to_have_url(PHONE_VERIFY)
    code_error = page.locator(".field.invalid").get_by_role("alert")
    expect(code_error).to_be_visible()
    expect(code_error).to_contain_text("4")  # "Wrong code. 4 tries left."
    assert PhoneCode.objects.get(phone="+84987654321").attempts == 1
    assert not User.objects.filter(phone="+84987654321").exists()

    # The right code leads a new number to the profile step.
    enter_code(page, code)
    expect(page).to_have_url(PROFILE)
    assert not User.objects.filter(phone="+84987654321").exists()

    page.locator("input[name=full_name]").fill("Trần Thị Bình")
    page.locator("input[name=date_of_birth]").fill("1995-03-08")
    page.locator("input[name=consent]").check()  # Law 91/2025: explicit, never pre-ticked
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(HOME)
    expect(page.get_by_role("banner").locator(".who")).to_have_text("Trần Thị Bình")
    expect(page.locator(".messages .msg.success")).to_contain_text("Trần Thị Bình")
    # Logged in: the header offers "log out" instead of the sign-in links.
    expect(page.get_by_role("banner").locator("a[href='/cong-dan/']")).to_have_count(0)

    user = User.objects.get(phone="+84987654321")
    assert user.kind == AccountKind.CITIZEN
    assert user.full_name == "Trần Thị Bình"
    assert user.date_of_birth == datetime.date(1995, 3, 8)
    assert user.phone_verified_at is not None
    assert not user.has_usable_password()
    assert PhoneCode.objects.get(phone="+84987654321").used_at is not None


def test_existing_citizen_logs_in_without_profile_step(page: Page, e2e_data, sms_outbox):
    citizen = User.objects.get(phone=CITIZEN["phone"])
    accounts_before = User.objects.count()
    visited: list[str] = []
    page.on("framenavigated", lambda frame: visited.append(frame.url))

    open_citizen_sign_in(page)
    send_code(page, "0912 345 678")
    expect(page).to_have_url(PHONE_VERIFY)
    assert [m["phone"] for m in outbox_messages(sms_outbox)] == [CITIZEN["phone"]]

    enter_code(page, last_code(sms_outbox))

    expect(page).to_have_url(HOME)
    expect(page.get_by_role("banner").locator(".who")).to_have_text(CITIZEN["full_name"])
    assert not any(PROFILE.search(url) for url in visited), visited
    assert User.objects.count() == accounts_before
    citizen.refresh_from_db()
    assert citizen.last_login is not None  # the demo citizen had never logged in
