"""Journey: a province admin sets up a commune's page, fills its profile and opens it;
the public directory then links to it with the verified badge."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from congdong.pages.models import Page as CommunityPage
from congdong.pages.models import PageStatus
from tests.conftest import commune_named, unit_2025
from tests.e2e.test_province_admin_roles import staff_login, url_ending

pytestmark = pytest.mark.e2e


def test_province_admin_sets_up_and_opens_a_commune_page(page: Page, e2e_data):
    kinh_bac = commune_named("24", "Kinh Bắc")
    staff_login(page, "bacninh.quantri")
    expect(page).to_have_url(url_ending("/lam-viec/"))

    page.goto(f"/lam-viec/don-vi/{kinh_bac.pk}/")
    page.locator(f"form[action$='/don-vi/{kinh_bac.pk}/lap-trang/'] button").click()
    record = CommunityPage.objects.get(unit=kinh_bac)
    expect(page).to_have_url(url_ending(f"/lam-viec/trang/{record.pk}/"))

    # A name outside the rule is refused with a message next to the field.
    page.locator("input[name=name]").fill("Trang tin phường")
    page.locator("main form:not([action]) button[type=submit]").click()
    expect(page.locator("#id_name_error")).to_be_visible()
    assert CommunityPage.objects.get(pk=record.pk).name == (
        "Mặt trận Tổ quốc Việt Nam phường Kinh Bắc"
    )

    page.locator("input[name=name]").fill("Mặt trận Tổ quốc Việt Nam phường Kinh Bắc")
    page.locator("textarea[name=description]").fill("Trang chính thức của Ủy ban MTTQ phường.")
    page.locator("input[name=contact_phone]").fill("0222 3822 123")
    page.locator("main form:not([action]) button[type=submit]").click()
    expect(page.locator(".msg.success")).to_be_visible()

    page.locator("form[action$='/trang-thai/'] button").click()
    expect(page.locator(".msg.success")).to_be_visible()
    record.refresh_from_db()
    assert record.status == PageStatus.ACTIVE
    assert record.description == "Trang chính thức của Ủy ban MTTQ phường."

    # The public directory now links to the page, which shows the verified badge.
    page.goto(f"/don-vi/{unit_2025('24').pk}/")
    link = page.locator(f"a[href='/trang/{record.slug}/']")
    expect(link).to_be_visible()
    link.click()
    expect(page).to_have_url(re.compile(re.escape(f"/trang/{record.slug}/") + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Mặt trận Tổ quốc Việt Nam phường Kinh Bắc"
    )
    expect(page.locator(".cover .badge.ok")).to_be_visible()
    expect(page.get_by_text("0222 3822 123")).to_be_visible()
