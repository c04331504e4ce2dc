"""`congdong demo` builds the same data every time: two fresh installations, each built by the
command itself (its own data folder, its embedded event flusher running as in a real demo),
hold the same figures, every figure equals the rows it counts, and nothing prints a traceback.

The command runs in subprocesses because that is where the demo used to go wrong: the flusher
thread wrote the set-up's own events beside it, so the history step sometimes skipped itself
("0 events for insights") and publications were counted twice. The demo is the embedded
(SQLite) configuration, built in folders of its own whatever the suite's database; with 300
citizens a build takes about 25 s (the two run side by side)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from congdong_tools.demo.personas import PERSONAS
from tests.core.test_backup_restore import ROOT, python_in

CITIZENS = "300"
SUMMARY = """
from congdong.units.models import Level, Unit
print(json.dumps({"communes_2025": Unit.objects.filter(
    structure__code="2025", level=Level.COMMUNE).count()}))
"""
FIGURES = """
import datetime
from django.db.models import Count
from django.utils import timezone
from congdong.engagement.models import Comment, Follow, Reaction, ReferralOpen, Share
from congdong.insights import dashboard, figures
from congdong.insights.figures import Period
from congdong.insights.models import DayCount, Event
from congdong.pages.models import Page
from congdong.units.models import Unit

all_time = Period(datetime.date(2020, 1, 1), timezone.localdate())
nation = Unit.objects.get(structure__code="2025", depth=1)
now_2025 = {"page__unit__structure__code": "2025"}
pages = Page.objects.filter(follows__isnull=False).distinct().select_related("unit")
old = Unit.objects.select_related("structure").get(structure__code="2022", depth=1)
print(json.dumps({
    "totals": figures.totals(nation, all_time),
    "ended": figures.totals(old, dashboard.default_period(old))["impressions"],
    "events": dict(Event.objects.values_list("kind").annotate(n=Count("pk")).order_by()),
    "publications": Event.objects.filter(kind="publish").values("post_id").distinct().count(),
    "day_rows": {
        str(unit): n
        for unit, n in DayCount.objects.filter(span="d").values_list("unit_id")
        .annotate(n=Count("pk")).order_by()
    },
    "own": {
        page.slug: [figures.own(page.unit, all_time)["followers"], page.follows.count()]
        for page in pages
    },
    "rows": {
        "followers": Follow.objects.filter(**now_2025).count(),
        "reactions": Reaction.objects.filter(post__page__unit__structure__code="2025").count(),
        "comments": Comment.objects.filter(post__page__unit__structure__code="2025").count(),
        "shares": Share.objects.filter(**now_2025).count(),
        "referrals": ReferralOpen.objects.filter(**now_2025).count(),
    },
}, sort_keys=True))
"""

# The demo is the embedded configuration: its installations are SQLite files in folders of their
# own, built in subprocesses without DATABASE_URL or REDIS_URL, whichever database the suite
# uses. CI builds them once, in the PostgreSQL pass (the SQLite pass is the longer one).
pytestmark = [pytest.mark.slow, pytest.mark.backend_neutral(run_in="postgres")]


def _env(data_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    # The flusher thread on, as in a real demo (pytest turns it off in this process only).
    env.pop("CONGDONG_EVENTS_FLUSH_SECONDS", None)
    return env | {"CONGDONG_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "congdong.settings"}


def test_two_fresh_demos_hold_the_same_figures_and_the_figures_are_the_rows(tmp_path):
    dirs = [tmp_path / "first", tmp_path / "second"]
    builds = [
        subprocess.Popen(
            [sys.executable, "-m", "congdong.cli", "demo", "--no-serve", "--citizens", CITIZENS],
            cwd=ROOT,
            env=_env(folder),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for folder in dirs
    ]
    outputs = [build.communicate(timeout=600) for build in builds]
    loaded = []
    for build, (out, err) in zip(builds, outputs, strict=True):
        assert build.returncode == 0, err[-3000:]
        assert "Traceback" not in out + err, (out + err)[-3000:]
        found = re.search(r"([\d,]+) events for insights", out)
        assert found, out[-2000:]
        loaded.append(int(found[1].replace(",", "")))
    assert loaded[0] == loaded[1] > 0

    first, second = (python_in(_env(folder), FIGURES) for folder in dirs)
    assert first == second

    totals, rows = first["totals"], first["rows"]
    for key, value in rows.items():
        assert totals[key] == value, key
    for slug, (shown, follows) in first["own"].items():
        assert shown == follows, slug
    assert first["events"]["publish"] == first["publications"]  # each publication once
    assert first["day_rows"]
    assert first["ended"] > 0  # the 2022 dashboards open on days with figures

    # The newcomer's console: every login, the citizen's number; the real 2025 tree.
    for login in (*(p.username for p in PERSONAS), "admin", "0912 345 678"):
        assert login in outputs[0][0], login
    summary = python_in(_env(dirs[0]), SUMMARY)
    assert summary["communes_2025"] == 3321
    # A second run on the same folder adds nothing.
    again = subprocess.run(
        [sys.executable, "-m", "congdong.cli", "demo", "--no-serve", "--citizens", CITIZENS],
        cwd=ROOT,
        env=_env(dirs[0]),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert again.returncode == 0, again.stderr[-3000:]
    assert "nothing changed" in again.stdout
    assert python_in(_env(dirs[0]), FIGURES) == first
