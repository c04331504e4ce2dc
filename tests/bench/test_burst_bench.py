"""`congdong bench burst --json`: 200 requests released at once against a limit of 10, on a
real gunicorn server — one process (counts in memory) and four processes sharing Redis — for
anonymous API calls and for wrong passwords: exactly 10 accepted, 190 refused with 429 and
Retry-After. The wrong passwords failed before the login counted tries ahead of the check."""

from __future__ import annotations

import json
import os

import pytest
from django.core.management import call_command


@pytest.mark.slow
# The bench starts its own servers on its own SQLite database and Redis prefix whatever the
# suite's database: once, in the SQLite pass.
@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="runs in the SQLite pass"
)
def test_200_parallel_requests_against_a_limit_of_10_exactly_10_accepted(capsys):
    call_command("bench", "burst", "--json")
    report = json.loads(capsys.readouterr().out.strip())
    assert report["benchmark"] == "burst"
    figures = report["figures"]
    assert "scale_error" not in figures, figures.get("scale_error")
    for deployment in ("embedded", "scale"):
        for scenario in ("api", "login"):
            key = f"{deployment}_{scenario}"
            assert figures[f"{key}_accepted"] == 10, key
            assert figures[f"{key}_refused"] == 190, key
            assert figures[f"{key}_refused_with_retry_after"] == 190, key
            assert figures[f"{key}_other"] == 0, key
    assert len(report["goals"]) == 8 and all(report["goals"].values())
    assert report["goal_met"] is True
