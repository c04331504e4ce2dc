"""Rendering a report document as CSV, XLSX and PDF, read back with the formats' own readers."""

from __future__ import annotations

import base64
import csv
import datetime
import io
import re
import shutil
import subprocess
import zlib

import pytest
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from congdong.core.numbers import Percent
from congdong.core.spreadsheets import sheet_title
from congdong.insights.exports import render
from congdong.insights.exports.document import Document, Table
from congdong.insights.exports.pdf import shown

DAY = datetime.date(2026, 11, 26)
DAY_AS_READ = datetime.datetime(2026, 11, 26)  # a spreadsheet's dates have a time


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def document(rows: int = 3) -> Document:
    return Document(
        title="Báo cáo Tỉnh Bắc Ninh",
        subtitle=["Phạm vi: Tỉnh Bắc Ninh", "Từ 01/11/2026 đến 26/11/2026"],
        cards=[("Người theo dõi", 1234567, ""), ("Tiếp cận", 48012.46, "ước tính")],
        tables=[
            Table(
                "Theo đơn vị: xã/phường [2025]",
                ["Đơn vị", "Lượt hiển thị", "Tiếp cận", "Ngày mở trang"],
                [
                    [f"Phường Kinh Bắc {n}" if n else "Phường Kinh Bắc", 1000 + n, n * 1.25, DAY]
                    for n in range(rows)
                ]
                + [["Xã chưa có trang", 0, None, None]],
                note="Tiếp cận: ước tính",
                sheet="Theo xã phường 2025",
            )
        ],
        definitions=[("Tiếp cận", "Số người khác nhau đã xem nội dung (ước tính).")],
    )


def test_csv_reads_back_with_its_vietnamese_text_plain_numbers_as_shown_and_iso_dates():
    data = render(document(), "csv")
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["Báo cáo Tỉnh Bắc Ninh"]
    assert rows[1:3] == [["Phạm vi: Tỉnh Bắc Ninh"], ["Từ 01/11/2026 đến 26/11/2026"]]
    assert ["Tiếp cận", "48012.5", "ước tính"] in rows  # one decimal, as the PDF shows it
    assert ["Người theo dõi", "1234567", ""] in rows
    header = rows.index(["Đơn vị", "Lượt hiển thị", "Tiếp cận", "Ngày mở trang"])
    assert rows[header - 1] == ["Theo đơn vị: xã/phường [2025]"]
    assert rows[header + 1] == ["Phường Kinh Bắc", "1000", "0.0", "2026-11-26"]
    assert rows[header + 2] == ["Phường Kinh Bắc 1", "1001", "1.3", "2026-11-26"]  # half up
    assert rows[header + 4] == ["Xã chưa có trang", "0", "", ""]
    assert rows[-1] == ["Tiếp cận", "Số người khác nhau đã xem nội dung (ước tính)."]


def test_csv_keeps_text_that_a_spreadsheet_would_run_as_a_formula_as_text():
    doc = Document('=HYPERLINK("http://x")', tables=[Table("t", ["a"], [["@SUM(A1)"], [-5]])])
    rows = list(csv.reader(io.StringIO(render(doc, "csv").decode("utf-8-sig"))))
    assert rows[0] == ['\'=HYPERLINK("http://x")']
    assert ["'@SUM(A1)"] in rows
    assert ["-5"] in rows  # a negative number is a number


