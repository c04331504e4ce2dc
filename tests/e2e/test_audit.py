"""Journey: a wrong password and then the right one for the Bắc Ninh admin; the admin records a
breach, opens the audit log from the workspace and finds the failed sign-in, the sign-in and
the breach; the Hà Nội admin's log shows none of them."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from congdong.audit.models import AuditEntry
from tests.e2e.test_province_admin_roles import staff_login, url_ending

pytestmark = pytest.mark.e2e


def test_province_admin_reads_the_log_of_the_province_and_another_province_does_not(
    page: Page, e2e_data, browser, live_server
):
    page.goto("/dang-nhap/")
    page.locator("input[name=username]").fill("bacninh.quantri")
    page.locator("input[name=password]").fill("sai-mat-khau")
    page.locator("main form button[type=submit]").click()
    staff_login(page, "bacninh.quantri")
    page.locator("#audit-link").click()
    expect(page).to_have_url(url_ending("/lam-viec/nhat-ky/"))
    table = page.locator("#audit-entries")
    expect(table.locator('tr[data-action="login_failed"]')).to_contain_text("bacninh.quantri")
    expect(table.locator('tr[data-action="login"]')).to_contain_text("Tỉnh Bắc Ninh")

    # Filter by action: only the failed sign-in stays.
    page.locator("input[name=action]").fill("login_failed")
    page.locator("#audit-filters button[type=submit]").click()
    expect(table.locator("tbody tr")).to_have_count(1)

    # Hà Nội's admin reads Hà Nội's log: only their own sign-in.
    other = browser.new_context(locale="vi-VN", base_url=live_server.url).new_page()
    staff_login(other, "hanoi.quantri")
    other.goto("/lam-viec/nhat-ky/")
    rows = other.locator("#audit-entries tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Đỗ Mạnh Cường")
    assert AuditEntry.objects.filter(actor_name__contains="bacninh.quantri").count() == 2
