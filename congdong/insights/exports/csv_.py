"""CSV: for machines and for Excel. Numbers unformatted but rounded as the page shows them
(`core.numbers.plain`: 6795 for a reach the page shows as 6.795), dates ISO, UTF-8 with a
byte-order mark (without it Excel reads the file as the local code page and the Vietnamese
comes out garbled).
Every cell quoted and formula-like text neutralised (congdong/core/spreadsheets.py)."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from congdong.core.numbers import plain
from congdong.core.spreadsheets import safe_text
from congdong.insights.exports.document import Document, Value
from congdong.insights.exports.render import Counter, Progress, row_count


def cell(value: Value) -> str | int | float:
    if isinstance(value, str):
        return safe_text(value)
    return plain(value)


def render_csv(document: Document, progress: Progress | None = None) -> bytes:
    counter = Counter(progress, row_count(document))
    out = io.StringIO()
    write = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL).writerow
    write([cell(document.title)])
    for line in document.subtitle:
        write([cell(line)])
    if document.cards:
        write([])
        write([cell(_("Overview"))])
        write([cell(_("Figure")), cell(_("Value")), cell(_("Note"))])
        for label, value, note in document.cards:
            write([cell(label), cell(value), cell(note)])
            counter.add()
    for table in document.tables:
        write([])
        write([cell(table.title)])
        write([cell(column) for column in table.columns])
        for row in table.rows:
            write([cell(value) for value in row])
            counter.add()
        if table.note:
            write([cell(table.note)])
    if document.definitions:
        write([])
        write([cell(_("Definitions"))])
        for name, text in document.definitions:
            write([cell(name), cell(text)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
