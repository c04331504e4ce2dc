"""`congdong bench fuzz --json --sample` on a sample: schemathesis' cases against /api/v1/ as an
anonymous visitor, a citizen and the central admin, on the sample demo's data — 0 server errors;
and the OpenAPI document the fuzzer reads gives each schema its own name."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from congdong_tools.bench import fuzz

SAMPLE = 300


def test_the_api_document_names_each_schema_once():
    # django-ninja keeps one schema per name: two `PageOut`s documented /pages with the
    # handbook's fields, and the fuzzer found every page "violating" it.
    assert fuzz.schema_clashes() == []


@pytest.mark.slow
# The bench makes its own SQLite database whatever the suite's: once, in the PostgreSQL pass,
# the shorter of CI's two (the full run on PostgreSQL is `congdong bench fuzz --database-url
# postgres://…`).
@pytest.mark.backend_neutral(run_in="postgres")
def test_a_sample_of_fuzzed_requests_gets_no_server_error(capsys):
    call_command("bench", "fuzz", "--json", "--cases", str(SAMPLE), "--sample")
    report = json.loads(capsys.readouterr().out.strip())
    assert report["benchmark"] == "fuzz"
    figures = report["figures"]
    assert figures["server_errors"] == 0, figures.get("first_server_error")
    assert figures["cases"] >= SAMPLE
    assert figures["operations"] >= 90 and figures["callers"] == 3
    # Signed-in callers get past 401: some requests are answered 2xx, most refused with 4xx.
    assert figures["answers_2xx"] > 0 and figures["answers_4xx"] > 0
    assert figures["demo"] == "sample" and figures["posts"] > 0 and figures["feedback"] > 0
    assert report["goals"] == {
        "0 server errors (5xx)": True,
        f"≥ {SAMPLE:,} requests": True,
        "on the full demo data set": False,  # a sample never claims the goals
    }
    assert report["goal_met"] is False
