"""XLSX: a sheet "Tổng quan" (title, subtitle, cards), one sheet per table, and "Định nghĩa".

Written in openpyxl's write-only mode whatever the size: rows stream to the file instead of
being held as cell objects (a 100,000-row table stays in tens of MB), and one code path serves
small and large reports alike. Column widths are fitted from the first rows, before writing.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Sequence

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from congdong.core.spreadsheets import formula_like
from congdong.insights.exports.document import Document, Value
from congdong.insights.exports.render import Counter, Progress, row_count

INTEGER = "#,##0"
DECIMAL = "#,##0.0"
DATE = "dd/mm/yyyy"
DATETIME = "dd/mm/yyyy hh:mm"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
# Excel refuses these in a sheet name, and names longer than 31 characters.
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_MAX = 31
# Rows looked at to fit a column's width; the widest text among them sets it.
WIDTH_SAMPLE = 500
WIDTH_MIN, WIDTH_MAX = 8, 60


def sheet_name(title: str, taken: set[str]) -> str:
    """`title` as a sheet name Excel accepts: no []:*?/\\, at most 31 characters, not starting
    or ending with an apostrophe, and unique in the workbook (Excel ignores case)."""
    base = " ".join(SHEET_FORBIDDEN.sub(" ", str(title)).split()).strip("'").strip() or _("Table")
    name, n = base[:SHEET_MAX].strip(), 1
    while name.casefold() in taken:
        n += 1
        suffix = f" ({n})"
        name = base[: SHEET_MAX - len(suffix)].strip() + suffix
    taken.add(name.casefold())
    return name


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
        c = WriteOnlyCell(sheet, value)
        if isinstance(value, bool):
            pass
        elif isinstance(value, int):
            c.number_format = INTEGER
        elif isinstance(value, float):
            c.number_format = DECIMAL
        elif isinstance(value, datetime.datetime):
            c.number_format = DATETIME
        elif isinstance(value, datetime.date):
            c.number_format = DATE
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
    if isinstance(value, int):
        return len(f"{value:,}")
    if isinstance(value, float):
        return len(f"{value:,.1f}")
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
    book = Workbook(write_only=True)
    taken: set[str] = set()

    overview = book.create_sheet(sheet_name(_("Overview"), taken))
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

    for table in document.tables:
        sheet = book.create_sheet(sheet_name(table.title, taken))
        # The full title on the first row (the sheet's name may be cut short), the header
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
        sheet = book.create_sheet(sheet_name(_("Definitions"), taken))
        sheet.column_dimensions["A"].width = 30
        sheet.column_dimensions["B"].width = 100
        sheet.append([cell(sheet, _("Figure"), BOLD), cell(sheet, _("Definition"), BOLD)])
        for name, text in document.definitions:
            sheet.append([cell(sheet, name), cell(sheet, text)])

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
