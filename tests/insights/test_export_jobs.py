"""Export jobs: asked for over HTTP, run by the worker's sweep or the Celery task, downloaded by
their owner only."""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from congdong.core.errors import ActionError
from congdong.insights import reports
from congdong.insights.exports import jobs
from congdong.insights.exports.document import Document, Table
from congdong.insights.models import Export, ExportState
from congdong.insights.tasks import run_export
from congdong.units.models import Unit
from congdong.worker.jobs import JOBS
from congdong.worker.loop import Loop
from tests.conftest import client_for, unit_2025

RUN_EXPORTS = next(job for job in JOBS if job.name == "run-exports")
START = reverse("insights:export-start")


def tiny_report(unit: Unit, params: dict[str, str]) -> Document:
    """A report of the unit's name and the period asked for, with a few hundred rows."""
    return Document(
        title=f"Báo cáo {unit.full_name}",
        subtitle=[f"{params.get('tu', '')} – {params.get('den', '')}"],
        cards=[("Tiếp cận", 48012.5, "ước tính")],
        tables=[
            Table(
                "Theo xã, phường",
                ["Đơn vị", "Lượt hiển thị", "Ngày"],
                [["Phường Kinh Bắc", n, datetime.date(2026, 11, 26)] for n in range(600)],
            )
        ],
        definitions=[("Tiếp cận", "Số người khác nhau đã xem (ước tính).")],
    )


def broken_report(unit: Unit, params: dict[str, str]) -> Document:
    raise RuntimeError("secret internal detail")


@pytest.fixture(autouse=True)
def registered_reports(monkeypatch, settings, tmp_path):
    """The tiny reports registered, files written under this test's folder."""
    monkeypatch.setitem(reports.BUILDERS, "tiny", f"{__name__}.tiny_report")
    monkeypatch.setitem(reports.BUILDERS, "broken", f"{__name__}.broken_report")
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"


@pytest.fixture
def vietnamese():
    with translation.override("vi"):
        yield


def ask(user, unit_id: int, fmt: str = "xlsx", kind: str = "tiny", **params: str) -> Export:
    return jobs.request_export(user, kind, unit_id, params, fmt)


def state(export: Export) -> Export:
    return Export.objects.get(pk=export.pk)


@pytest.mark.django_db
def test_an_analyst_exports_their_province_and_the_worker_cycle_writes_the_file(personas):
    analyst = personas["bacninh.thongke"]
    bac_ninh = unit_2025("24")
    response = client_for(analyst).post(
        START,
        {
            "kind": "tiny",
            "unit": bac_ninh.pk,
            "format": "xlsx",
            "tu": "2026-11-01",
            "den": "2026-11-26",
        },
    )
    export = Export.objects.get(user=analyst)
    assert response.status_code == 302
    assert response["Location"] == reverse("insights:export-status", args=[export.pk])
    assert (export.state, export.kind, export.unit, export.format) == (
        ExportState.QUEUED,
        "tiny",
        bac_ninh,
        "xlsx",
    )
    assert export.params == {"tu": "2026-11-01", "den": "2026-11-26"}

    (outcome,) = Loop([RUN_EXPORTS]).run_once()
    assert (outcome.error, outcome.result) == ("", 1)
    export = state(export)
    assert (export.state, export.progress, export.error) == (ExportState.DONE, 100, "")
    assert export.started_at <= export.finished_at
    book = load_workbook(export.file.open("rb"))
    assert book.worksheets[0]["A1"].value == "Báo cáo Tỉnh Bắc Ninh"
    assert book.worksheets[0]["A2"].value == "2026-11-01 – 2026-11-26"
    assert book.worksheets[1]["B602"].value == 599
    assert Loop([RUN_EXPORTS]).run_once()[0].result == 0  # nothing left to run


@pytest.mark.django_db
def test_the_celery_task_runs_a_queued_export_once(personas):
    export = ask(personas["bacninh.thongke"], unit_2025("24").pk, "csv")
    assert run_export(export.pk) is True
    assert run_export(export.pk) is False  # a second message (redelivery) does nothing
    export = state(export)
    assert export.state == ExportState.DONE
    rows = list(csv.reader(io.StringIO(export.file.read().decode("utf-8-sig"))))
    assert rows[0] == ["Báo cáo Tỉnh Bắc Ninh"]
    assert ["Phường Kinh Bắc", "599", "2026-11-26"] in rows


@pytest.mark.django_db
def test_only_one_worker_claims_an_export(personas):
    export = ask(personas["bacninh.thongke"], unit_2025("24").pk)
    assert jobs.claim(export.pk).state == ExportState.RUNNING
    assert jobs.claim(export.pk) is None
    assert jobs.run_export(export.pk) is False


