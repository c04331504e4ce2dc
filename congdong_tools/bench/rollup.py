"""rollup: the national dashboard over 365 days from stored figures vs from raw events (PostgreSQL).

Goals (issue 5 §9), on this machine: the dashboard of the central unit of the 2022 tree over
365 days — `figures.totals`, `by_level`, `by_child`, `series` and `pages_ranked` — in < 200 ms
at the 95th percentile, and ≥ 50× faster than the same figures computed from the raw events
(SQL over `insights_event`: COUNT, COUNT(DISTINCT visitor), joined to the units' paths) in the
same run, on the same database.

The year: every one of the 11,368 units of the 2022 tree has a page; `--events` raw events
(default 2,000,000) over `--days` days (default 365) from a pool of visitors, spread over the
pages the way attention is (the central page and the provinces get more). Raw rows are
written with COPY; the figures are added by `rollup.add_to_figures`, as every stored batch is.
Runs in a scratch database it creates (`congdong_bench_rollup_<pid>` on the PostgreSQL server of
`--database-url`, DATABASE_URL or 127.0.0.1) and drops afterwards.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import statistics
import sys
import tempfile
import time
import urllib.parse

from congdong.config import load
from congdong_tools.bench import steps
from congdong_tools.bench.report import Report

GOAL_P95_MS = 200.0
GOAL_SPEEDUP = 50.0
# Stored figures are added at about 3,000–4,000 events/s on this machine when the events are
# spread over all 11,368 pages (rollup.add_to_figures): the default build takes 8–10 minutes.
# The raw baseline grows with the events and the figures hardly do; 2 million events a year is
# still far below a real national year (the 2022 central page alone reached 48 million people),
# so the ratio measured here is a floor.
EVENTS = 2_000_000
DAYS = 365
VISITORS = 400_000
RUNS = 20
BASELINE_RUNS = 3
# One scratch database per run, so two runs (or a test beside a run) never meet.
SCRATCH = f"congdong_bench_rollup_{os.getpid()}"
LAST_DAY = datetime.date(2022, 8, 4)


def run(
    database_url: str | None,
    progress,
    events: int = EVENTS,
    days: int = DAYS,
) -> Report:
    server = _server_url(database_url)
    scratch = _with_database(server, SCRATCH)
    figures: dict[str, float | int | str] = {"database": "postgresql"}
    report = Report("rollup", figures)
    _admin(server, f'DROP DATABASE IF EXISTS "{SCRATCH}"')
    _admin(server, f'CREATE DATABASE "{SCRATCH}"')
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ, CONGDONG_DATA_DIR=tmp, DATABASE_URL=scratch)
            env.pop("REDIS_URL", None)
            progress(f"the scratch database {SCRATCH}, migrated…")
            steps.migrate(env, progress)
            progress(f"the 2022 tree with a page per unit; {events:,} events over {days} days…")
            figures |= steps.child(
                "congdong_tools.bench.rollup", env, "build", str(events), str(days)
            )
            progress("the dashboard, from figures and from raw events…")
            figures |= steps.child("congdong_tools.bench.rollup", env, "measure", str(days))
    finally:
        _admin(server, f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)')
    figures["peak_rss_mb"] = steps.peak_rss_mb()
    report.goals["dashboard p95 < 200 ms (365 days, 2022 tree)"] = (
        figures["ours_p95_ms"] < GOAL_P95_MS and days >= DAYS
    )
    report.goals["≥ 50× faster than from raw events"] = figures["speedup"] >= GOAL_SPEEDUP
    return report


def _server_url(database_url: str | None) -> str:
    """The PostgreSQL server to use, as a URL to its `postgres` database."""
    url = database_url or load().database_url
    if not url.startswith(("postgres://", "postgresql://")):
        url = "postgres://postgres@127.0.0.1:5432/postgres"
    return _with_database(url, "postgres")


def _with_database(url: str, name: str) -> str:
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path=f"/{name}"))


def _admin(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(server.replace("postgres://", "postgresql://", 1), autocommit=True) as c:
        c.execute(sql)


# --- the child steps, against the scratch database --------------------------------------------


def _store(made: list) -> None:
    """Raw rows by COPY, then the figures as `rollup.store_batch` adds them."""
    from django.db import connection, transaction
    from django.utils import timezone

    from congdong.insights import rollup

    columns = "id, kind, page_id, post_id, user_id, visitor, at, day"
    with transaction.atomic():
        connection.ensure_connection()
        with connection.connection.cursor().copy(
            f"COPY insights_event ({columns}) FROM STDIN"
        ) as copy:
            for e in made:
                copy.write_row(
                    (
                        e.id,
                        e.kind,
                        e.page_id,
                        e.post_id,
                        e.user_id,
                        e.visitor,
                        e.at,
                        timezone.localdate(e.at),
                    )
                )
        rollup.add_to_figures(made)


def _build(n: int, days: int) -> None:
    steps.setup_django()
    from django.db import connection
    from django.utils import timezone
    from tqdm import tqdm

    from congdong import events
    from congdong.events import EventKind
    from congdong.pages.actions import do_establish_many
    from congdong.pages.models import Page
    from congdong.units.actions import do_import_structure
    from congdong.units.models import Level, Unit

    started = time.perf_counter()
    steps.say("importing the 2022 unit tree and opening a page for every unit…")
    do_import_structure("2022")
    units = list(Unit.objects.filter(structure__code="2022").order_by("path"))
    opened = timezone.make_aware(datetime.datetime(2021, 1, 1, 9))
    do_establish_many(units, opened_at=opened)
    pages = dict(Page.objects.filter(unit__structure__code="2022").values_list("pk", "unit__level"))
    by_level = {level: [p for p, lv in pages.items() if lv == level] for level in Level.values}
    # Shares of attention per level: the central page alone, then provinces, districts, communes.
    shares = {Level.CENTRAL: 0.10, Level.PROVINCE: 0.25, Level.DISTRICT: 0.25, Level.COMMUNE: 0.40}
    kinds = [
        *[EventKind.PAGE_VIEW] * 30,
        *[EventKind.POST_VIEW] * 30,
        *[EventKind.FEED_SEEN] * 25,
        *[EventKind.REACTION] * 6,
        EventKind.COMMENT,
        EventKind.SHARE,
        EventKind.REFERRAL_OPEN,
        EventKind.FOLLOW,
        EventKind.PUBLISH,
    ]
    chance = random.Random(2022)
    first_day = LAST_DAY - datetime.timedelta(days=days - 1)
    stored = 0
    with tqdm(total=n, desc="events", unit=" events", file=sys.stderr) as bar:
        month: list = []
        for d in range(days):
            day = first_day + datetime.timedelta(days=d)
            count = n * (d + 1) // days - n * d // days
            midnight = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
            for _ in range(count):
                level = chance.choices(list(shares), weights=list(shares.values()))[0]
                who = int(chance.paretovariate(1.2) * 1000) % VISITORS
                month.append(
                    events.make(
                        chance.choice(kinds),
                        chance.choice(by_level[level]),
                        visitor=f"u{who}" if who % 5 == 0 else f"v{who:012x}",
                        at=midnight + datetime.timedelta(seconds=chance.randrange(86_400)),
                    )
                )
            last = d == days - 1
            if last or (day + datetime.timedelta(days=1)).day == 1:
                # A month at a time: each day's and the month's rows are written once.
                _store(month)
                stored += len(month)
                bar.update(len(month))
                month = []
    with connection.cursor() as cursor:
        # What autovacuum does to a table after many inserts (autovacuum_vacuum_insert_threshold)
        # and the dashboard reads in steady state: without it the freshly loaded rows are read
        # with their commit status still unknown, about twice as slowly.
        cursor.execute("VACUUM ANALYZE")
    from congdong.insights.models import DayCount, ReachSketch

    print(
        json.dumps(
            {
                "units_with_pages": len(pages),
                "events": stored,
                "days": days,
                "visitors_pool": VISITORS,
                "daycount_rows": DayCount.objects.count(),
                "reachsketch_rows": ReachSketch.objects.count(),
                "build_seconds": round(time.perf_counter() - started, 1),
            }
        )
    )


BASELINE = {
    "totals": "",
    "by_level": "u.level",
    "by_child": "substr(u.path, 1, {child_len})",
    "series": "e.day",
    "pages_ranked": "e.page_id",
}


def _baseline_sql(part: str, root_path: str, child_len: int) -> str:
    """The part of the dashboard computed from raw events: every column a COUNT, reach a
    COUNT(DISTINCT visitor), over the subtree's pages joined to their units' paths."""
    from congdong.events.kinds import KIND_COLUMN, SEEN_KINDS

    by_column: dict[str, list[str]] = {}
    for kind, column in KIND_COLUMN.items():
        by_column.setdefault(column, []).append(str(kind))
    counts = ", ".join(
        f"COUNT(*) FILTER (WHERE e.kind IN ({', '.join(repr(k) for k in kinds)})) AS {column}"
        for column, kinds in by_column.items()
    )
    seen = ", ".join(repr(str(k)) for k in SEEN_KINDS)
    reach = f"COUNT(DISTINCT e.visitor) FILTER (WHERE e.kind IN ({seen}))"
    group = BASELINE[part].format(child_len=child_len)
    select = f"{group + ', ' if group else ''}{counts}"
    if part != "by_level":
        select += f", {reach} AS reach"
    sql = (
        f"SELECT {select} FROM insights_event e "
        "JOIN pages_page p ON p.id = e.page_id JOIN units_unit u ON u.id = p.unit_id "
        f"WHERE u.path LIKE '{root_path}%%' AND e.day BETWEEN %s AND %s"
    )
    if group:
        sql += f" GROUP BY {group}"
    if part == "pages_ranked":
        sql += " ORDER BY impressions DESC LIMIT 10"
    return sql


def _measure(days: int) -> None:
    steps.setup_django()
    from django.db import connection

    from congdong.insights import figures
    from congdong.units.models import Unit

    central = Unit.objects.get(structure__code="2022", depth=1)
    period = figures.Period(LAST_DAY - datetime.timedelta(days=days - 1), LAST_DAY)

    parts = {
        "totals": lambda: figures.totals(central, period),
        "by_level": lambda: figures.by_level(central, period),
        "by_child": lambda: figures.by_child(central, period),
        "series": lambda: figures.series(central, period),
        "pages_ranked": lambda: figures.pages_ranked(central, period),
    }
    each: dict[str, list[float]] = {name: [] for name in parts}

    def ours() -> None:
        for name, part in parts.items():
            start = time.perf_counter()
            part()
            each[name].append(1000 * (time.perf_counter() - start))

    def from_raw() -> None:
        with connection.cursor() as cursor:
            for part in BASELINE:
                sql = _baseline_sql(part, central.path, len(central.path) + Unit.steplen)
                cursor.execute(sql, [period.start, period.end])
                cursor.fetchall()

    ours()  # warm: connection, caches, the tree
    for found in each.values():
        found.clear()
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        ours()
        timings.append(1000 * (time.perf_counter() - start))
    timings.sort()
    raw = []
    for n in range(BASELINE_RUNS):
        steps.say(f"  from raw events, run {n + 1} of {BASELINE_RUNS}…")
        start = time.perf_counter()
        from_raw()
        raw.append(1000 * (time.perf_counter() - start))
    p95 = timings[int(0.95 * (len(timings) - 1))]
    # Which part of the dashboard takes the time.
    part_p95 = {
        f"ours_{name}_p95_ms": round(sorted(found)[int(0.95 * (len(found) - 1))], 1)
        for name, found in each.items()
    }
    print(
        json.dumps(
            part_p95
            | {
                "ours_runs": RUNS,
                "ours_p50_ms": round(statistics.median(timings), 1),
                "ours_p95_ms": round(p95, 1),
                "raw_runs": BASELINE_RUNS,
                "raw_min_ms": round(min(raw), 1),
                "raw_median_ms": round(statistics.median(raw), 1),
                # Conservative: the fastest raw run against our 95th percentile.
                "speedup": round(min(raw) / p95, 1),
            }
        )
    )


if __name__ == "__main__":
    step = sys.argv[1] if len(sys.argv) > 1 else ""
    if step == "build" and len(sys.argv) == 4:
        _build(int(sys.argv[2]), int(sys.argv[3]))
    elif step == "measure" and len(sys.argv) == 3:
        _measure(int(sys.argv[2]))
    else:
        sys.exit("usage: python -m congdong_tools.bench.rollup build EVENTS DAYS | measure DAYS")
