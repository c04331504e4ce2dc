"""Journey: the Bắc Ninh analyst opens the figures dashboard, sees only Bắc Ninh, exports it as
XLSX and PDF (made by the embedded worker), and opens a commune without a page from the
coverage drill-down."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from congdong import events
from congdong.events import EventKind
from congdong.pages.actions import do_establish_many
from congdong.pages.models import Page as CommunityPage
from congdong.units.models import Level, Unit
from congdong.worker.jobs import Job
from congdong.worker.loop import Loop, start_in_thread
from tests.conftest import commune_named, unit_2025
from tests.e2e.test_province_admin_roles import staff_login, url_ending

pytestmark = pytest.mark.e2e
# Only the export sweep, every half second: the journey waits on nothing else.
EXPORTS = Job("run-exports", "congdong.insights.tasks.run_exports", every=0.5)


def dashboard_url(unit: Unit) -> str:
    return f"/lam-viec/thong-ke/{unit.pk}/"


@pytest.fixture
def figures(e2e_data) -> dict[str, CommunityPage]:
    """Pages for Bắc Ninh, two of its communes and Hà Nội, with a few days of events."""
    bac_ninh, ha_noi = unit_2025("24"), unit_2025("01")
    kinh_bac = commune_named("24", "Kinh Bắc")
    other = Unit.objects.filter(parent=bac_ninh).exclude(pk=kinh_bac.pk).order_by("path").first()
    units = [bac_ninh, kinh_bac, other, ha_noi]
    do_establish_many(units, opened_at=timezone.now() - datetime.timedelta(days=20))
    pages = {p.unit_id: p for p in CommunityPage.objects.filter(unit__in=units)}
    tz = timezone.get_current_timezone()
    made = []
    for days_ago in range(1, 8):
        when = datetime.datetime.combine(
            timezone.localdate() - datetime.timedelta(days=days_ago), datetime.time(9), tz
        )
        for n in range(days_ago):
            made.append(
                events.make(EventKind.PAGE_VIEW, pages[kinh_bac.pk].pk, visitor=f"v{n}", at=when)
            )
        made.append(events.make(EventKind.PAGE_VIEW, pages[bac_ninh.pk].pk, visitor="u1", at=when))
        made.append(events.make(EventKind.PAGE_VIEW, pages[ha_noi.pk].pk, visitor="u2", at=when))
    made.append(events.make(EventKind.FOLLOW, pages[kinh_bac.pk].pk, user_id=1, visitor="u1"))
    events.submit(made)
    events.flush()
    return {"bac_ninh": pages[bac_ninh.pk], "kinh_bac": pages[kinh_bac.pk]}


def download_export(page: Page, button: str) -> bytes:
    """Start an export from the dashboard, wait for the worker to make it, download it."""
    page.get_by_test_id(button).click()
    expect(page.get_by_test_id("export-progress")).to_be_visible()
    link = page.get_by_test_id("export-download")
    expect(link).to_be_visible(timeout=30_000)
    with page.expect_download() as info:
        link.click()
    return Path(info.value.path()).read_bytes()


def test_the_bac_ninh_analyst_reads_exports_and_drills_into_coverage(page: Page, figures):
    bac_ninh = figures["bac_ninh"].unit
    kinh_bac = figures["kinh_bac"].unit
    in_province = set(Unit.objects.filter(parent=bac_ninh).values_list("pk", flat=True))

    # From the workspace to the figures: one subtree, so straight to Bắc Ninh's dashboard.
    staff_login(page, "bacninh.thongke")
    expect(page).to_have_url(url_ending("/lam-viec/"))
    page.locator("#figures-link").click()
    expect(page).to_have_url(url_ending(dashboard_url(bac_ninh)))
    expect(page.get_by_role("heading", level=1)).to_contain_text(bac_ninh.full_name)
    cards = page.get_by_test_id("dashboard-cards")
    # 28 views of Kinh Bắc and 7 of the province page in the last 7 days, nothing of Hà Nội.
    expect(cards.locator('[data-metric="impressions"] .value')).to_have_text("35")
    expect(cards.locator('[data-metric="reach"] .badge')).to_have_text("ước tính")
    expect(page.locator("#definitions dd")).to_have_count(8)  # 7 metrics and coverage

    # Only Bắc Ninh: its communes in the child table, no link above it in the breadcrumb.
    table = page.get_by_test_id("child-table")
    rows = table.locator("tbody tr[data-unit]:not([data-unit=own])")
    expect(rows).to_have_count(len(in_province))
    shown = {int(v) for v in rows.evaluate_all("rows => rows.map(r => r.dataset.unit)")}
    assert shown == in_province
    expect(table).not_to_contain_text("Hà Nội")
    expect(page.locator("main")).not_to_contain_text("Hà Nội")
    expect(page.get_by_test_id("breadcrumb").get_by_role("link")).to_have_count(0)

    # Down to Kinh Bắc: the breadcrumb goes back to Bắc Ninh and no higher.
    table.get_by_role("link", name=kinh_bac.full_name).click()
    expect(page).to_have_url(re.compile(re.escape(dashboard_url(kinh_bac)) + r"\?tu="))
    crumbs = page.get_by_test_id("breadcrumb").get_by_role("link")
    expect(crumbs).to_have_count(1)
    expect(crumbs).to_have_text(bac_ninh.full_name)
    expect(cards.locator('[data-metric="impressions"] .value')).to_have_text("28")
    crumbs.click()

    # Exports, made by the embedded worker while the status page watches.
    loop, thread = start_in_thread(Loop(jobs=[EXPORTS]))
    try:
        xlsx = download_export(page, "export-xlsx")
        assert xlsx[:2] == b"PK"  # a zip: the XLSX container
        page.goto(dashboard_url(bac_ninh))
        pdf = download_export(page, "export-pdf")
        assert pdf[:4] == b"%PDF"
    finally:
        loop.stop()
        thread.join(timeout=10)

    # Coverage: the communes without a page, and one of them on the public directory.
    page.goto(dashboard_url(bac_ninh))
    page.locator("#coverage-link").click()
    expect(page).to_have_url(url_ending(f"{dashboard_url(bac_ninh)}do-phu/"))
    page.locator("#cap").select_option(Level.COMMUNE)
    page.locator("#coverage-form button[type=submit]").click()
    missing = page.get_by_test_id("coverage-missing")
    expect(missing).to_be_visible()
    expect(missing.get_by_role("link", name=kinh_bac.full_name, exact=True)).to_have_count(0)
    first = missing.get_by_role("link").first
    name = first.inner_text()
    first.click()
    expect(page).to_have_url(re.compile(r"/don-vi/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.locator(".badge.none")).to_have_text("chưa có trang")
