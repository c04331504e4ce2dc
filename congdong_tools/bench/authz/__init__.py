"""authz: a generated matrix of permission cases (role × level × object × action); leaks.

Goal (issue 7 §6): at least 5,000 cases — every role of congdong/accounts/roles.py at the
central, a province and a commune unit, staff without a role, a page co-admin, citizens and
anonymous visitors, each against objects of a unit that is theirs, a parent, a child, a sibling
or another branch (pages, posts in each state, comments, feedback, campaigns, moderation cases
and appeals, takedown requests, insights figures and exports, the handbook and the board, the
audit log, breaches, citizens' data requests) and every staff request that reads or writes one,
on the web and on /api/v1/ — and 0 leaks: no request the permission model refuses may succeed
or show the object. Over-refusals (refused where the model allows) are counted and shown too.

The model is the bench's own (oracle.py), not the apps' `access_*` helpers; the objects are
made through the apps' actions (kinds.py); requests go through the whole HTTP stack with a
signed-in test client per actor (matrix.py). Runs in a throwaway SQLite database unless
`--database-url` is given; the rate limits are lifted for the run. `--cases N` runs an even
sample of N cases (every relation and role kept), as CI does.
"""

from __future__ import annotations

from congdong_tools.bench import steps
from congdong_tools.bench.report import Report

CASES = 5_000
# Lifted for the run: the same few accounts send thousands of requests a minute.
NO_LIMITS = {
    "CONGDONG_API_LIMIT_USER": "0",
    "CONGDONG_API_LIMIT_ANON": "0",
    "CONGDONG_LOGIN_FAILURES": "1000000",
    "CONGDONG_LIMIT_COMMENTS": "1000000",
    "CONGDONG_LIMIT_REACTIONS": "1000000",
    "CONGDONG_LIMIT_FOLLOWS": "1000000",
    "CONGDONG_LIMIT_SHARES": "1000000",
    "CONGDONG_FEEDBACK_DAILY_LIMIT": "1000000",
    "CONGDONG_MODERATION_REPORT_LIMIT": "1000000",
    "CONGDONG_STAFF_TOTP_REQUIRED": "0",
}
# No background thread writing events beside the cases (SQLite has one writer).
SERVED = NO_LIMITS | {"CONGDONG_EVENTS_FLUSH_SECONDS": "0"}


def run(database_url: str | None, progress, cases: int | None = None) -> Report:
    hosts = "testserver,localhost,127.0.0.1"
    with steps.served_alone(database_url, progress, SERVED, hosts) as env:
        figures = steps.child("congdong_tools.bench.authz", env, "matrix", str(cases or 0))
    leaks = figures.pop("leak_list")
    over = figures.pop("over_refusal_list")
    no_effect = figures.pop("no_effect_list")
    errors = figures.pop("server_error_list")
    for kind, shown in (
        ("leak", leaks),
        ("over-refusal", over),
        ("allowed but changed nothing", no_effect),
        ("server error", errors),
    ):
        for line in shown:
            progress(f"  {kind}: {line}")
    if leaks:
        figures["first_leaks"] = " | ".join(leaks[:3])
    figures["database"] = "sqlite" if not database_url else database_url.split(":", 1)[0]
    report = Report("authz", figures)
    report.goals["0 leaks"] = figures["leaks"] == 0
    report.goals[f"≥ {CASES:,} cases"] = figures["cases"] >= CASES
    return report
