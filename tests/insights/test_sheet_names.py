"""Every workbook we write names its sheets by choice: short names that fit Excel's 31
characters in both languages, unique, never a title cut mid-word; the full title heads the
sheet (issue 16, point 6)."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from congdong.core.spreadsheets import SHEET_MAX
from congdong.insights import reports
from congdong.insights.exports import render
from congdong.insights.situation import keywords_sheet
from tests.conftest import unit_2025

pytestmark = pytest.mark.django_db

# The names chosen for each report's sheets, in order (Bắc Ninh; the situation per commune).
NAMES = {
    "vi": {
        "dashboard": [
            "Tổng quan",
            "Theo cấp của trang",
            "Theo đơn vị trực thuộc",
            "Trang xem nhiều nhất",
            "Trang xem ít nhất",
            "Theo nguồn",
            "Kết quả thực hiện chiến dịch",
            "Bảng xếp hạng lượt giới thiệu",
            "Độ phủ theo cấp",
            "Định nghĩa",
        ],
        "coverage": ["Tổng quan", "Độ phủ theo cấp", "Đơn vị chưa có trang", "Định nghĩa"],
        "conference": ["Tổng quan", "Độ phủ theo cấp", "Theo cấp xã", "Định nghĩa"],
        "situation": [
            "Tổng quan",
            "Theo lĩnh vực",
            "Theo đơn vị trực thuộc",
            "Theo cấp xã",
            "Thời gian xử lý và thời hạn",
            "Theo trạng thái",
            "Theo ngày",
            "Từ khóa",
            "Định nghĩa",
        ],
    },
    "en": {
        "dashboard": [
            "Overview",
            "By level of page",
            "By unit below",
            "Most viewed pages",
            "Least viewed pages",
            "By source",
            "Campaign compliance",
            "Referral leaderboard",
            "Coverage per level",
            "Definitions",
        ],
        "coverage": ["Overview", "Coverage per level", "Units without a page", "Definitions"],
        "conference": ["Overview", "Coverage per level", "By commune level", "Definitions"],
        "situation": [
            "Overview",
            "By category",
            "By unit below",
            "By commune level",
            "Response times and deadlines",
            "By state",
            "Per day",
            "Keywords",
            "Definitions",
        ],
    },
}
PARAMS = {"situation": {"tu": "2026-03-01", "den": "2026-03-31", "cap": "commune"}}


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("kind", ["dashboard", "coverage", "conference", "situation"])
def test_every_sheet_has_its_chosen_name_and_its_full_title_on_the_first_row(language, kind):
    with translation.override(language):
        document = reports.build(kind, unit_2025("24"), PARAMS.get(kind, {}))
        book = load_workbook(io.BytesIO(render(document, "xlsx")))
    assert book.sheetnames == NAMES[language][kind]
    assert all(len(name) <= SHEET_MAX for name in book.sheetnames)
    assert len({name.casefold() for name in book.sheetnames}) == len(book.sheetnames)
    for table, sheet in zip(document.tables, book.worksheets[1:], strict=False):
        assert sheet["A1"].value == str(table.title)  # however long


def test_a_categorys_keywords_sheet_is_named_after_it_when_that_fits_else_numbered():
    taken: set[str] = set()
    with translation.override("vi"):
        assert keywords_sheet("Đất đai", 1, taken) == "Từ khóa - Đất đai"
        long = "Hạ tầng, giao thông, điện, nước sinh hoạt"
        assert keywords_sheet(long, 2, taken) == "Từ khóa 2"  # not "Từ khóa - Hạ tầng, giao th"
        assert keywords_sheet("An ninh: trật tự", 3, taken) == "Từ khóa 3"  # ":" is refused
        assert keywords_sheet("Đất đai", 4, taken) == "Từ khóa 4"  # already a sheet's name