def test_xlsx_has_an_overview_a_sheet_per_table_and_the_definitions():
    book = load_workbook(io.BytesIO(render(document(), "xlsx")))
    overview, table, definitions = book.worksheets
    assert book.sheetnames[1] == "Theo xã phường 2025"  # its chosen name, never a cut title
    assert overview.title == _("Overview")
    assert definitions.title == _("Definitions")

    assert overview["A1"].value == "Báo cáo Tỉnh Bắc Ninh" and overview["A1"].font.b
    assert [overview["A2"].value, overview["A3"].value] == [
        "Phạm vi: Tỉnh Bắc Ninh",
        "Từ 01/11/2026 đến 26/11/2026",
    ]
    cards = {row[0]: row[1:] for row in overview.iter_rows(min_row=6, values_only=True)}
    assert cards["Người theo dõi"][0] == 1234567
    assert cards["Tiếp cận"] == (48012.5, "ước tính")

    assert table["A1"].value == "Theo đơn vị: xã/phường [2025]"
    assert [c.value for c in table[2]] == ["Đơn vị", "Lượt hiển thị", "Tiếp cận", "Ngày mở trang"]
    assert all(c.font.b for c in table[2])
    assert table.freeze_panes == "A3"  # the header stays in view
    name, count, reach, opened = table[4]
    assert (name.value, count.value, reach.value) == ("Phường Kinh Bắc 1", 1001, 1.3)
    assert (count.number_format, reach.number_format) == ("#,##0", "#,##0.0")
    assert opened.value.date() == DAY and opened.number_format == "dd/mm/yyyy"
    assert [c.value for c in table[6]] == ["Xã chưa có trang", 0, None, None]
    assert table["A8"].value == "Tiếp cận: ước tính"
    assert table.column_dimensions["A"].width >= len("Phường Kinh Bắc 1")

    assert [c.value for c in definitions[2]] == [
        "Tiếp cận",
        "Số người khác nhau đã xem nội dung (ước tính).",
    ]


def test_xlsx_formula_like_text_stays_text():
    doc = Document("t", tables=[Table("t", ["a"], [["=1+1"]])])
    sheet = load_workbook(io.BytesIO(render(doc, "xlsx"))).worksheets[1]
    assert sheet["A3"].value == "=1+1" and sheet["A3"].data_type == "s"


def test_a_sheet_name_is_taken_as_chosen_or_refused_never_cut():
    taken: set[str] = set()
    assert sheet_title("Trang xem nhiều nhất", taken) == "Trang xem nhiều nhất"
    for refused in (
        "Các trang có nhiều lượt hiển thị nhất",  # 37 characters: choose a shorter name
        "Từ khóa: Đất đai",  # Excel refuses ":" (and []*?/\)
        "'Tổng quan'",
        " ",
        "TRANG XEM NHIỀU NHẤT",  # Excel ignores case: the same name twice
    ):
        with pytest.raises(ValueError):
            sheet_title(refused, taken)
    assert taken == {"trang xem nhiều nhất"}


def test_a_table_whose_title_is_no_sheet_name_and_that_has_no_short_name_is_refused():
    doc = Document("t", tables=[Table("Các trang có nhiều lượt hiển thị nhất", ["a"], [[1]])])
    with pytest.raises(ValueError):
        render(doc, "xlsx")