@pytest.mark.django_db
def test_a_report_that_fails_marks_the_export_failed_without_the_traceback(personas, caplog):
    export = ask(personas["bacninh.thongke"], unit_2025("24").pk, "pdf", kind="broken")
    assert Loop([RUN_EXPORTS]).run_once()[0].result == 1
    export = state(export)
    assert export.state == ExportState.FAILED and not export.file
    assert export.error and "secret internal detail" not in export.error
    assert "secret internal detail" in caplog.text  # for the administrator, in the log
    page = client_for(personas["bacninh.thongke"]).get(
        reverse("insights:export-status", args=[export.pk])
    )
    assert export.error in page.content.decode()
    assert b'data-testid="export-download"' not in page.content


@pytest.mark.django_db
def test_an_export_whose_owner_lost_the_unit_fails_when_it_runs(personas):
    analyst = personas["bacninh.thongke"]
    export = ask(analyst, unit_2025("24").pk)
    analyst.memberships.all().delete()
    assert jobs.run_export(export.pk) is True
    assert state(export).state == ExportState.FAILED


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["01", "TW"])  # a sibling province, the parent
def test_a_bac_ninh_analyst_cannot_export_another_unit(personas, code):
    analyst = personas["bacninh.thongke"]
    other = unit_2025(code)
    with pytest.raises(Http404):  # out of scope: the unit does not exist for them
        ask(analyst, other.pk)
    response = client_for(analyst).post(START, {"kind": "tiny", "unit": other.pk, "format": "pdf"})
    assert response.status_code == 404
    assert not Export.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"format": "docx"}, "Choose CSV, XLSX or PDF."),
        ({"kind": "secrets"}, "Unknown report."),
        ({"unit": "abc"}, "Choose a unit."),
        ({"tu": "26/11/2026"}, "Enter dates as YYYY-MM-DD."),
        ({"tu": "2026-11-26", "den": "2026-11-01"}, "The start date is after the end date."),
        ({"tu": "2020-01-01", "den": "2023-01-02"}, "A report covers at most %(years)s years."),
        ({"cap": "galaxy"}, "Unknown level."),
    ],
)
def test_bad_requests_are_refused_with_their_reason_and_nothing_is_queued(
    personas, vietnamese, fields, message
):
    form = {"kind": "tiny", "unit": unit_2025("24").pk, "format": "xlsx"} | fields
    response = client_for(personas["bacninh.thongke"]).post(START, form)
    assert response.status_code == 400
    assert (_(message) % {"years": 3}).encode() in response.content
    assert not Export.objects.exists()


@pytest.mark.django_db
def test_three_years_is_the_longest_period(personas):
    export = ask(personas["bacninh.thongke"], unit_2025("24").pk, tu="2020-02-29", den="2023-02-28")
    assert export.params == {"tu": "2020-02-29", "den": "2023-02-28"}


@pytest.mark.django_db
def test_at_most_five_exports_under_way_per_person(personas, vietnamese):
    analyst, bac_ninh = personas["bacninh.thongke"], unit_2025("24").pk
    for _n in range(jobs.MAX_OPEN):
        ask(analyst, bac_ninh)
    with pytest.raises(ActionError) as refused:
        ask(analyst, bac_ninh)
    assert refused.value.status == 429
    response = client_for(analyst).post(START, {"kind": "tiny", "unit": bac_ninh, "format": "csv"})
    assert response.status_code == 429
    assert Export.objects.count() == jobs.MAX_OPEN
    jobs.run_export(Export.objects.last().pk)  # one done: room for another
    ask(analyst, bac_ninh)


@pytest.mark.django_db
def test_the_status_polls_while_under_way_then_offers_the_download(personas):
    analyst = personas["bacninh.thongke"]
    client = client_for(analyst)
    response = client.post(
        START, {"kind": "tiny", "unit": unit_2025("24").pk, "format": "pdf"}, HTTP_HX_REQUEST="true"
    )
    export = Export.objects.get(user=analyst)
    status_url = reverse("insights:export-status", args=[export.pk])
    assert response.status_code == 200  # htmx: the status fragment itself
    assert b'data-testid="export-progress"' in response.content
    assert f'hx-get="{status_url}"'.encode() in response.content
    assert b'hx-trigger="every 1s"' in response.content

    page = client.get(status_url)
    assert b'<progress max="100" value="0"' in page.content
    assert export.unit.full_name.encode() in page.content

    jobs.run_exports()
    fragment = client.get(status_url, HTTP_HX_REQUEST="true")
    assert b"<html" not in fragment.content
    assert b"hx-trigger" not in fragment.content  # done: the polling stops
    assert b'<progress max="100" value="100"' in fragment.content
    download = reverse("insights:export-download", args=[export.pk])
    assert f'data-testid="export-download" href="{download}"'.encode() in fragment.content


