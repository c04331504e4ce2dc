"""`congdong bench rollup --json` at a tiny scale, on the local PostgreSQL server: one JSON
object with its figures and goals (no timing asserts), and the scratch database gone after."""

from __future__ import annotations

import json
import os

import psycopg
import pytest
from django.core.management import call_command

from congdong_tools.bench import rollup

pytestmark = pytest.mark.slow

SERVER = rollup._server_url(None)


def databases() -> set[str]:
    with psycopg.connect(SERVER.replace("postgres://", "postgresql://", 1)) as connection:
        return {name for (name,) in connection.execute("SELECT datname FROM pg_database")}


def postgres_up() -> bool:
    try:
        databases()
    except psycopg.Error:
        return False
    return True


# The bench measures PostgreSQL whatever the suite's database: it runs in the PostgreSQL pass.
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="runs in the PostgreSQL pass (DATABASE_URL=postgres://…)",
)
@pytest.mark.skipif(not postgres_up(), reason=f"no PostgreSQL server at {SERVER}")
def test_the_benchmark_builds_a_year_of_figures_measures_both_ways_and_drops_its_database(
    capsys,
):
    before = databases()
    call_command("bench", "rollup", "--json", "--events", "3000", "--days", "3")
    report = json.loads(capsys.readouterr().out.strip())
    assert report["benchmark"] == "rollup"
    figures = report["figures"]
    assert figures["units_with_pages"] == 11_368  # every unit of the 2022 tree
    assert figures["events"] == 3000 and figures["days"] == 3
    assert figures["daycount_rows"] > 0 and figures["reachsketch_rows"] > 0
    assert figures["ours_p95_ms"] >= figures["ours_p50_ms"] > 0
    assert figures["raw_min_ms"] > 0
    assert figures["speedup"] == pytest.approx(
        figures["raw_min_ms"] / figures["ours_p95_ms"], abs=0.1
    )
    # Fewer than 365 days never claims the dashboard goal.
    assert report["goals"]["dashboard p95 < 200 ms (365 days, 2022 tree)"] is False
    assert report["goal_met"] is False
    assert databases() == before  # its scratch database dropped
