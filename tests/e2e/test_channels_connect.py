"""Journey: a province admin connects Bắc Ninh's Facebook Page and Zalo OA (the fake platforms,
real HTTP on 127.0.0.1, consent clicked in the browser); both then show as verified official
channels on the public page."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from congdong.channels.backlinks import page_address
from congdong.channels.models import ChannelKind, ChannelLink
from congdong.pages.actions import do_establish_many
from congdong.pages.models import Page as CommunityPage
from tests.conftest import unit_2025
from tests.e2e.journeys import fake_platforms
from tests.e2e.test_province_admin_roles import staff_login, url_ending

pytestmark = pytest.mark.e2e


@pytest.fixture
def platforms(settings):
    with fake_platforms(settings) as (graph, zalo):
        yield graph, zalo


def test_province_admin_connects_facebook_and_zalo_and_both_show_verified(
    page: Page, e2e_data, platforms
):
    graph, zalo = platforms
    do_establish_many([unit_2025("24")], opened_at=timezone.now())
    record = CommunityPage.objects.get(unit=unit_2025("24"))
    address = page_address(record)  # the live server's address (SITE_URL)
    graph.add_user("9001", "Nguyễn Thị Lan")
    graph.add_page("1111", "MTTQ tỉnh Bắc Ninh (Facebook)", website=address, admins=["9001"])
    zalo.add_oa("4242", "MTTQ tỉnh Bắc Ninh (Zalo)", description=f"Trang chính thức: {address}")

    staff_login(page, "bacninh.quantri")
    expect(page).to_have_url(url_ending("/lam-viec/"))
    page.goto(f"/lam-viec/don-vi/{record.unit_id}/")
    page.get_by_role("link", name="Kênh chính thức").first.click()
    expect(page).to_have_url(url_ending(f"/lam-viec/trang/{record.pk}/kenh/"))
    expect(page.locator("#backlink-address")).to_have_text(address)

    # Facebook: the login dialog (the fake's), then back to choose the Page.
    page.locator("#connect-facebook").click()
    page.get_by_role("button", name="Continue as Nguyễn Thị Lan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chọn Trang Facebook")
    page.get_by_label("MTTQ tỉnh Bắc Ninh (Facebook)").check()
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(url_ending(f"/lam-viec/trang/{record.pk}/kenh/"))
    expect(page.locator("tr[data-kind=facebook] .badge.ok")).to_be_visible()

    # Zalo: the OA's consent page (the fake's), PKCE behind it.
    page.locator("#connect-zalo").click()
    page.get_by_role("button", name="Cho phép MTTQ tỉnh Bắc Ninh (Zalo)").click()
    expect(page).to_have_url(url_ending(f"/lam-viec/trang/{record.pk}/kenh/"))
    expect(page.locator("tr[data-kind=zalo] .badge.ok")).to_be_visible()
    assert set(ChannelLink.objects.current().values_list("kind", flat=True)) == {
        ChannelKind.FACEBOOK,
        ChannelKind.ZALO,
    }

    # The public page lists both under "Kênh chính thức".
    page.goto(f"/trang/{record.slug}/")
    section = page.locator("section.official-channels")
    expect(section.get_by_role("heading", level=2)).to_have_text("Kênh chính thức")
    expect(section.locator("li[data-channel=facebook] a")).to_have_text(
        "MTTQ tỉnh Bắc Ninh (Facebook)"
    )
    expect(section.locator("li[data-channel=zalo] a")).to_have_text("MTTQ tỉnh Bắc Ninh (Zalo)")
