"""staff-pages: server time of every staff page, as its persona, on the demo data; sign-in time.

Goals (issue 16 §13), on this 2-CPU machine: every staff page's p95 ≤ 500 ms and the staff
sign-in (the web form's POST, with the real password hasher) ≤ 300 ms. The demo data set is
built fresh (congdong_tools/demo/build.py) in a throwaway database (SQLite, or `--database-url`);
each page of congdong_tools/bench/staff_pages/pages.py is asked `--requests N` times (default 20)
through Django's test client, signed in as its persona, after one first request timed apart
(cold caches). A hello-world view is measured in the same run, and each figure is also given
as a ratio to it. `--sample` builds a smaller demo (fewer citizens and feedback items), as CI
runs it; a sample never claims the goals.
"""

from __future__ import annotations

import time

from congdong_tools.bench import steps
from congdong_tools.bench.report import Report

GOAL_PAGE_P95_MS = 500.0
GOAL_SIGNIN_MS = 300.0
REQUESTS = 20
ENV = {
    "CONGDONG_DEBUG": "0",
    "CONGDONG_ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
    "CONGDONG_BENCH_VIEWS": "1",
    # No background thread writing events beside the requests (SQLite has one writer).
    "CONGDONG_EVENTS_FLUSH_SECONDS": "0",
    "CONGDONG_STAFF_TOTP_REQUIRED": "0",
    "CONGDONG_LOGIN_FAILURES": "1000000",
    "CONGDONG_API_LIMIT_USER": "0",
}


def run(
    database_url: str | None, progress, requests: int | None = None, sample: bool = False
) -> Report:
    requests = requests or REQUESTS
    with steps.fresh_database(database_url, progress) as env:
        env.update(ENV)
        # The cache in process memory and background work inline: nothing left in a Redis.
        env.pop("REDIS_URL", None)
        started = time.perf_counter()
        progress(f"building the {'sample ' if sample else ''}demo data set…")
        steps.child(
            "congdong_tools.bench.staff_pages", env, "build", "sample" if sample else "full"
        )
        build_seconds = time.perf_counter() - started
        figures = steps.child("congdong_tools.bench.staff_pages", env, "measure", str(requests))
    rows = figures.pop("rows")
    figures["demo"] = "sample" if sample else "full"
    figures["build_seconds"] = round(build_seconds, 1)
    figures["database"] = steps.database_kind(database_url)
    report = Report("staff-pages", figures, rows=rows)
    report.goals[f"every staff page p95 ≤ {GOAL_PAGE_P95_MS:g} ms"] = (
        figures["pages_over_budget"] == 0 and not sample
    )
    report.goals[f"sign-in ≤ {GOAL_SIGNIN_MS:g} ms"] = (
        figures["signin_p95_ms"] <= GOAL_SIGNIN_MS and not sample
    )
    report.goals["every page answered 200"] = figures["pages_not_200"] == 0
    report.goals["every staff route of the URL map measured"] = not figures["unmapped_routes"]
    return report
