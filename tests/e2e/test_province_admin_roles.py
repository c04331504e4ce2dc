"""Journey B: a province admin grants a role below them, and is refused in another province."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from congdong.accounts.models import Membership, Organisation
from congdong.accounts.roles import Role
from congdong.units.models import Level, Unit
from congdong_tools.demo.personas import DEMO_PASSWORD
from tests.conftest import commune_named, unit_2025

pytestmark = pytest.mark.e2e


def workspace_url(unit: Unit) -> str:
    return f"/lam-viec/don-vi/{unit.pk}/"


def grant_url(unit: Unit) -> str:
    return f"/lam-viec/don-vi/{unit.pk}/cap-quyen/"


def url_ending(path: str) -> re.Pattern[str]:
    return re.compile(re.escape(path) + r"$")


def staff_login(page: Page, username: str) -> None:
    page.goto("/dang-nhap/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()


def a_hanoi_commune() -> Unit:
    hanoi = unit_2025("01")
    return Unit.objects.in_subtree(hanoi).filter(level=Level.COMMUNE).order_by("path").first()


def test_province_admin_grants_role_below_and_is_refused_elsewhere(page: Page, e2e_data):
    tiendu = e2e_data["tiendu.canbo"]
    admin = e2e_data["bacninh.quantri"]
    bac_ninh = unit_2025("24")
    kinh_bac = commune_named("24", "Kinh Bắc")

    # Log in with username and password; the workspace lists Bắc Ninh.
    staff_login(page, "bacninh.quantri")
    expect(page).to_have_url(url_ending("/lam-viec/"))
    units_table = page.get_by_role("table")
    province_link = units_table.get_by_role("link", name="Tỉnh Bắc Ninh", exact=True)
    expect(province_link).to_be_visible()
    province_link.click()
    expect(page).to_have_url(url_ending(workspace_url(bac_ninh)))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tỉnh Bắc Ninh")

    # Find the commune with the htmx search box, typed without accents.
    page.get_by_role("search").get_by_role("searchbox").press_sequentially("kinh bac")
    result = page.locator("#unit-results").get_by_role("link", name="Phường Kinh Bắc", exact=True)
    expect(result).to_be_visible()
    expect(page.locator("#unit-results").get_by_role("link")).to_have_count(1)
    result.click()
    expect(page).to_have_url(url_ending(workspace_url(kinh_bac)))
    expect(page.get_by_role("heading", level=1)).to_have_text("Phường Kinh Bắc")

    # Grant "editor" to tiendu.canbo there.
    grant_form = page.locator(f"form[action^='{grant_url(kinh_bac)}']")
    grant_form.locator("input[name=username]").fill("tiendu.canbo")
    grant_form.locator("select[name=role]").select_option("editor")
    grant_form.locator("button[type=submit]").click()

    expect(page).to_have_url(url_ending(workspace_url(kinh_bac)))
    success = page.locator(".messages .msg.success")
    expect(success).to_contain_text("Phường Kinh Bắc")
    expect(success).to_contain_text(tiendu.full_name)
    new_row = page.get_by_role("row").filter(has_text="(tiendu.canbo)")
    expect(new_row).to_have_count(1)
    expect(new_row.get_by_role("cell").nth(2)).to_have_text("Phường Kinh Bắc")

    membership = Membership.objects.get(user=tiendu)
    assert membership.unit == kinh_bac
    assert membership.role == Role.EDITOR
    assert membership.organisation.code == Organisation.Code.FRONT
    assert membership.granted_by == admin

    # A commune of Hà Nội is outside the admin's subtree: not found, naming nothing (16.12).
    hanoi_commune = a_hanoi_commune()
    response = page.goto(workspace_url(hanoi_commune))
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("main")).not_to_contain_text(hanoi_commune.full_name)
    expect(page.locator("#unit-q")).to_have_count(0)
    expect(page.locator("form[action$='/cap-quyen/']")).to_have_count(0)

    # Granting there, with the admin's session and a valid CSRF token, is refused too.
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    refused = page.request.post(
        grant_url(hanoi_commune),
        form={"username": "tiendu.canbo", "role": "editor", "organisation": "mttq"},
        headers={"X-CSRFToken": csrf},
    )
    # The refusal comes from the scope check (not found), not from CSRF (which answers 403).
    assert refused.status == 404
    assert hanoi_commune.full_name not in refused.text()
    assert not Membership.objects.filter(unit=hanoi_commune).exists()
    assert list(Membership.objects.filter(user=tiendu)) == [membership]


def test_skip_link_is_the_first_focusable_element(page: Page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    expect(skip).to_be_focused()
    expect(skip).to_have_attribute("href", "#main")
    focused_text = page.evaluate("document.activeElement.textContent.trim()")
    assert focused_text == skip.text_content().strip()
    assert focused_text

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