def test_big_tables_are_written_with_progress_rising_to_one():
    doc = document(rows=12_000)
    for fmt in ("csv", "xlsx"):
        seen: list[float] = []
        data = render(doc, fmt, seen.append)
        assert len(seen) > 10
        assert seen == sorted(seen) and seen[-1] == 1.0
        assert 0 < seen[len(seen) // 2] < 1
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[1]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 + 12_001 + 2  # title, header, rows, blank, note
    assert rows[-4] == ("Phường Kinh Bắc 11999", 12_999, 14_998.8, DAY_AS_READ)


# --- PDF: read back with a small reader of what reportlab writes ----------------------------


def _objects(data: bytes) -> dict[int, bytes]:
    return {
        int(m.group(1)): m.group(2) for m in re.finditer(rb"(\d+) 0 obj\s*(.*?)endobj", data, re.S)
    }


def _stream(body: bytes) -> bytes:
    raw = re.search(rb"stream\r?\n(.*?)endstream", body, re.S).group(1)
    if b"ASCII85Decode" in body:
        raw = base64.a85decode(raw.strip(), adobe=True)
    return zlib.decompress(raw) if b"FlateDecode" in body else raw


def _literal(text: bytes) -> bytes:
    """The bytes of a PDF literal string's inside: \\ooo, \\(, \\) and \\\\ escapes."""
    return re.sub(
        rb"\\([0-7]{1,3}|.)",
        lambda m: bytes([int(m.group(1), 8)]) if m.group(1).isdigit() else m.group(1),
        text,
    )


def pdf_pages(data: bytes) -> list[list[tuple[str, str]]]:
    """Per page, the (base font, text) of each string shown, decoded through the fonts'
    ToUnicode maps: what a PDF reader would extract."""
    objects = _objects(data)
    fonts: dict[bytes, tuple[str, dict[int, str]]] = {}  # by resource name ("F2+0")
    for body in objects.values():
        base, name = re.search(rb"/BaseFont\s*/(\S+)", body), re.search(rb"/Name /(\S+)", body)
        if base and name and b"/Type /Font" in body:
            cmap: dict[int, str] = {}
            if to_unicode := re.search(rb"/ToUnicode\s+(\d+) 0 R", body):
                text = _stream(objects[int(to_unicode.group(1))])
                for code, char in re.findall(rb"<([0-9A-F]+)> <([0-9A-F]+)>", text):
                    cmap[int(code, 16)] = chr(int(char, 16))
            fonts[name.group(1)] = (base.group(1).decode().split("+")[-1], cmap)
    pages = []
    for body in objects.values():
        if not re.search(rb"/Type /Page\b", body):
            continue
        content = _stream(objects[int(re.search(rb"/Contents (\d+) 0 R", body).group(1))])
        shown_text, font = [], None
        for op in re.finditer(rb"/(F[\w+]*) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) Tj", content):
            if op.group(1):
                font = fonts[op.group(1)]
            else:
                raw = _literal(op.group(2))
                shown_text.append((font[0], "".join(font[1].get(b, chr(b)) for b in raw)))
        pages.append(shown_text)
    return pages


def test_pdf_embeds_dejavu_sans_and_sets_the_vietnamese_text_in_it():
    data = render(document(), "pdf")
    assert data.startswith(b"%PDF")
    assert data.count(b"/FontFile2") == 2  # DejaVu Sans and its bold, embedded
    (page,) = pdf_pages(data)
    assert {font for font, _text in page} == {"DejaVuSans", "DejaVuSans-Bold"}
    texts = [text for _font, text in page]
    for expected in ("Báo cáo Tỉnh Bắc Ninh", "Phường Kinh Bắc", "ước tính", "Xã chưa có trang"):
        assert expected in texts
    assert "1.234.567" in texts and "48.012,5" in texts  # Vietnamese grouping and decimals
    assert "26/11/2026" in texts and "—" in texts
    assert _("Page %(page)s/%(pages)s") % {"page": 1, "pages": 1} in texts
    if shutil.which("pdftotext"):  # poppler, where installed, reads it the same way
        extracted = subprocess.run(
            ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
        ).stdout.decode()
        assert "Báo cáo Tỉnh Bắc Ninh" in extracted and "ước tính" in extracted


def test_a_long_pdf_table_repeats_its_header_on_every_page_and_numbers_them():
    pages = pdf_pages(render(document(rows=300), "pdf"))
    assert len(pages) > 3
    for number, page in enumerate(pages, start=1):
        texts = [text for _font, text in page]
        if any(text.startswith("Phường Kinh Bắc") for text in texts):
            assert ("DejaVuSans-Bold", "Lượt hiển thị") in page  # the header row, in bold
        assert _("Page %(page)s/%(pages)s") % {"page": number, "pages": len(pages)} in texts
    everything = [text for page in pages for _font, text in page]
    assert everything.count("Phường Kinh Bắc 299") == 1


def test_values_are_shown_the_vietnamese_way_in_the_pdf():
    assert shown(1234567) == "1.234.567"
    assert shown(12.34) == "12,3"
    assert shown(1234.56) == "1.234,6"
    assert shown(0.25) == "0,3"  # half up, not to even
    assert shown(Percent(12.5)) == "12,5 %"
    assert shown(DAY) == "26/11/2026"
    assert shown(None) == "—"
    assert shown("Phường Kinh Bắc") == "Phường Kinh Bắc"
