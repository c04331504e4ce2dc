"""Journey: Facebook and Zalo figures beside congdong's own (issue 18, parts 4 and 6).

Bắc Ninh's page and Kinh Bắc's are linked to Facebook Pages, Bắc Ninh's also to a Zalo OA, on
the fake platforms (real HTTP on 127.0.0.1); the import runs for real against them, as the
worker runs it, and the fake Graph refuses a retired metric with (#100) on the second run.
The Bắc Ninh analyst reads the per-source table of the province and of Kinh Bắc, the note
that Facebook stopped reporting a figure, and the same table in the XLSX export; a Hà Nội
analyst sees none of Bắc Ninh's imported figures.
"""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Locator, Page, expect

from congdong import events
from congdong.accounts.roles import Role
from congdong.channels.models import ChannelKind, MetricStop
from congdong.events import EventKind
from congdong.insights.channel_import import import_due, import_link, yesterday
from congdong.pages.actions import do_establish_many
from congdong.pages.models import Page as CommunityPage
from congdong.worker.jobs import Job
from congdong.worker.loop import Loop, start_in_thread
from congdong_tools.demo.personas import DEMO_PASSWORD
from congdong_tools.fakes.graph import FakeGraph
from tests.conftest import commune_named, unit_2025
from tests.e2e.journeys import fake_platforms
from tests.e2e.test_insights_dashboard import dashboard_url, download_export
from tests.e2e.test_province_admin_roles import staff_login, url_ending
from tests.posts.conftest import grant
from tests.syndication.conftest import facebook_page, zalo_oa

pytestmark = pytest.mark.e2e
DAY = datetime.timedelta(days=1)
EXPORTS = Job("run-exports", "congdong.insights.tasks.run_exports", every=0.5)
NOT_REPORTED = "nguồn này không cung cấp số liệu này"
RETIRED = "page_total_media_view_unique"  # stands for our "viewers"
# The Graph figures of the three days imported, oldest first.
BAC_NINH_FB = {
    "page_follows": [1000, 1100, 1200],
    "page_media_view": [100, 200, 300],
    RETIRED: [50, 60, 70],
    "page_post_engagements": [10, 20, 30],
}
KINH_BAC_FB = {
    "page_follows": [300, 300, 300],
    "page_media_view": [10, 20, 30],
    RETIRED: [5, 5, 5],  # refused by then: never imported
    "page_post_engagements": [1, 2, 3],
}
HA_NOI_FB = {
    "page_follows": [5000, 5000, 5000],
    "page_media_view": [9000, 9000, 9000],
    RETIRED: [4000, 4000, 4000],
    "page_post_engagements": [700, 700, 700],
}


@pytest.fixture
def platforms(settings):
    with fake_platforms(settings) as (graph, zalo):
        settings.CHANNEL_BACKFILL_DAYS = 3  # the three days seeded below
        yield graph, zalo


def seed(graph: FakeGraph, page_id: str, figures: dict[str, list[int]]) -> None:
    end = yesterday()
    for metric, values in figures.items():
        for n, value in enumerate(values):
            graph.set_insight(page_id, metric, end - (len(values) - 1 - n) * DAY, value)


