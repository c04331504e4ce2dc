# ruff: noqa: F811 (the fixtures imported from the feedback and posts tests are arguments here)
"""Opinion data stays aggregate (issue 15.2): every figure of the people's situation an analyst
sees — on the page, in the API, on the command line (table and JSON) and in the exported XLSX,
PDF and CSV — stands for at least k distinct senders (CONGDONG_OPINION_MIN_SENDERS, 5 here).

The subtree: six citizens write about rubbish to Kinh Bắc (traffic), five about street lights to
the province itself (land), and one citizen — alone in their commune and in their category —
twice about an illegal cemetery (environment: one feedback item and one comment). That one
person's complaint must not be readable: not its keyword, not its commune's or category's
small counts; the six and the five stay exact, and "other" keeps the totals honest."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from congdong.engagement.actions import comments as comment_actions
from congdong.insights.exports import jobs
from congdong.insights.figures import Period
from congdong.insights.models import Export, ExportState
from congdong.worker.jobs import JOBS
from congdong.worker.loop import Loop
from tests.conftest import client_for
from tests.engagement.conftest import citizen, published
from tests.feedback.conftest import category, people, send, units  # noqa: F401 (fixtures)
from tests.insights.exported import filled_cells
from tests.insights.test_exports import pdf_pages
from tests.posts.conftest import pages, regulation  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

K = 5
LONE_WORD = "nghĩa trang"
COMMON_WORD = "rác thải"
RUN_EXPORTS = next(job for job in JOBS if job.name == "run-exports")


@pytest.fixture
def subtree(settings, tmp_path, people, units, pages):
    settings.OPINION_MIN_SENDERS = K
    settings.MEDIA_ROOT = tmp_path
    now = timezone.now() - datetime.timedelta(minutes=5)
    for n in range(6):
        send(
            citizen(f"+8491300010{n}", f"Người dân {n}"),
            units.kinh_bac,
            now=now,
            text="Rác thải ùn ứ ở đầu chợ, đề nghị thu gom hằng ngày.",
        )
    for n in range(5):
        send(
            citizen(f"+8491300020{n}", f"Cư dân {n}"),
            units.bac_ninh,
            now=now,
            category_id=category("dat-dai").pk,
            text="Đèn chiếu sáng công cộng trên trục đường chính bị hỏng.",
        )
    lone = citizen("+84913000300", "Phạm Văn Lẻ")
    send(
        lone,
        units.sibling,
        now=now,
        category_id=category("moi-truong").pk,
        text="Nghĩa trang tự phát xả nước bẩn ra mương.",
    )
    post = published(pages.kinh_bac, title="Ra quân làm sạch môi trường khu dân cư")
    comment_actions.comment(lone, post.pk, "Nghĩa trang tự phát vẫn chưa được xử lý.")
    today = timezone.localdate()
    return Period.last(7, today)


# ---------------------------------------------------------------- each output, as cells


def _html_cells(html: str) -> list[str]:
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", html, re.S)
    return [re.sub(r"<[^>]+>", "", c).replace("&lt;", "<").strip() for c in cells]


def _json_cells(data: dict) -> list[str]:
    cells: list[str] = []
    for key in ("children", "level_units"):
        for row in data[key]:
            cells += [row["unit"]["name"], *(str(row[m]) for m in MEASURES)]
    for row in data["categories"]:
        cells += [row["name"], *(str(row[m]) for m in MEASURES)]
    return cells


MEASURES = ("sent", "open", "answered", "rejected", "overdue")


def web(people, units, period):
    response = client_for(people["bacninh.thongke"]).get(
        f"/lam-viec/tinh-hinh-nhan-dan/{units.bac_ninh.pk}/",
        {"tu": period.start.isoformat(), "den": period.end.isoformat(), "cap": "commune"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    return _html_cells(html), html


def api(people, units, period):
    client = client_for(people["bacninh.thongke"])
    query = {"from": period.start.isoformat(), "to": period.end.isoformat(), "level": "commune"}
    data = client.get(f"/api/v1/feedback/situation/{units.bac_ninh.pk}", query).json()
    words = client.get(f"/api/v1/feedback/situation/{units.bac_ninh.pk}/keywords", query).json()
    return _json_cells(data), json.dumps([data, words], ensure_ascii=False)


def _report(*args: str) -> str:
    out = io.StringIO()
    call_command("report", "situation", *args, stdout=out)
    return out.getvalue()


def _cli_args(units, period) -> list[str]:
    return [
        "--unit",
        units.bac_ninh.code,
        "--from",
        period.start.isoformat(),
        "--to",
        period.end.isoformat(),
        "--level",
        "commune",
    ]


def cli_json(people, units, period):
    text = _report(*_cli_args(units, period), "--format", "json")
    return _json_cells(json.loads(text)), text


def cli_table(people, units, period):
    # The level table replaces "by unit below" on the command line: ask for both.
    text = _report(*_cli_args(units, period)[:-2], "--format", "table")
    text += _report(*_cli_args(units, period), "--format", "table")
    cells = [cell.strip() for line in text.splitlines() for cell in re.split(r"\s{2,}", line)]
    return cells, text


def _export(people, units, period, fmt: str) -> bytes:
    export = jobs.request_export(
        people["bacninh.thongke"],
        "situation",
        units.bac_ninh.pk,
        {"tu": period.start.isoformat(), "den": period.end.isoformat(), "cap": "commune"},
        fmt,
    )
    assert Loop([RUN_EXPORTS]).run_once()[0].result == 1
    export = Export.objects.get(pk=export.pk)
    assert (export.state, export.error) == (ExportState.DONE, "")
    return export.file.open("rb").read()


def export_xlsx(people, units, period):
    book = load_workbook(io.BytesIO(_export(people, units, period, "xlsx")))
    cells = filled_cells(book)
    return cells, "\n".join(cells)


def export_pdf(people, units, period):
    cells = [text for page in pdf_pages(_export(people, units, period, "pdf")) for _f, text in page]
    return cells, "\n".join(cells)


def export_csv(people, units, period):
    text = _export(people, units, period, "csv").decode("utf-8-sig")
    cells = [cell.strip() for row in csv.reader(io.StringIO(text)) for cell in row if cell.strip()]
    return cells, text


OUTPUTS = [web, api, cli_json, cli_table, export_xlsx, export_pdf, export_csv]
# The outputs that carry the keywords (the CLI's table and JSON are the figures only).
WITH_KEYWORDS = {web, api, export_xlsx, export_pdf, export_csv}


def _after(cells: list[str], name: str, n: int = 5) -> list[list[str]]:
    """The n figures after each cell that is exactly `name` (a row of a table); the per-level
    table's "part of" column (a unit's name) is skipped."""
    rows = []
    for i, cell in enumerate(cells):
        if cell == name:
            following = cells[i + 1 : i + 2 + n]
            if following and following[0].startswith(("Tỉnh", "Thành phố")):
                following = following[1:]
            rows.append(following[:n])
    return rows


@pytest.mark.parametrize("output", OUTPUTS, ids=lambda f: f.__name__)
def test_one_senders_complaint_is_not_readable_in_any_output(
    output,
    subtree,
    people,
    units,
):
    cells, text = output(people, units, subtree)
    small = f"< {K}"
    # Their commune and their category read "< k" in every column: never 1 (or 2).
    for name in (units.sibling.full_name, category("moi-truong").name):
        rows = _after(cells, name)
        assert rows, f"{name} is not in the output"
        for row in rows:
            assert row == [small] * 5, f"{name}: {row}"
    # Their keyword (one feedback item and one comment: two items, one person) is not shown.
    assert LONE_WORD not in text.lower()
    # Groups of k senders or more keep their exact figures, and a shared keyword is shown.
    for name in (units.kinh_bac.full_name, category().name):
        for row in _after(cells, name):
            assert row[0] == "6", f"{name}: {row}"
    if output in WITH_KEYWORDS:
        assert COMMON_WORD in text.lower()


def test_the_other_row_keeps_the_totals_honest_without_giving_a_small_cell_away(
    subtree,
    people,
    units,
):
    data = json.loads(api(people, units, subtree)[1])[0]
    assert data["min_senders"] == K and data["totals"]["sent"] == 12
    shown = [row["sent"] for row in data["children"] if isinstance(row["sent"], int)]
    own = data["own"]["sent"]
    other = data["other_children"]["sent"]
    # The lone sender's 1 item merged alone would be "< 5" and 12 − 6 − 5 = 1 would give it
    # away: the province's own 5 are merged with it, and "other" stands for 6 senders.
    assert (shown, own, other) == ([6], f"< {K}", 6)
    assert sum(shown) + other == data["totals"]["sent"]
    assert data["other_categories"]["sent"] == 6
    # Response times of fewer than k items are not shown.
    assert data["hours_to_accept"] == {"items": f"< {K}", "median": None, "mean": None}
    words = json.loads(api(people, units, subtree)[1])[1]
    assert words["min_senders"] == K
    assert all(isinstance(g["items"], int) or g["items"] == f"< {K}" for g in words["by_category"])
    environment = next(g for g in words["by_category"] if g["name"] == category("moi-truong").name)
    assert environment["items"] == f"< {K}" and environment["keywords"] == []
