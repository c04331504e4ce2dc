"""A figure of the dashboard reads the same on the page, in the PDF, in the CSV and in the XLSX:
counts grouped ("10.599"), estimates as whole people with the same 95 % note, percentages
"1,2 %" — one formatter (core.numbers) for every medium (issue 16, point 6)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from congdong.campaigns import actions as campaign_actions
from congdong.campaigns.models import CampaignMode
from congdong.insights import coverage, dashboard
from congdong.insights.figures import METRIC_BY_KEY
from congdong.units.models import Level, Unit
from tests.campaigns.conftest import central_approver, central_post, launched, tree
from tests.conftest import client_for
from tests.insights.exported import excel_shows, exported, on_page, vietnamese_number
from tests.insights.test_dashboard import PERIOD, coverage_url, ingested, url

__all__ = ["central_approver", "central_post", "ingested", "tree"]  # fixtures used here


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def test_the_estimated_reach_is_the_same_whole_number_with_the_same_note_everywhere(
    personas, ingested
):
    bac_ninh = ingested.bac_ninh.unit
    page = client_for(personas["bacninh.thongke"]).get(url(bac_ninh), PERIOD).content.decode()
    card = r'data-metric="reach".*?<strong class="value">(.*?)</strong>'
    shown = on_page(page, card).removeprefix("≈").strip()
    note = on_page(page, r'data-metric="reach".*?<span class="note bounds">(.*?)</span>')
    assert shown == "8"  # eight people, not "8,0"
    assert note.startswith("ước tính; khoảng tin cậy 95%: ") and "–" in note

    files = exported(dashboard.document(bac_ninh, PERIOD))
    label = str(METRIC_BY_KEY["reach"].label)
    value_in_pdf = files.pdf_after(label)[0]
    assert value_in_pdf == shown
    note_in_pdf = " ".join(files.pdf[files.pdf.index(value_in_pdf) + 1 :][:4])
    assert note_in_pdf.startswith(note)
    assert files.csv_row(label)[1:] == ["8", note]
    cell, note_cell = files.xlsx_row(label, sheet="Tổng quan")[1:3]
    assert (cell.value, cell.number_format, excel_shows(cell)) == (8, "#,##0", shown)
    assert note_cell.value == note
    # The tables hold the same whole number: the reach of the province's total row.
    total = files.csv_row(gettext("Total"), section="Theo đơn vị trực thuộc")
    assert total[1 + dashboard.TABLE_KEYS.index("reach")] == "8"


def test_a_count_in_the_thousands_is_grouped_the_same_on_the_page_and_in_the_files(personas):
    centre = Unit.objects.get(structure__code="2022", depth=1)
    page = client_for(personas["admin"]).get(url(centre)).content.decode()
    row = r'<tr data-level="commune">.*?<td class="num units">(.*?)</td>'
    shown = on_page(page, row)
    assert shown == "10.599"

    files = exported(dashboard.document(centre, {}))
    section = next(line[0] for line in files.csv if line and line[0].startswith("Độ phủ theo cấp"))
    level = dashboard.level_label(Level.COMMUNE)
    assert files.pdf_after(level, 3, section=section) == [shown, "0", "0,0 %"]
    assert files.csv_row(level, section=section)[1:] == ["10599", "0", "0.0"]
    units, _with_page, percent = files.xlsx_row(level, sheet="Độ phủ theo cấp")[1:4]
    assert (units.value, excel_shows(units)) == (10_599, shown)
    assert (percent.value, excel_shows(percent)) == (0.0, "0,0 %")


@pytest.mark.slow  # the whole 2022 tree, on the page and in the export
def test_the_count_of_units_without_a_page_is_grouped_in_the_heading_as_in_the_export(personas):
    centre = Unit.objects.get(structure__code="2022", depth=1)
    as_of = {"ngay": "2022-08-05"}
    page = client_for(personas["admin"]).get(coverage_url(centre), as_of).content.decode()
    heading = on_page(page, r'<h2 id="missing-h">(.*?)</h2>')
    count = heading.split()[0]
    assert "." in count  # "11.xxx đơn vị chưa có trang…", not "11xxx"

    files = exported(coverage.document(centre, as_of))
    assert gettext("Units: %(count)s") % {"count": count} in files.pdf
    assert [gettext("Units: %(count)s") % {"count": count}] in files.csv


def test_campaign_compliance_reads_the_same_on_both_pages_and_in_the_files(
    personas, tree, central_post, central_approver
):
    campaign = launched(
        personas["tw.bientap"], central_approver, central_post, CampaignMode.RESHARE_TASK
    )
    target = campaign.targets.get(page=tree.kinh_bac)
    campaign_actions.reshare(personas["kinhbac.canbo"], target.pk)
    bac_ninh = tree.bac_ninh.unit
    page = client_for(personas["bacninh.thongke"]).get(url(bac_ninh)).content.decode()
    row = rf'<tr data-campaign="{campaign.pk}">.*?<td class="num percent">(.*?)</td>'
    shown = on_page(page, row)
    assert shown.endswith(" %") and 0 < vietnamese_number(shown) < 100  # "1,2 %"
    # The campaign's own page, per province, for whoever launched it: the same text.
    launcher = client_for(central_approver).get(reverse("campaigns:detail", args=[campaign.pk]))
    per_province = on_page(
        launcher.content.decode(),
        rf'<tr data-unit="{bac_ninh.code}">.*?<td class="percent">(.*?)</td>',
    )
    assert per_province == shown

    files = exported(dashboard.document(bac_ninh, {}))
    title = central_post.title
    assert shown in files.pdf_after(title, 12)
    assert float(files.csv_row(title)[-1]) == vietnamese_number(shown)
    cell = files.xlsx_row(title)[-1]
    assert (cell.value, excel_shows(cell)) == (vietnamese_number(shown), shown)