@pytest.fixture
def imported(e2e_data, platforms) -> dict[str, CommunityPage]:
    """Pages of Bắc Ninh, Kinh Bắc and Hà Nội with congdong's own views, and the Facebook and
    Zalo figures of their last three days imported from the fake platforms."""
    graph, zalo = platforms
    bac_ninh, kinh_bac, ha_noi = unit_2025("24"), commune_named("24", "Kinh Bắc"), unit_2025("01")
    do_establish_many(
        [bac_ninh, kinh_bac, ha_noi], opened_at=timezone.now() - datetime.timedelta(days=20)
    )
    pages = {p.unit_id: p for p in CommunityPage.objects.all()}
    end = yesterday()

    # congdong's own: 5 views of the province page and 3 of Kinh Bắc's, yesterday.
    when = datetime.datetime.combine(end, datetime.time(9), timezone.get_current_timezone())
    made = [
        events.make(EventKind.PAGE_VIEW, pages[bac_ninh.pk].pk, visitor=f"b{n}", at=when)
        for n in range(5)
    ] + [
        events.make(EventKind.PAGE_VIEW, pages[kinh_bac.pk].pk, visitor=f"k{n}", at=when)
        for n in range(3)
    ]
    events.submit(made)
    events.flush()

    province_fb = facebook_page(graph, pages[bac_ninh.pk], "2400")
    seed(graph, "2400", BAC_NINH_FB)
    graph.add_post("2400", "Hội nghị tổng kết", f"{end.isoformat()}T03:00:00+0000")
    graph.add_post("2400", "Lịch tiếp dân", f"{end.isoformat()}T04:00:00+0000")
    zalo_oa(zalo, pages[bac_ninh.pk], "2490")  # 3 followers
    zalo.add_article("2490", "Thông báo lịch tiếp dân", created=end.isoformat(), views=40, shares=4)
    facebook_page(graph, pages[kinh_bac.pk], "2411")
    seed(graph, "2411", KINH_BAC_FB)
    graph.add_post("2411", "Ngày hội Đại đoàn kết", f"{end.isoformat()}T02:00:00+0000")
    facebook_page(graph, pages[ha_noi.pk], "0100")
    seed(graph, "0100", HA_NOI_FB)

    # The province's Page first, while Facebook still reports distinct viewers…
    assert import_link(province_fb.pk).ok
    # …then Facebook retires the metric: the worker's next run gets (#100) for it, drops it,
    # records it, and imports every other figure of every other channel.
    graph.retire_metric(RETIRED)
    assert import_due() > 0
    assert list(MetricStop.objects.values_list("kind", "metric", "ours")) == [
        (ChannelKind.FACEBOOK, RETIRED, "viewers")
    ]
    return {"bac_ninh": pages[bac_ninh.pk], "kinh_bac": pages[kinh_bac.pk]}


def expect_row(table: Locator, source: str, figures: dict[str, str]) -> None:
    """The row's cells; "—" is a figure the source does not report, read out as such."""
    row = table.locator(f"tr[data-source={source}]")
    for key, value in figures.items():
        cell = row.locator(f"td[data-metric={key}]")
        if value == "—":
            expect(cell.locator("[aria-hidden=true]")).to_have_text("—")
            expect(cell).to_have_accessible_name(NOT_REPORTED)
        else:
            expect(cell).to_have_text(value)


