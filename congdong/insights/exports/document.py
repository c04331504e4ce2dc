"""What an export holds, whatever its format: a title, cards, tables and the metric definitions.

Builders (`insights.reports`) make a `Document`; `insights.exports.render` writes it as CSV,
XLSX or PDF. Values stay typed (int, float, `Percent`, date, str, None) until a renderer
formats them, each through `core.numbers`, so a figure reads the same in every format and on
the page it comes from.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from congdong.core.numbers import Percent

Value = str | int | float | Percent | datetime.date | None


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[Value]]
    note: str = ""
    # The name of its XLSX sheet, at most 31 characters (core.spreadsheets.sheet_title); the
    # title when empty. The title itself heads the sheet, however long.
    sheet: str = ""


@dataclass
class Document:
    title: str
    # Scope, period, structure and when it was made, one line each.
    subtitle: list[str] = field(default_factory=list)
    # Overview figures: (label, value, note such as "ước tính").
    cards: list[tuple[str, Value, str]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    # (metric name, definition): DESIGN.md §4, shown with every dashboard and export.
    definitions: list[tuple[str, str]] = field(default_factory=list)
    # A short name for the file: "bao-cao-hoi-nghi-2022-08-05".
    filename: str = "bao-cao"