@pytest.mark.django_db
def test_the_download_is_the_file_with_its_type_and_an_ascii_name(personas):
    analyst = personas["bacninh.thongke"]
    export = ask(analyst, unit_2025("24").pk, "xlsx")
    jobs.run_exports()
    response = client_for(analyst).get(reverse("insights:export-download", args=[export.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    day = timezone.localdate(export.created_at).isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="bao-cao-bac-ninh-{day}.xlsx"'
    )
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.worksheets[0]["A1"].value == "Báo cáo Tỉnh Bắc Ninh"


@pytest.mark.django_db
def test_nobody_else_sees_or_downloads_an_export(personas):
    export = ask(personas["bacninh.thongke"], unit_2025("24").pk)
    jobs.run_exports()
    for username in ("bacninh.quantri", "hanoi.quantri", "tiendu.canbo"):
        client = client_for(personas[username])
        for name in ("export-status", "export-download"):
            assert client.get(reverse(f"insights:{name}", args=[export.pk])).status_code == 404
        listed = client.get(reverse("insights:export-list")).content.decode()
        assert reverse("insights:export-status", args=[export.pk]) not in listed


@pytest.mark.django_db
def test_my_exports_are_listed_with_their_state(personas):
    analyst = personas["bacninh.thongke"]
    done = ask(analyst, unit_2025("24").pk, "csv")
    jobs.run_exports()
    queued = ask(analyst, unit_2025("24").pk, "pdf")
    page = client_for(analyst).get(reverse("insights:export-list")).content.decode()
    assert reverse("insights:export-download", args=[done.pk]) in page
    assert reverse("insights:export-status", args=[queued.pk]) in page
    assert reverse("insights:export-download", args=[queued.pk]) not in page


@pytest.mark.django_db
def test_progress_is_written_to_the_row_short_of_100_until_the_file_is_saved(personas):
    export = jobs.claim(ask(personas["bacninh.thongke"], unit_2025("24").pk).pk)
    write = jobs.ProgressWriter(export.pk)
    write(0.5)
    assert state(export).progress == 55  # building the document counts for the first 10 %
    write(1.0)
    assert state(export).progress == 99


@pytest.mark.django_db
def test_the_sweep_fails_stale_runs_and_deletes_day_old_files(personas):
    analyst, bac_ninh = personas["bacninh.thongke"], unit_2025("24").pk
    old = ask(analyst, bac_ninh)
    jobs.run_export(old.pk)
    old = state(old)
    path = old.file.path
    stuck = ask(analyst, bac_ninh)
    jobs.claim(stuck.pk)
    long_ago = timezone.now() - datetime.timedelta(hours=25)
    Export.objects.filter(pk=old.pk).update(finished_at=long_ago)
    Export.objects.filter(pk=stuck.pk).update(started_at=long_ago)

    jobs.run_exports()
    assert state(stuck).state == ExportState.FAILED and state(stuck).error
    old = state(old)
    assert old.state == ExportState.DONE and not old.file
    assert not Path(path).exists()
    response = client_for(analyst).get(reverse("insights:export-download", args=[old.pk]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_task_is_sent_after_commit_only_when_there_is_a_broker(
    personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        ask(personas["bacninh.thongke"], unit_2025("24").pk)
    # Without a broker the embedded worker's sweep runs it (a task sent now would run inside
    # the request); with Redis the task goes to the Celery workers once the row is committed.
    assert len(callbacks) == (0 if django_settings.CELERY_TASK_ALWAYS_EAGER else 1)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
@pytest.mark.parametrize("kind", ["dashboard", "coverage", "conference"])
def test_every_report_of_the_site_exports_in_every_format(personas, kind, fmt):
    export = ask(personas["bacninh.thongke"], unit_2025("24").pk, fmt, kind=kind)
    assert jobs.run_export(export.pk)
    export = state(export)
    assert (export.state, export.error) == (ExportState.DONE, "")
    data = export.file.read()
    if fmt == "csv":
        assert "Bắc Ninh" in data.decode("utf-8-sig")
    elif fmt == "xlsx":
        overview = load_workbook(io.BytesIO(data)).worksheets[0]
        assert any("Bắc Ninh" in str(cell.value) for row in overview["A1:A5"] for cell in row)
    else:
        assert data.startswith(b"%PDF") and b"/FontFile2" in data
