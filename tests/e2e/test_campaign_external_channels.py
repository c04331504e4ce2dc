"""Journey: the central editor launches a publish-down whose target pages have Facebook Pages
and a Zalo OA (the fake platforms, real HTTP on 127.0.0.1); the embedded worker (as
`congdong demo` runs it) delivers, and the compliance view shows each external post's link."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from congdong.accounts.models import Organisation
from congdong.accounts.roles import Role
from congdong.pages.actions import do_establish_many
from congdong.pages.models import Page as CommunityPage
from congdong.posts.default_regulation import ensure_default_regulation
from congdong.syndication.models import Delivery
from congdong.units.models import Unit
from congdong.worker.jobs import JOBS
from congdong.worker.loop import Loop, start_in_thread
from tests.conftest import commune_named, unit_2025
from tests.e2e.journeys import fake_platforms, launch_publish_down
from tests.e2e.test_province_admin_roles import staff_login
from tests.posts.conftest import approved, grant
from tests.syndication.conftest import facebook_page, zalo_oa

pytestmark = pytest.mark.e2e


@pytest.fixture
def platforms(settings):
    with fake_platforms(settings) as (graph, zalo):
        settings.CHANNEL_JITTER = 0
        yield graph, zalo


def test_the_central_editor_publishes_down_to_external_channels_and_watches_delivery(
    page: Page, e2e_data, platforms
):
    graph, zalo = platforms
    ensure_default_regulation()
    Organisation.objects.get_or_create(code=Organisation.Code.FRONT)
    centre = Unit.objects.get(structure__code="2025", code="TW")
    bac_ninh, kinh_bac = unit_2025("24"), commune_named("24", "Kinh Bắc")
    do_establish_many([centre, bac_ninh, kinh_bac], opened_at=timezone.now())
    pages = {p.unit_id: p for p in CommunityPage.objects.all()}
    facebook_page(graph, pages[bac_ninh.pk], "2400")
    zalo_oa(zalo, pages[bac_ninh.pk], "2490")
    facebook_page(graph, pages[kinh_bac.pk], "2411")
    writer = grant("tw.phongvien", centre, Role.EDITOR)
    post = approved(writer, e2e_data["tw.bientap"], pages[centre.pk])

    staff_login(page, "tw.bientap")
    page.goto("/lam-viec/chien-dich/")
    launch_publish_down(page, post)

    jobs = [job for job in JOBS if job.task.startswith("congdong.syndication.")]
    loop, thread = start_in_thread(Loop(jobs, interval=0.5))
    try:
        for _ in range(40):  # bounded: at most about 20 s
            if Delivery.objects.filter(state="sent").count() == 3:
                break
            page.wait_for_timeout(500)
    finally:
        loop.stop()
        thread.join(timeout=20)
    page.reload()
    counts = page.locator("#delivery-counts")
    expect(counts.locator("tr[data-kind=facebook] td").nth(2)).to_have_text("2")  # sent
    expect(counts.locator("tr[data-kind=zalo] td").nth(2)).to_have_text("1")
    row = page.locator(f"#delivery-targets tr[data-unit='{kinh_bac.code}']")
    [posted] = graph.posts("2411")
    expect(row.locator(f"a[href='https://www.facebook.com/{posted.id}']")).to_be_visible()
    expect(row.locator("[data-state=sent]")).to_have_count(1)  # Facebook sent; no Zalo OA
    assert kinh_bac.full_name in posted.message or pages[kinh_bac.pk].name in posted.message
    assert len(zalo.broadcasts("2490")) == 1
