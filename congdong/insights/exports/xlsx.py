"""XLSX: a sheet "Tổng quan" (title, subtitle, cards), one sheet per table, and "Định nghĩa".

Sheets have short names that fit Excel's 31 characters (`Table.sheet`, checked by
`core.spreadsheets.sheet_title`); each table's full title is the first row of its sheet.
Numbers are numbers with a format that shows them as the page does (`core.numbers`).

Written in openpyxl's write-only mode whatever the size: rows stream to the file instead of
being held as cell objects (a 100,000-row table stays in tens of MB), and one code path serves
small and large reports alike. Column widths are fitted from the first rows, before writing.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from congdong.core.numbers import format_value, xlsx_number_format, xlsx_value
from congdong.core.spreadsheets import formula_like, sheet_title
from congdong.insights.exports.document import Document, Value
from congdong.insights.exports.render import Counter, Progress, row_count

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
# Rows looked at to fit a column's width; the widest text among them sets it.
WIDTH_SAMPLE = 500
WIDTH_MIN, WIDTH_MAX = 8, 60


def _text(value: object) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def cell(sheet: WriteOnlyWorksheet, value: Value, font: Font | None = None) -> WriteOnlyCell:
    if isinstance(value, str) or not isinstance(value, int | float | datetime.date | None):
        text = _text(value)
        c = WriteOnlyCell(sheet, text)
        c.data_type = "s"  # text that starts with "=" stays text, not a formula
        # …and stays text when someone edits the cell (core/spreadsheets.py).
        c.quotePrefix = formula_like(text)
    else:
        # A number stays a number, rounded as the page shows it, with a format that displays
        # it as the page does (core.numbers).
        c = WriteOnlyCell(sheet, xlsx_value(value))
        if (number_format := xlsx_number_format(value)) is not None:
            c.number_format = number_format
    if font is not None:
        c.font = font
    return c


def _shown_width(value: Value) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return 16
    if isinstance(value, datetime.date):
        return 10
    if isinstance(value, int | float):
        return len(format_value(value))
    return max((len(line) for line in str(value).splitlines()), default=0)


def fit_widths(sheet: WriteOnlyWorksheet, rows: Sequence[Sequence[Value]]) -> None:
    widths: dict[int, int] = {}
    for row in rows[:WIDTH_SAMPLE]:
        for index, value in enumerate(row):
            widths[index] = max(widths.get(index, 0), _shown_width(value))
    for index, width in widths.items():
        letter = get_column_letter(index + 1)
        sheet.column_dimensions[letter].width = min(max(width + 2, WIDTH_MIN), WIDTH_MAX)


def render_xlsx(document: Document, progress: Progress | None = None) -> bytes:
    counter = Counter(progress, row_count(document))
    # Every name checked before anything is written: a refused one stops the export whole.
    taken: set[str] = set()
    overview_name = sheet_title(_("Overview"), taken)
    names = [sheet_title(table.sheet or table.title, taken) for table in document.tables]
    definitions_name = sheet_title(_("Definitions"), taken) if document.definitions else ""
    book = Workbook(write_only=True)

    overview = book.create_sheet(overview_name)
    header = [_("Figure"), _("Value"), _("Note")]
    fit_widths(overview, [header, *[list(card) for card in document.cards]])
    overview.column_dimensions["A"].width = max(overview.column_dimensions["A"].width or 0, 40)
    overview.append([cell(overview, document.title, TITLE)])
    for line in document.subtitle:
        overview.append([cell(overview, line)])
    if document.cards:
        overview.append([])
        overview.append([cell(overview, text, BOLD) for text in header])
        for label, value, note in document.cards:
            overview.append([cell(overview, label), cell(overview, value), cell(overview, note)])
            counter.add()

    for table, name in zip(document.tables, names, strict=True):
        sheet = book.create_sheet(name)
        # The full title on the first row (the sheet's name is a short one), the header
        # frozen under it so it stays in view while scrolling.
        sheet.freeze_panes = "A3"
        fit_widths(sheet, [table.columns, *table.rows])
        sheet.append([cell(sheet, table.title, BOLD)])
        sheet.append([cell(sheet, column, BOLD) for column in table.columns])
        for row in table.rows:
            sheet.append([cell(sheet, value) for value in row])
            counter.add()
        if table.note:
            sheet.append([])
            sheet.append([cell(sheet, table.note)])

    if document.definitions:
        sheet = book.create_sheet(definitions_name)
        sheet.column_dimensions["A"].width = 30
        sheet.column_dimensions["B"].width = 100
        sheet.append([cell(sheet, _("Figure"), BOLD), cell(sheet, _("Definition"), BOLD)])
        for name, text in document.definitions:
            sheet.append([cell(sheet, name), cell(sheet, text)])

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
