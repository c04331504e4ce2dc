"""`congdong bench channels-intake --json`: signed webhook events over real HTTP to the app in
gunicorn — every good event stored exactly once, every wrongly signed or repeated one refused and
counted, the figures deliver's `congdong bench channels` reads from `measure()`."""

from __future__ import annotations

import json
import os

import pytest
from django.core.management import call_command


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="runs in the SQLite pass"
)
def test_signed_events_are_stored_once_and_refusals_counted(capsys):
    call_command("bench", "channels-intake", "--events", "400", "--json")
    report = json.loads(capsys.readouterr().out.strip())
    figures = report["figures"]
    assert report["benchmark"] == "channels-intake"
    assert figures["stored"] == 400 and figures["stored_exactly_once"] is True
    assert json.loads(figures["refused_by_reason"]) == {"bad_signature": 4, "duplicate": 4}
    assert figures["unexpected_answers"] == 0
    for name in ("events_per_s", "p50_ms", "p99_ms", "hello_per_s", "ratio_to_hello"):
        assert figures[name] > 0, name
    assert report["goals"]["every event stored exactly once"] is True
    assert report["goals"]["every refusal counted"] is True