def test_the_bac_ninh_analyst_reads_facebook_and_zalo_figures_beside_congdongs(
    page: Page, imported, e2e_data
):
    bac_ninh = imported["bac_ninh"].unit
    kinh_bac = imported["kinh_bac"].unit

    staff_login(page, "bacninh.thongke")
    expect(page).to_have_url(url_ending("/lam-viec/"))
    page.locator("#figures-link").click()
    expect(page).to_have_url(url_ending(dashboard_url(bac_ninh)))

    # Per source over the last 30 days: congdong's own, Facebook (both Pages), Zalo, total.
    sources = page.get_by_role("table", name=re.compile("^Số liệu theo nguồn"))
    expect(sources.locator("thead th")).to_have_text(
        ["Nguồn", "Người theo dõi", "Tin bài", "Lượt xem", "Tương tác", re.compile("Người xem")]
    )
    expect(sources.locator("tbody tr th")).to_have_text(["Trang cộng đồng", "Facebook", "Zalo"])
    expect_row(sources, "site", {"impressions": "8", "viewers": "—"})
    expect_row(
        sources,
        "facebook",
        {
            "followers": "1.500",  # 1,200 + 300 at the end of yesterday
            "posts": "3",
            "impressions": "660",
            "engagement": "66",
            "viewers": "180",  # the province's three days; Kinh Bắc's never imported
        },
    )
    expect_row(
        sources,
        "zalo",
        {"followers": "3", "posts": "1", "impressions": "40", "engagement": "4", "viewers": "—"},
    )
    expect_row(
        sources,
        "total",
        {"followers": "1.503", "posts": "4", "impressions": "708", "engagement": "70"},
    )
    expect(page.locator("#viewers-note")).to_contain_text(
        "Không thể loại trùng người xem giữa các nền tảng"
    )
    # Facebook's refusal, in words: which figure, since when.
    stop = page.locator("#sources .metric-stop")
    expect(stop).to_have_count(1)
    expect(stop).to_contain_text(f"Facebook đã ngừng cung cấp số liệu “người xem” ({RETIRED})")
    expect(stop).to_contain_text(timezone.localdate().strftime("%d/%m/%Y"))
    # Nothing of Hà Nội's Page in Bắc Ninh's figures.
    expect(page.locator("main")).not_to_contain_text("27.000")
    expect(page.locator("main")).not_to_contain_text("5.000")

    # Down to Kinh Bắc: its own Page's figures, congdong's and Facebook's.
    page.get_by_test_id("child-table").get_by_role("link", name=kinh_bac.full_name).click()
    expect(page).to_have_url(re.compile(re.escape(dashboard_url(kinh_bac)) + r"\?tu="))
    sources = page.get_by_role("table", name=re.compile("^Số liệu theo nguồn"))
    expect_row(sources, "site", {"impressions": "3"})
    expect_row(
        sources,
        "facebook",
        {"followers": "300", "posts": "1", "impressions": "60", "engagement": "6"},
    )
    expect_row(sources, "zalo", {"followers": "0", "impressions": "0"})
    expect_row(sources, "total", {"followers": "300", "impressions": "63"})

    # The XLSX export holds the same table, with the note about unique viewers.
    page.get_by_test_id("breadcrumb").get_by_role("link", name=bac_ninh.full_name).click()
    loop, thread = start_in_thread(Loop(jobs=[EXPORTS]))
    try:
        xlsx = download_export(page, "export-xlsx")
    finally:
        loop.stop()
        thread.join(timeout=10)
    book = load_workbook(io.BytesIO(xlsx), read_only=True)
    assert "Theo nguồn" in book.sheetnames
    rows = [list(r) for r in book["Theo nguồn"].iter_rows(values_only=True)]
    assert rows[0][0] == "Theo nguồn"
    assert rows[1][:5] == ["Nguồn", "Người theo dõi", "Tin bài", "Lượt xem", "Tương tác"]
    by_label = {r[0]: (list(r) + [None] * 6)[1:6] for r in rows[2:] if r and r[0]}
    assert by_label["Trang cộng đồng"] == [0, 0, 8, 0, None]
    assert by_label["Facebook"] == [1500, 3, 660, 66, 180]
    assert by_label["Zalo"] == [3, 1, 40, 4, None]
    assert by_label["Tất cả các nguồn"][:4] == [1503, 4, 708, 70]
    [note] = [r[0] for r in rows[6:] if r and isinstance(r[0], str)]
    assert note.startswith("Không thể loại trùng người xem giữa các nền tảng")
    assert "Ô trống: nguồn đó không cung cấp số liệu này." in note
    assert f"Facebook đã ngừng cung cấp số liệu “người xem” ({RETIRED})" in note


def test_a_ha_noi_analyst_does_not_see_bac_ninhs_imported_figures(page: Page, imported):
    bac_ninh, ha_noi = imported["bac_ninh"].unit, unit_2025("01")
    analyst = grant("hanoi.thongke", ha_noi, Role.ANALYST)
    analyst.set_password(DEMO_PASSWORD)
    analyst.save(update_fields=["password"])

    staff_login(page, "hanoi.thongke")
    expect(page).to_have_url(url_ending("/lam-viec/"))
    page.locator("#figures-link").click()
    expect(page).to_have_url(url_ending(dashboard_url(ha_noi)))
    sources = page.get_by_role("table", name=re.compile("^Số liệu theo nguồn"))
    expect_row(
        sources,
        "facebook",
        # Its Page was imported after Facebook stopped giving viewers: none, not 0.
        {"followers": "5.000", "impressions": "27.000", "engagement": "2.100", "viewers": "—"},
    )
    expect_row(sources, "zalo", {"followers": "0", "impressions": "0"})
    expect(page.locator("main")).not_to_contain_text(bac_ninh.full_name)

    answer = page.goto(dashboard_url(bac_ninh))
    assert answer is not None and answer.status == 404
    expect(page.locator("main")).not_to_contain_text("1.500")
    expect(page.locator("main")).not_to_contain_text("660")
