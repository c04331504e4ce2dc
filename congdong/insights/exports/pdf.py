"""PDF (A4, reportlab): title, subtitle, cards, the tables, the definitions; "Trang N/M" below.

Text is set in DejaVu Sans, shipped in `congdong/static/fonts` and embedded (subset) in every
file: the PDF base fonts have no Vietnamese letters, and no font may be assumed on the
reader's machine. Numbers follow the active language (1.234.567, 12,5 and 12,5 % in
Vietnamese), written by `core.numbers` as on the page.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from congdong.core.numbers import format_value
from congdong.insights.exports.document import Document, Value
from congdong.insights.exports.document import Table as DocTable
from congdong.insights.exports.render import Counter, Progress, row_count

FONTS = Path(__file__).resolve().parents[2] / "static" / "fonts"
FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
MARGIN = 15 * mm
WIDTH = A4[0] - 2 * MARGIN
HEADER_BG = colors.HexColor("#1f3b64")
ZEBRA = colors.HexColor("#eef1f6")
GRID = colors.HexColor("#c5ccd8")
MUTED = colors.HexColor("#4a5565")  # 7:1 on white
PAD_X, PAD_Y = 4, 2  # cell padding
PADDING = 2 * PAD_Y
# Rows looked at to size the columns of a table.
WIDTH_SAMPLE = 200


@cache
def register_fonts() -> None:
    pdfmetrics.registerFont(TTFont(FONT, FONTS / "DejaVuSans.ttf"))
    pdfmetrics.registerFont(TTFont(BOLD, FONTS / "DejaVuSans-Bold.ttf"))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def shown(value: Value) -> str:
    """A value as the reader sees it, written by `core.numbers` as on the page: grouped
    counts, one decimal for measures, "12,5 %", dd/mm/yyyy dates, "—" for nothing."""
    return format_value(value)


def _styles(size: float) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=size, leading=size * 1.25)
    return {
        "title": ParagraphStyle("title", base, fontName=BOLD, fontSize=16, leading=20),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=9, leading=12, textColor=MUTED),
        "h2": ParagraphStyle(
            "h2", base, fontName=BOLD, fontSize=11, leading=14, spaceBefore=10, spaceAfter=4
        ),
        "cell": base,
        "number": ParagraphStyle("number", base, alignment=TA_RIGHT),
        "head": ParagraphStyle("head", base, fontName=BOLD, textColor=colors.white),
        "head_number": ParagraphStyle(
            "head_number", base, fontName=BOLD, textColor=colors.white, alignment=TA_RIGHT
        ),
        "note": ParagraphStyle("note", base, fontSize=8, leading=10, textColor=MUTED),
        "definition": ParagraphStyle("definition", base, fontSize=9, leading=12, spaceAfter=3),
    }


def _numeric(rows: list[list[Value]], column: int) -> bool:
    """Whether a column holds numbers (and blanks) only: those are right-aligned."""
    values = [row[column] for row in rows if column < len(row) and row[column] is not None]
    return bool(values) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in values
    )


def _widths(texts: list[list[str]], header: list[str], numeric: list[bool], size: float) -> list:
    """Column widths filling the page: numbers keep their natural width, text columns share
    the rest in proportion to theirs (and wrap)."""
    n = len(header)
    natural = [0.0] * n
    for row in texts[:WIDTH_SAMPLE]:
        for i, text in enumerate(row[:n]):
            natural[i] = max(natural[i], pdfmetrics.stringWidth(text, FONT, size))
    for i, title in enumerate(header):
        longest_word = max((w for w in title.split()), key=len, default="")
        natural[i] = max(natural[i], pdfmetrics.stringWidth(longest_word, BOLD, size))
    natural = [w + 8 for w in natural]  # cell padding
    fixed = sum(w for w, number in zip(natural, numeric, strict=True) if number)
    flexible = sum(w for w, number in zip(natural, numeric, strict=True) if not number)
    if fixed + flexible <= WIDTH or not flexible or fixed >= WIDTH * 0.8:
        scale = WIDTH / (fixed + flexible)
        return [w * scale for w in natural]
    room = (WIDTH - fixed) / flexible
    return [w if number else w * room for w, number in zip(natural, numeric, strict=True)]


def _table_style(numeric: list[bool], header_rows: int = 1) -> TableStyle:
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.25, GRID),
        ("TOPPADDING", (0, 0), (-1, -1), PAD_Y),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PAD_Y),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD_X),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD_X),
        ("ROWBACKGROUNDS", (0, header_rows), (-1, -1), [colors.white, ZEBRA]),
    ]
    if header_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_BG))
    commands += [("ALIGN", (i, 0), (i, -1), "RIGHT") for i, number in enumerate(numeric) if number]
    return TableStyle(commands)


def _height(paragraph: Paragraph, width: float) -> float:
    return paragraph.wrap(width - 2 * PAD_X, 10_000)[1]


def _tracked_table(counter: Counter) -> type[Table]:
    """A Table that counts its data rows as they are drawn: reportlab splits a long table
    page by page into new instances of the same class, each drawn once."""

    class Tracked(Table):
        def draw(self) -> None:
            super().draw()
            counter.add(max(len(self._cellvalues) - self.repeatRows, 0))

    return Tracked


def _table(table: DocTable, styles: dict, counter: Counter) -> list:
    n = len(table.columns)
    numeric = [_numeric(table.rows, i) for i in range(n)]
    size = 8 if n <= 8 else 6.5
    cell = ParagraphStyle("c", styles["cell"], fontSize=size, leading=size * 1.25)
    texts = [[shown(value) for value in row] for row in table.rows]
    header_texts = [str(column) for column in table.columns]
    widths = _widths(texts, header_texts, numeric, size)
    # Text that fits stays a plain string (fast to lay out); longer text wraps in a Paragraph.
    fits = [
        numeric[i]
        or all(
            pdfmetrics.stringWidth(row[i], FONT, size) + 8 <= widths[i]
            for row in texts[:WIDTH_SAMPLE]
            if i < len(row)
        )
        for i in range(n)
    ]
    head_style = ParagraphStyle("h", styles["head"], fontSize=size, leading=size * 1.25)
    head_number = ParagraphStyle("hn", styles["head_number"], fontSize=size, leading=size * 1.25)
    header = [
        Paragraph(escape(text), head_number if numeric[i] else head_style)
        for i, text in enumerate(header_texts)
    ]
    data: list[list[Any]] = [header]
    # Row heights are measured here, once: left to reportlab, a long table measures every row
    # left again at each page break (quadratic; minutes for 50,000 rows).
    line = size * 1.25 + PADDING
    heights = [max(_height(p, widths[i]) for i, p in enumerate(header)) + PADDING]
    for row in texts:
        cells = [
            text if i >= n or fits[i] else Paragraph(escape(text), cell)
            for i, text in enumerate(row)
        ]
        data.append(cells)
        heights.append(
            max(
                [line]
                + [
                    _height(c, widths[i]) + PADDING
                    for i, c in enumerate(cells)
                    if not isinstance(c, str)
                ]
            )
        )
    flowable = _tracked_table(counter)(data, colWidths=widths, rowHeights=heights, repeatRows=1)
    flowable.setStyle(_table_style(numeric))
    flowable.setStyle(TableStyle([("FONTSIZE", (0, 0), (-1, -1), size)]))
    parts: list = [Paragraph(escape(str(table.title)), styles["h2"]), flowable]
    if table.note:
        parts += [Spacer(1, 2), Paragraph(escape(str(table.note)), styles["note"])]
    return parts


def _cards(document: Document, styles: dict, counter: Counter) -> list:
    header = [_("Figure"), _("Value"), _("Note")]
    data: list[list[Any]] = [[Paragraph(escape(h), styles["head"]) for h in header]]
    for label, value, note in document.cards:
        data.append(
            [
                Paragraph(escape(str(label)), styles["cell"]),
                shown(value),
                Paragraph(escape(str(note or "")), styles["note"]),
            ]
        )
    flowable = _tracked_table(counter)(
        data, colWidths=[WIDTH * 0.45, WIDTH * 0.25, WIDTH * 0.30], repeatRows=1
    )
    flowable.setStyle(_table_style([False, True, False]))
    flowable.setStyle(TableStyle([("FONTSIZE", (0, 0), (-1, -1), 9)]))
    return [flowable]


def _numbered_canvas() -> type[Canvas]:
    """A canvas that holds its pages until the end, to write "Trang N/M" on each."""

    class Numbered(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, page in enumerate(self._pages, start=1):
                self.__dict__.update(page)
                self.setFont(FONT, 8)
                self.setFillColor(MUTED)
                label = _("Page %(page)s/%(pages)s") % {"page": number, "pages": total}
                self.drawRightString(A4[0] - MARGIN, MARGIN / 2, label)
                super().showPage()
            super().save()

    return Numbered


def render_pdf(document: Document, progress: Progress | None = None) -> bytes:
    register_fonts()
    styles = _styles(9)
    counter = Counter(progress, row_count(document))
    story: list = [Paragraph(escape(str(document.title)), styles["title"])]
    story += [Paragraph(escape(str(line)), styles["subtitle"]) for line in document.subtitle]
    if document.cards:
        story += [Spacer(1, 6), *_cards(document, styles, counter)]
    for table in document.tables:
        story += _table(table, styles, counter)
    if document.definitions:
        story.append(Paragraph(escape(_("Definitions")), styles["h2"]))
        story += [
            Paragraph(f"<b>{escape(str(name))}</b>: {escape(str(text))}", styles["definition"])
            for name, text in document.definitions
        ]
    out = io.BytesIO()
    pdf = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=str(document.title),
        author="congdong",
    )
    pdf.build(story, canvasmaker=_numbered_canvas())
    return out.getvalue()
