"""The people's situation reads the same on its page and in its PDF, CSV and XLSX: "33,3 %" on
time, "5,5" working hours (core.numbers; issue 16, point 6)."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

from congdong.insights import situation
from tests.conftest import client_for
from tests.feedback.test_situation import known
from tests.feedback.test_situation_views import page_of
from tests.insights.exported import excel_shows, exported, on_page, vietnamese_number

__all__ = ["known"]  # the fixture used here

pytestmark = pytest.mark.django_db
MARCH = {"tu": "2026-03-01", "den": "2026-03-31"}


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def card(page: str, metric: str) -> str:
    return on_page(page, rf'data-metric="{metric}">.*?<strong class="value">(.*?)</strong>')


def test_deadline_shares_and_working_hours_read_the_same_on_the_page_and_in_the_files(
    people, known
):
    page = client_for(people["bacninh.thongke"]).get(page_of(known.bac_ninh), MARCH)
    html = page.content.decode()
    shown = {
        "Accepted on time (%)": card(html, "accepted-on-time"),
        "Answered on time (%)": card(html, "answered-on-time"),
        "Median working hours to accept": card(html, "accept-hours"),
        "Median working hours to answer": card(html, "answer-hours"),
    }
    assert shown["Accepted on time (%)"] == "33,3 %"
    assert shown["Median working hours to accept"] == "5,5"

    files = exported(situation.document(known.bac_ninh, MARCH))
    for label, text in shown.items():
        label = gettext(label)
        assert files.pdf_after(label) == [text], label
        assert float(files.csv_row(label)[1]) == vietnamese_number(text), label
        cell = files.xlsx_row(label)[1]
        assert (cell.value, excel_shows(cell)) == (vietnamese_number(text), text), label

    # The table of response times: the same figures, the share with its sign (the page adds
    # the counts it comes from: "33,3 % (1/3)").
    row = re.search(r'<tr data-step="accept">(.*?)</tr>', html, re.S).group(1)
    cells = [on_page(cell, "(.*)") for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
    in_pdf = files.pdf_after(cells[0], 4)
    assert cells[1:4] == in_pdf[:3] and cells[4].startswith(in_pdf[3] + " (")
    assert in_pdf[3] == "33,3 %"
