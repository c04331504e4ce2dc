"""A report read back from each of its files the way a person meets it: the text a PDF reader
extracts, the cells of the CSV, an XLSX cell's value and what Excel displays for it, and the
text of a figure on the page it comes from."""

from __future__ import annotations

import csv
import html
import io
import re
from dataclasses import dataclass
from typing import Any

from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from congdong.insights.exports import render
from congdong.insights.exports.document import Document
from tests.insights.test_exports import pdf_pages


@dataclass
class Exported:
    pdf: list[str]  # every string the PDF shows, in order, all pages
    csv: list[list[str]]
    xlsx: Workbook

    def pdf_after(self, label: str, count: int = 1, section: str = "") -> list[str]:
        """The `count` strings the PDF shows right after the first `label` (a row's cells),
        below the heading `section` when given."""
        at = self.pdf.index(label, self.pdf.index(section) if section else 0)
        return self.pdf[at + 1 : at + 1 + count]

    def csv_row(self, label: str, section: str = "") -> list[str]:
        """The first row starting with `label`, below the row `[section]` when given."""
        start = self.csv.index([section]) if section else 0
        return next(row for row in self.csv[start:] if row and row[0] == label)

    def xlsx_row(self, label: str, sheet: str | None = None) -> list[Any]:
        sheets = [self.xlsx[sheet]] if sheet else self.xlsx.worksheets
        return next(
            list(row) for s in sheets for row in s.iter_rows() if row and row[0].value == label
        )


def exported(document: Document) -> Exported:
    pdf = [text for page in pdf_pages(render(document, "pdf")) for _font, text in page]
    rows = list(csv.reader(io.StringIO(render(document, "csv").decode("utf-8-sig"))))
    book = load_workbook(io.BytesIO(render(document, "xlsx")))
    return Exported(pdf, rows, book)


def filled_cells(book: Workbook) -> list[str]:
    """Every filled cell of the workbook as text, sheet by sheet, row by row."""
    return [
        str(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]


# What Excel displays for the number formats an export uses, on a Vietnamese system (thousands
# ".", decimals ","): written with Python's own format(), independently of core.numbers.
_EXCEL = {
    "#,##0": lambda v: f"{v:,.0f}",
    "#,##0.0": lambda v: f"{v:,.1f}",
    '#,##0.0" %"': lambda v: f"{v:,.1f} %",
}


def excel_shows(cell: Any) -> str:
    """The text a Vietnamese Excel shows in `cell` (a number with one of our formats)."""
    assert isinstance(cell.value, int | float), f"{cell.coordinate} is not a number"
    text = _EXCEL[cell.number_format](cell.value)
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def vietnamese_number(text: str) -> float:
    """ "10.599" → 10599, "33,3 %" → 33.3: the figure a Vietnamese reader reads."""
    return float(text.removesuffix("%").strip().replace(".", "").replace(",", "."))


def on_page(page: str, pattern: str) -> str:
    """The text of the first group of `pattern` in the page's HTML, tags stripped, entities
    decoded and spaces made plain."""
    found = re.search(pattern, page, re.S)
    assert found, f"not on the page: {pattern}"
    text = html.unescape(re.sub(r"<[^>]+>", "", found.group(1)))
    return " ".join(text.replace("\u00a0", " ").split())
