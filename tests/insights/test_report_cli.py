"""`congdong report coverage|page` as an operator runs it."""

from __future__ import annotations

import csv
import datetime
import io
import json
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from congdong import events
from congdong.core.numbers import format_percent
from congdong.events import EventKind
from congdong.insights import coverage
from congdong.pages.actions import do_establish_many
from congdong.pages.models import Page
from congdong.units.models import Level, Unit
from tests.insights.unit_tree import below, unit

ROOT = Path(__file__).resolve().parents[2]
VN = ZoneInfo("Asia/Ho_Chi_Minh")
OPENED = datetime.datetime(2022, 3, 1, 9, tzinfo=VN)


# The conference day's coverage of the 2022 structure, as most tests ask for it.
ON_THE_DAY = ("coverage", "--structure", "2022", "--as-of", "2022-08-05")


def report(*args: str) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def opened(db) -> Unit:
    """Every 2022 province, Bắc Ninh's first 3 districts and 7 communes open since March 2022."""
    bac_ninh = unit("2022", "27")
    do_establish_many(
        [
            *below(Unit.objects.get(structure__code="2022", depth=1), Level.PROVINCE),
            *below(bac_ninh, Level.DISTRICT)[:3],
            *below(bac_ninh, Level.COMMUNE)[:7],
        ],
        opened_at=OPENED,
    )
    return bac_ninh


def test_coverage_json_has_the_day_and_each_levels_counts(opened):
    data = json.loads(report(*ON_THE_DAY, "--format", "json"))

    assert set(data) == {"as_of", "structure", "unit", "levels"}
    assert (data["as_of"], data["structure"], data["unit"]) == ("2022-08-05", "2022", "TW")
    levels = data["levels"]
    assert levels["province"] == {"units": 63, "with_page": 63, "percent": 100.0}
    assert levels["district"] == {"units": 705, "with_page": 3, "percent": 0.4}
    assert levels["commune"] == {"units": 10_599, "with_page": 7, "percent": 0.1}
    assert set(levels) <= {"central", "province", "district", "commune"}


def test_coverage_of_one_unit_counts_only_its_subtree(opened):
    data = json.loads(report(*ON_THE_DAY, "--unit", "27", "--format", "json"))

    assert data["unit"] == "27"
    districts = Unit.objects.in_subtree(opened).filter(level=Level.DISTRICT).count()
    assert data["levels"]["province"] == {"units": 1, "with_page": 1, "percent": 100.0}
    assert data["levels"]["district"]["units"] == districts
    assert data["levels"]["district"]["with_page"] == 3
    assert "central" not in data["levels"]


def test_coverage_takes_the_structure_in_force_on_the_day(opened):
    in_2022 = json.loads(report("coverage", "--as-of", "2022-08-05", "--format", "json"))
    in_2025 = json.loads(report("coverage", "--as-of", "2025-08-01", "--format", "json"))

    assert (in_2022["structure"], in_2025["structure"]) == ("2022", "2025")
    assert "district" not in in_2025["levels"]
    assert in_2025["levels"]["province"] == {"units": 34, "with_page": 0, "percent": 0.0}


def test_coverage_before_the_pages_opened_is_zero(opened):
    data = json.loads(
        report("coverage", "--structure", "2022", "--as-of", "2022-02-28", "--format", "json")
    )

    assert {level: found["with_page"] for level, found in data["levels"].items()} == {
        "central": 0,
        "province": 0,
        "district": 0,
        "commune": 0,
    }


def test_coverage_table_lines_up_each_level(opened):
    out = report(*ON_THE_DAY)

    lines = out.splitlines()
    found = coverage.levels(
        Unit.objects.select_related("structure").get(structure__code="2022", depth=1),
        datetime.date(2022, 8, 5),
    )
    rows = lines[-len(found) :]
    for line, level in zip(rows, found, strict=True):
        assert line.startswith(level.heading)
        assert line.split()[-4:] == [
            coverage.count_text(level.units),
            coverage.count_text(level.with_page),
            *format_percent(level.percent).split(),  # "0,0 %", as on the page
        ]
    assert len({len(line) for line in rows}) == 1  # right-aligned columns end together


def test_coverage_csv_goes_to_the_screen(opened):
    out = report(*ON_THE_DAY, "--unit", "27", "--format", "csv")

    rows = list(csv.reader(io.StringIO(out)))
    assert not out.startswith("\ufeff")
    names = {row[0] for row in rows if row}
    missing = below(opened, Level.COMMUNE)[7:]
    assert {commune.full_name for commune in missing} <= names


@pytest.mark.parametrize(
    "fmt, magic", [("xlsx", b"PK"), ("pdf", b"%PDF"), ("csv", b"\xef\xbb\xbf")]
)
def test_coverage_files_are_written_to_the_output(opened, tmp_path, fmt, magic):
    target = tmp_path / f"do-phu.{fmt}"

    out = report(*ON_THE_DAY, "--unit", "27", "--format", fmt, "--output", str(target))

    assert out == ""
    assert target.read_bytes().startswith(magic)


def test_json_can_go_to_a_file(opened, tmp_path):
    target = tmp_path / "do-phu.json"

    report(*ON_THE_DAY, "--format", "json", "--output", str(target))

    assert json.loads(target.read_text(encoding="utf-8"))["levels"]["province"]["with_page"] == 63


