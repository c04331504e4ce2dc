"""How the dashboard's per-source table and the channels' health page say what was imported:
a named table, figures a source does not report read out as such, the total's viewers marked
as not de-duplicated, and a metric Facebook stopped reporting named in words."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from congdong.insights.channel_import import import_link, yesterday
from tests.channels.test_figures_import import facebook_link
from tests.conftest import client_for

pytestmark = pytest.mark.django_db(transaction=True)
DAY = datetime.timedelta(days=1)


def dashboard(client, unit) -> str:
    response = client.get(reverse("insights:dashboard-unit", args=[unit.pk]))
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


def test_the_source_table_is_named_and_reads_out_what_a_source_does_not_report(
    platforms, pages, personas
):
    fake_graph, _zalo = platforms
    link = facebook_link(fake_graph, pages[0])
    end = yesterday()
    fake_graph.set_insight("2001", "page_total_media_view_unique", end, 321)
    assert import_link(link.pk, since=end).ok

    html = dashboard(client_for(personas["bacninh.thongke"]), pages[0].unit)
    table = section(html, '<table class="table" id="source-table"', "</table>")
    assert 'aria-describedby="viewers-note"' in table
    assert "<caption" in table and "Số liệu theo nguồn, từ" in table
    # congdong's own and Zalo report no viewers: a dash, read out in words.
    assert table.count('<span aria-hidden="true">—</span>') == 2
    assert table.count('<span class="sr-only">nguồn này không cung cấp số liệu này</span>') == 2
    # The total's viewers: the platforms' sum, marked as not de-duplicated.
    total = section(table, "<tfoot>", "</tfoot>")
    assert "321" in total and "chưa loại trùng" in total
    assert "“—”: nguồn đó không cung cấp số liệu này." in html


def test_the_source_rows_are_in_the_readers_language_whoever_filled_the_cache(
    platforms, pages, personas
):
    client = client_for(personas["bacninh.thongke"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = dashboard(client, pages[0].unit)
    assert "All sources" in section(english, 'id="source-table"', "</table>")

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    table = section(dashboard(client, pages[0].unit), 'id="source-table"', "</table>")
    assert "Tất cả các nguồn" in table and "Trang cộng đồng" in table
    assert "All sources" not in table and ">congdong<" not in table


def test_a_metric_facebook_stopped_reporting_is_named_in_words(platforms, pages, personas):
    fake_graph, _zalo = platforms
    link = facebook_link(fake_graph, pages[0])
    fake_graph.retire_metric("page_total_media_view_unique")
    assert import_link(link.pk, since=yesterday() - 2 * DAY).stopped == [
        "page_total_media_view_unique"
    ]
    said = "đã ngừng cung cấp số liệu “người xem” (page_total_media_view_unique) từ ngày"
    client = client_for(personas["bacninh.thongke"])

    board = dashboard(client, pages[0].unit)
    stop = section(board, '<p class="notice metric-stop"', "</p>")
    assert f"Facebook {said}" in stop and "số liệu này không còn được nhập" in stop
    # Nothing of it was imported: Facebook's viewers read "—", not a 0 nobody counted, and so
    # does the total, which no source reports.
    for source in ("facebook", "total"):
        row = section(board, f'<tr data-source="{source}">', "</tr>")
        viewers = section(row, '<td class="num" data-metric="viewers">', "</td>")
        assert '<span aria-hidden="true">—</span>' in viewers, source

    response = client.get(reverse("channels:health", args=[pages[0].unit_id]))
    assert response.status_code == 200
    html = response.content.decode()
    notes = section(html, '<section aria-labelledby="health-notes-h">', "</section>")
    assert '<h2 id="health-notes-h">Lưu ý về số liệu và webhook</h2>' in notes
    assert f"Facebook {said}" in notes
    assert '<caption class="sr-only">Các kênh đã liên kết</caption>' in html
