"""Journey: a commune officer turns on two-step sign-in (QR code, key, confirming code, ten
recovery codes), signs out, and signs in again with password and a code from the app; the
pages run under the strict CSP with no violation. Codes are computed as the phone would."""

from __future__ import annotations

import time

import pyotp
import pytest
from playwright.sync_api import Page, expect

from congdong.twofactor.models import Authenticator
from tests.e2e.test_csp import violations, watch_csp
from tests.e2e.test_province_admin_roles import staff_login, url_ending

pytestmark = pytest.mark.e2e


def test_officer_turns_on_two_step_sign_in_and_signs_in_with_a_code(page: Page, e2e_data):
    console = watch_csp(page)
    staff_login(page, "kinhbac.canbo")
    expect(page).to_have_url(url_ending("/lam-viec/"))

    page.locator("#twofactor-link").click()
    page.get_by_role("button", name="Thiết lập đăng nhập hai bước").click()
    expect(page.locator("#twofactor-setup svg.qr")).to_be_visible()
    secret = page.locator("#twofactor-secret").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)

    # A wrong code first: refused, nothing turned on.
    page.locator("input[name=code]").fill("000000" if totp.now() != "000000" else "111111")
    page.get_by_role("button", name="Xác nhận và bật").click()
    expect(page.locator(".error")).to_contain_text("Mã không đúng")
    assert not Authenticator.objects.filter(confirmed_at__isnull=False).exists()

    page.locator("input[name=code]").fill(totp.now())
    page.get_by_role("button", name="Xác nhận và bật").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    assert violations(page, console) == []

    page.get_by_role("button", name="Đăng xuất").click()
    staff_login(page, "kinhbac.canbo")
    expect(page).to_have_url(url_ending("/dang-nhap/ma-xac-thuc/"))
    page.goto("/lam-viec/")  # not signed in yet: back to the login
    expect(page).to_have_url(url_ending("/dang-nhap/?next=/lam-viec/"))

    staff_login(page, "kinhbac.canbo")
    # The next step's code: the one used to confirm cannot be used again.
    page.locator("input[name=code]").fill(totp.at(time.time() + 30))
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(url_ending("/lam-viec/"))
    expect(page.locator("h1")).to_contain_text("Đơn vị")
    assert violations(page, console) == []