@pytest.mark.parametrize(
    "args, shown",
    [
        (["coverage", "--structure", "2030", "--as-of", "2022-08-05"], "2030"),
        (["coverage", "--structure", "2022", "--as-of", "2022-08-05", "--unit", "9999"], "9999"),
        (["coverage", "--structure", "2022", "--as-of", "05/08/2022"], "05/08/2022"),
        (["coverage", "--structure", "2022", "--as-of", "2022-02-30"], "2022-02-30"),
        (["coverage", "--structure", "2022", "--as-of", "2022-08-05", "--format", "docx"], "docx"),
        (["coverage", "--structure", "2022", "--as-of", "2022-08-05", "--format", "xlsx"], "xlsx"),
        (["coverage", "--structure", "2022", "--as-of", "2022-08-05", "--format", "pdf"], "pdf"),
        # The 2025 units did not exist in 2022.
        (["coverage", "--structure", "2025", "--as-of", "2022-08-05"], "05/08/2022"),
        (["page", "khong-co-trang-nay"], "khong-co-trang-nay"),
        (["page", "x", "--from", "2022-08-06", "--to", "2022-08-05"], "06/08/2022"),
        (["page", "x", "--to", "tomorrow"], "tomorrow"),
        (["page", "x", "--format", "csv"], "csv"),
    ],
)
def test_bad_input_is_refused_with_a_message_naming_it(opened, args, shown):
    with pytest.raises(CommandError) as refused:
        report(*args)

    assert shown in str(refused.value)


@pytest.mark.parametrize(
    "args",
    [
        ["coverage", "--structure", "2022", "--as-of", "2022-13-01", "--format", "csv"],
        ["coverage", "--structure", "2030", "--format", "json"],
        ["coverage", "--structure", "2022", "--unit", "9999", "--format", "csv"],
    ],
)
def test_bad_input_writes_no_file(opened, tmp_path, args):
    target = tmp_path / "out"

    with pytest.raises(CommandError):
        report(*args, "--output", str(target))

    assert not target.exists()


def test_bad_input_exits_non_zero_with_the_message_on_stderr(tmp_path):
    # Refused before the database is read: a fresh data directory is enough.
    result = subprocess.run(
        [sys.executable, "-m", "congdong.cli", "report", "coverage", "--as-of", "2022-13-01"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "CONGDONG_DATA_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "congdong.settings",
        },
        timeout=120,
    )

    assert result.returncode != 0
    assert "2022-13-01" in result.stderr
    assert result.stdout == ""


@pytest.fixture
def central_page(opened) -> Page:
    """The central page (2022), with a week of events in July 2022."""
    tree = Unit.objects.get(structure__code="2022", depth=1)
    do_establish_many([tree], opened_at=OPENED)
    page = Page.objects.get(unit=tree)

    def on(day: int, kind: EventKind, visitors: list[str]) -> list[events.RawEvent]:
        at = datetime.datetime(2022, 7, day, 10, tzinfo=VN)
        return [events.make(kind, page.pk, visitor=v, at=at) for v in visitors]

    batch = [
        *on(1, EventKind.FOLLOW, ["u1", "u2", "u3"]),
        *on(2, EventKind.UNFOLLOW, ["u3"]),
        *on(2, EventKind.PUBLISH, ["u100"]),
        *on(3, EventKind.REFERRAL_OPEN, ["u4", "v-a"]),
        *on(3, EventKind.REFERRAL_FOLLOW, ["u4"]),
        *on(4, EventKind.POST_VIEW, ["u1", "u2", "v-b"]),
        *on(5, EventKind.REACTION, ["u1", "u2"]),
        *on(5, EventKind.COMMENT, ["u1"]),
        *on(6, EventKind.SHARE, ["u2"]),
        # Outside a period ending on 6 July.
        *on(20, EventKind.FOLLOW, ["u9"]),
    ]
    events.store(batch)
    return page


def test_page_json_has_the_pages_own_figures(central_page):
    data = json.loads(report("page", central_page.slug, "--to", "2022-07-06", "--format", "json"))

    assert data["page"] == central_page.slug
    assert (data["structure"], data["unit"], data["to"]) == ("2022", "TW", "2022-07-06")
    figures = data["figures"]
    assert figures["followers"] == 2
    assert (figures["followers_gained"], figures["followers_lost"]) == (3, 1)
    assert figures["posts"] == 1
    assert (figures["referrals"], figures["referral_follows"]) == (2, 1)
    assert figures["impressions"] == 3
    assert (figures["reactions"], figures["comments"], figures["shares"]) == (2, 1, 1)
    assert figures["engagement"] == 4
    # u4, v-a (referral opens) and u1, u2, v-b (views): small counts are exact.
    assert figures["reach"] == pytest.approx(5, abs=0.01)
    assert figures["reach_low"] <= figures["reach"] <= figures["reach_high"]


def test_page_figures_follow_the_period(central_page):
    data = json.loads(
        report(
            "page",
            central_page.slug,
            "--from",
            "2022-07-04",
            "--to",
            "2022-07-31",
            "--format",
            "json",
        )
    )

    figures = data["figures"]
    assert figures["followers"] == 3  # a total at the end of the period, whenever they came
    assert (figures["followers_gained"], figures["posts"], figures["referrals"]) == (1, 0, 0)
    assert figures["impressions"] == 3


def test_page_table_prints_each_figure(central_page):
    out = report("page", central_page.slug, "--to", "2022-07-06")

    lines = out.splitlines()
    assert lines[0].startswith(central_page.name)
    values = [line.split()[-1] for line in lines[3:] if "(" not in line]
    assert len(lines) == 3 + 13
    assert values[0] == "2"  # followers first
