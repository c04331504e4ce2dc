"""core.numbers: every figure written the way the reader's language writes it, rounded half up,
and the same figure as a spreadsheet number and as CSV data."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from congdong.core import numbers
from congdong.core.anonymity import below
from congdong.core.numbers import Percent


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("vi", ["12.414", "1.234,6", "12,5 %", "6.686–6.907", "07/12/2026", "07/12/2026 14:05"]),
        ("en", ["12,414", "1,234.6", "12.5%", "6,686–6,907", "07/12/2026", "07/12/2026 14:05"]),
    ],
)
def test_each_kind_of_figure_in_each_language(language, expected):
    moment = datetime.datetime(2026, 12, 7, 7, 5, tzinfo=datetime.UTC)  # 14:05 in Vietnam
    with translation.override(language):
        assert [
            numbers.format_int(12_414),
            numbers.format_decimal(1234.56),
            numbers.format_percent(12.5),
            numbers.format_range(6685.6, 6907.4),
            numbers.format_date(datetime.date(2026, 12, 7)),
            numbers.format_datetime(moment),
        ] == expected


def test_rounding_is_half_up_never_to_even_nor_truncated():
    with translation.override("vi"):
        assert numbers.format_int(6794.6) == "6.795"  # Django's numberformat would cut to 6.794
        assert numbers.format_int(2.5) == "3"  # Python's round() gives 2
        assert numbers.format_decimal(0.25) == "0,3"
        assert numbers.format_percent(33.35) == "33,4 %"
        assert numbers.round_int(6794.5) == 6795


def test_nothing_and_hidden_figures_read_as_they_are():
    with translation.override("vi"):
        assert numbers.format_int(None) == numbers.format_percent(None) == "—"
        assert numbers.format_int(below(5)) == "< 5"
        assert numbers.format_value(None) == "—"


def test_a_value_by_its_type_on_paper_in_a_spreadsheet_and_as_data():
    day = datetime.date(2026, 12, 7)
    with translation.override("vi"):
        cases = [
            (12_414, "12.414", "#,##0", 12_414, 12_414),
            (1234.56, "1.234,6", "#,##0.0", 1234.6, 1234.6),
            (Percent(12.46), "12,5 %", '#,##0.0" %"', 12.5, 12.5),
            (day, "07/12/2026", "dd/mm/yyyy", day, "2026-12-07"),
        ]
        for value, shown, number_format, in_cell, as_data in cases:
            assert numbers.format_value(value) == shown
            assert numbers.xlsx_number_format(value) == number_format
            assert numbers.xlsx_value(value) == in_cell
            assert numbers.plain(value) == as_data
        assert numbers.xlsx_number_format("Phường Kinh Bắc") is None
    with translation.override("en"):
        assert numbers.xlsx_number_format(Percent(1)) == '#,##0.0"%"'
