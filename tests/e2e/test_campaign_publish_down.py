"""Journey: the central editor publishes an approved central post down to every page below; the
compliance view counts them; a province admin opens it and sees only their province."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from congdong.accounts.models import Organisation
from congdong.accounts.roles import Role
from congdong.campaigns.models import Campaign
from congdong.pages.actions import do_establish_many
from congdong.pages.models import Page as CommunityPage
from congdong.posts.default_regulation import ensure_default_regulation
from congdong.units.models import Level, Unit
from tests.conftest import unit_2025
from tests.e2e.journeys import launch_publish_down, staff_opens
from tests.e2e.test_province_admin_roles import staff_login, url_ending
from tests.posts.conftest import approved, grant

pytestmark = pytest.mark.e2e
TITLE = "Ra quân làm sạch môi trường khu dân cư"


def test_the_central_editor_publishes_down_and_a_province_admin_sees_their_part(
    page: Page, e2e_data
):
    ensure_default_regulation()
    Organisation.objects.get_or_create(code=Organisation.Code.FRONT)
    centre = Unit.objects.get(structure__code="2025", code="TW")
    bac_ninh, ha_noi = unit_2025("24"), unit_2025("01")
    units = [centre, *Unit.objects.in_subtree(bac_ninh), *Unit.objects.in_subtree(ha_noi)]
    do_establish_many(units, opened_at=timezone.now())
    central_page = CommunityPage.objects.get(unit=centre)
    # Written by a second central editor, approved by tw.bientap: nobody approves their own.
    writer = grant("tw.phongvien", centre, Role.EDITOR)
    post = approved(writer, e2e_data["tw.bientap"], central_page)
    below = len(units) - 1
    in_bac_ninh = Unit.objects.in_subtree(bac_ninh).count()
    bac_ninh_communes = Unit.objects.in_subtree(bac_ninh).filter(level=Level.COMMUNE).count()

    # The central editor prepares the campaign from the workspace and launches it.
    staff_opens(page, "tw.bientap", "a[href='/lam-viec/chien-dich/']", "/lam-viec/chien-dich/")
    campaign = launch_publish_down(page, post)
    totals = page.locator("#compliance tfoot tr")
    expect(totals.locator(".total")).to_have_text(str(below))
    expect(totals.locator(".published")).to_have_text(str(below))
    expect(page.locator("#compliance tr[data-level=province] .published")).to_have_text("2")
    assert campaign.targets.count() == below

    # Anyone sees the copy on a commune page, marked as coming from the centre.
    commune = CommunityPage.objects.filter(unit__parent=bac_ninh).order_by("unit__path").first()
    page.goto(f"/trang/{commune.slug}/")
    expect(
        page.locator(f"#post-{campaign.targets.get(page=commune).copy_id} .origin")
    ).to_contain_text(centre.full_name)

    # The Bắc Ninh admin opens the campaign: only Bắc Ninh's pages are counted.
    page.context.clear_cookies()
    staff_login(page, "bacninh.quantri")
    page.goto("/lam-viec/chien-dich/")
    page.get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(url_ending(f"/lam-viec/chien-dich/{campaign.pk}/"))
    expect(page.locator("#scope-note")).to_be_visible()
    totals = page.locator("#compliance tfoot tr")
    expect(totals.locator(".total")).to_have_text(str(in_bac_ninh))
    expect(page.locator("#compliance tr[data-level=commune] .total")).to_have_text(
        str(bac_ninh_communes)
    )
    expect(page.locator("#compliance tr[data-level=province] .total")).to_have_text("1")
    expect(page.locator("form.launch")).to_have_count(0)

    # The central editor picks a target from the tree: searches "bac ninh" (no accents), ticks
    # Bắc Ninh, sees the count before launching, launches, then sees the table per province.
    second = approved(writer, e2e_data["tw.bientap"], central_page)
    page.context.clear_cookies()
    staff_login(page, "tw.bientap")
    page.goto("/lam-viec/chien-dich/")
    form = page.locator("#new-campaign")
    form.locator("select[name=post]").select_option(str(second.pk))
    form.locator("#picker-search").fill("bac ninh")
    found = page.locator(f"#picker-found input[value='{bac_ninh.pk}']")
    expect(found).to_be_visible()
    found.check()
    expect(page.locator("#picker-count")).to_have_text("Sẽ gửi tới 1 trang")
    form.locator("button[type=submit]:not([name])").click()
    picked = Campaign.objects.get(source_post=second)
    expect(page).to_have_url(url_ending(f"/lam-viec/chien-dich/{picked.pk}/"))
    page.locator("form.launch button").click()
    expect(page.locator(".msg.success")).to_be_visible()
    row = page.locator("#by-unit tr[data-unit='24']")
    expect(row.locator(".targets")).to_have_text("1")
    expect(row.locator(".done")).to_have_text("1")
    expect(page.locator("#by-unit tbody tr")).to_have_count(1)
    expect(row.locator(".median")).to_have_text("chưa đến 1 giây")  # in words, not 0:00:00
