"""A dashboard's figures are cached (issue 16 §13) and never older than what is stored: the
cached figures are the figures, events stored a moment later show at once, a page closed or
renamed shows at once."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from congdong import events
from congdong.events import EventKind
from congdong.insights import dashboard
from congdong.insights.figures import Period
from congdong.pages.actions import check_profile, do_profile, move_page
from congdong.pages.models import PageStatus
from tests.conftest import client_for
from tests.posts.conftest import Pages

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PERIOD = Period(TODAY - datetime.timedelta(days=6), TODAY)


def views(page, visitors) -> list:
    return [events.make(EventKind.PAGE_VIEW, page.pk, visitor=v) for v in visitors]


def test_cached_figures_are_the_figures_and_stored_events_show_at_once(pages: Pages):
    province = pages.bac_ninh.unit
    events.store([*views(pages.kinh_bac, ["u1", "u2"]), *views(pages.bac_ninh, ["u1"])])
    first = dashboard.data(province, PERIOD)
    assert dashboard.cached_figures(province, PERIOD) == dashboard._figures(province, PERIOD)
    assert first.totals["impressions"] == 3

    events.store(views(pages.kinh_bac, ["u3"]))  # stored by the flush, a moment later
    again = dashboard.data(province, PERIOD)
    assert again.totals["impressions"] == 4 and again.totals["reach"] == pytest.approx(3, 0.01)
    children = {unit.pk: row["impressions"] for unit, row in again.children}
    assert children[pages.kinh_bac.unit_id] == 3
    page, row = again.top_pages[0]
    assert (page.pk, row["impressions"]) == (pages.kinh_bac.pk, 3)


def test_a_page_closed_or_renamed_meanwhile_shows_so_on_the_cached_dashboard(
    personas, pages: Pages
):
    province = pages.bac_ninh.unit
    events.store(views(pages.kinh_bac, ["u1"]))
    shown = {page.pk for page, _row in dashboard.data(province, PERIOD).top_pages}
    assert pages.kinh_bac.pk in shown

    admin = personas["bacninh.quantri"]
    renamed = f"{pages.kinh_bac.name} (trang chính thức)"
    do_profile(check_profile(admin, pages.kinh_bac.pk, name=renamed))
    top = dashboard.data(province, PERIOD).top_pages
    assert {page.pk: page.name for page, _row in top}[pages.kinh_bac.pk] == renamed
    move_page(admin, pages.kinh_bac.pk, PageStatus.SUSPENDED, "Tạm dừng để rà soát")
    assert pages.kinh_bac.pk not in {
        page.pk for page, _row in dashboard.data(province, PERIOD).top_pages
    }


def test_the_dashboard_page_reads_the_cache_the_second_time(
    personas, pages: Pages, django_assert_max_num_queries
):
    events.store(views(pages.kinh_bac, ["u1"]))
    client = client_for(personas["bacninh.thongke"])
    path = f"/lam-viec/thong-ke/{pages.bac_ninh.unit_id}/"
    assert client.get(path).status_code == 200
    # The figures from the cache: the session, the viewer's access and roots, the pages and
    # units shown, campaigns; no sums, unions or rankings.
    with django_assert_max_num_queries(12):
        assert client.get(path).status_code == 200
