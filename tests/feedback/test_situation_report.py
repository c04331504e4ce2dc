"""The people's situation as files and on the command line: the real export job writes the XLSX
and PDF, and `congdong report situation` prints or writes the same figures."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from congdong.feedback import actions
from congdong.insights.exports import jobs
from congdong.insights.models import Export, ExportState
from congdong.worker.jobs import JOBS
from congdong.worker.loop import Loop
from tests.clock import vn
from tests.feedback.conftest import SENT, TEXT, category, send
from tests.insights.exported import filled_cells

pytestmark = pytest.mark.django_db

RUN_EXPORTS = next(job for job in JOBS if job.name == "run-exports")
MARCH = {"tu": "2026-03-01", "den": "2026-03-31"}


@pytest.fixture
def march(people, units):
    """Three items to Bắc Ninh's subtree in March 2026 (two traffic, one environment), one
    accepted on time; one to Hà Nội."""
    a = send(people["an"], units.kinh_bac)
    actions.accept(people["kinhbac.canbo"], a.pk, now=vn(2026, 3, 3, 10))
    send(people["binh"], units.kinh_bac)
    send(people["binh"], units.sibling, category_id=category("moi-truong").pk)
    send(people["an"], units.hanoi_commune)
    return a


def report(*args: str) -> str:
    out = io.StringIO()
    call_command("report", "situation", *args, stdout=out)
    return out.getvalue()


def run(export: Export) -> Export:
    assert Loop([RUN_EXPORTS]).run_once()[0].result == 1
    return Export.objects.get(pk=export.pk)


def test_the_export_job_writes_the_situation_as_xlsx(people, units, march, media_root):
    export = jobs.request_export(
        people["bacninh.thongke"],
        "situation",
        units.bac_ninh.pk,
        MARCH | {"cap": "commune"},
        "xlsx",
    )
    export = run(export)
    assert (export.state, export.error) == (ExportState.DONE, "")
    assert export.file.name.endswith(".xlsx") and "tinh-hinh-nhan-dan-24" in export.file.name
    book = load_workbook(export.file.open("rb"))
    cells = filled_cells(book)
    assert any("Bắc Ninh" in cell for cell in cells[:3])
    assert "Hạ tầng, giao thông" in cells and "Phường Kinh Bắc" in cells
    assert TEXT not in " ".join(cells) and march.code not in " ".join(cells)
    # The category table: traffic sent 2, open 2 (one accepted, one received).
    sheet = next(
        s
        for s in book.worksheets
        if any(c.value == "Hạ tầng, giao thông" for row in s.iter_rows() for c in row)
    )
    row = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "Hạ tầng, giao thông")
    assert row[1:3] == (2, 2)


def test_the_export_job_writes_the_situation_as_pdf(people, units, march):
    export = jobs.request_export(
        people["bacninh.thongke"], "situation", units.bac_ninh.pk, MARCH, "pdf"
    )
    export = run(export)
    assert export.state == ExportState.DONE, export.error
    assert export.file.open("rb").read(5) == b"%PDF-"


def test_the_command_prints_the_situation_of_a_province(march):
    out = report(
        "--unit", "24", "--structure", "2025", "--from", "2026-03-01", "--to", "2026-03-31"
    )
    assert "Tỉnh Bắc Ninh" in out
    line = next(line for line in out.splitlines() if line.startswith("Hạ tầng, giao thông"))
    # Sent 2, open 2, none answered or rejected, both past a deadline now (November).
    assert line.split()[-5:] == ["2", "2", "0", "0", "2"]
    assert "Phường Kinh Bắc" in out
    assert TEXT not in out and march.code not in out


def test_the_command_gives_json_for_a_quarter_and_a_level(march, units):
    data = json.loads(
        report("--unit", "24", "--period", "2026-Q1", "--level", "commune", "--format", "json")
    )
    assert (data["start"], data["end"]) == ("2026-01-01", "2026-03-31")
    assert data["totals"]["sent"] == 3
    rows = {row["unit"]["code"]: row["sent"] for row in data["level_units"]}
    assert rows[units.kinh_bac.code] == 2 and rows[units.sibling.code] == 1
    # One accepted on time; two still waiting, past their deadline by now.
    assert data["accepted_on_time"] == {"on_time": 1, "due": 3, "percent": 33.3}


def test_the_command_writes_xlsx_to_a_file(march, tmp_path):
    target = tmp_path / "tinh-hinh.xlsx"
    report("--unit", "24", "--period", "2026-03", "--format", "xlsx", "--output", str(target))
    assert load_workbook(target).worksheets


@pytest.mark.parametrize(
    "args",
    [
        ("--format", "xlsx"),  # a file format needs --output
        ("--format", "docx"),
        ("--period", "2026-Q7"),
        ("--period", "2026-03", "--from", "2026-03-01"),
        ("--from", "2026-04-01", "--to", "2026-03-01"),
        ("--level", "thon"),
        ("--unit", "99999"),
    ],
)
def test_bad_input_stops_the_command(db, args):
    with pytest.raises(CommandError):
        report(*args)


def test_an_item_sent_before_the_period_is_not_counted(people, units):
    send(people["an"], units.kinh_bac, now=SENT)
    data = json.loads(report("--unit", "24", "--period", "2026-04", "--format", "json"))
    assert data["totals"]["sent"] == 0
