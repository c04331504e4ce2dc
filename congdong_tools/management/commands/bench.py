"""`congdong bench NAME [--json]`: run a benchmark, print its figures and whether goals are met."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandParser

from congdong_tools.bench import (
    audit_chain,
    authz,
    burst,
    channels,
    channels_intake,
    fuzz,
    ingest,
    public_pages,
    publish_down,
    rollup,
    staff_pages,
    units_import,
    xss,
)

BENCHMARKS = {
    "units-import": units_import,
    "publish-down": publish_down,
    "public-pages": public_pages,
    "ingest": ingest,
    "rollup": rollup,
    "authz": authz,
    "fuzz": fuzz,
    "xss": xss,
    "burst": burst,
    "audit-chain": audit_chain,
    "staff-pages": staff_pages,
    "channels-intake": channels_intake,
    "channels": channels,
}


class Command(BaseCommand):
    help = "Run a benchmark: " + ", ".join(BENCHMARKS)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", nargs="?", choices=sorted(BENCHMARKS))
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")
        parser.add_argument("--list", action="store_true", help="List the benchmarks.")
        parser.add_argument(
            "--database-url",
            help="Run against this existing, empty database (e.g. a scratch PostgreSQL one) "
            "instead of a throwaway SQLite file. Its contents are replaced.",
        )
        parser.add_argument(
            "--followers",
            type=int,
            help="public-pages: followers of each of the 10 followed pages (default 1,000,000).",
        )
        parser.add_argument(
            "--seconds", type=float, help="public-pages: seconds of load per measure (default 5)."
        )
        parser.add_argument(
            "--events",
            type=int,
            help=(
                "ingest: events to push (default 200,000); rollup: raw events (default 2,000,000); "
                "audit-chain: rows each way (default 20,000); channels-intake: signed webhook "
                "events to post (default 20,000)."
            ),
        )
        parser.add_argument(
            "--days", type=int, help="rollup: days of events and of the dashboard (default 365)."
        )
        parser.add_argument(
            "--cases",
            type=int,
            help="authz: least number of permission cases (default 5,000); "
            "fuzz: least number of API requests (default 10,000); xss: payloads (default all).",
        )
        parser.add_argument(
            "--redis-url",
            help="ingest: the Redis to measure; burst: the Redis of the scale deployment "
            "(default REDIS_URL, else redis://127.0.0.1:6379/14); only the bench's own keys "
            "are written.",
        )

        parser.add_argument(
            "--pages", type=int, help="channels: pages below the centre (default every unit)."
        )
        parser.add_argument(
            "--requests", type=int, help="staff-pages: requests to each page (default 20)."
        )
        parser.add_argument(
            "--sample",
            action="store_true",
            help="staff-pages, fuzz: the sample demo data set (fewer citizens and feedback "
            "items); a sample never claims the goals.",
        )

    def handle(
        self,
        *args,
        name: str | None,
        json: bool,
        list: bool,
        database_url: str | None,
        followers: int | None,
        seconds: float | None,
        events: int | None,
        days: int | None,
        redis_url: str | None,
        cases: int | None,
        requests: int | None = None,
        sample: bool = False,
        pages: int | None = None,
        **options,
    ) -> None:
        if list or not name:
            for key, module in BENCHMARKS.items():
                self.stdout.write(f"{key:<16} {module.__doc__.strip().splitlines()[0]}")
            return
        # Progress goes to stderr so that --json output stays one clean object on stdout.
        # Options given only to the benchmarks that take them.
        given = {
            "followers": followers,
            "seconds": seconds,
            "events": events,
            "days": days,
            "redis_url": redis_url,
            "cases": cases,
            "requests": requests,
            "sample": sample,
            "pages": pages,
        }
        extra = {k: v for k, v in given.items() if v}
        report = BENCHMARKS[name].run(
            database_url, lambda text: print(text, file=sys.stderr), **extra
        )
        self.stdout.write(report.as_json() if json else report.as_table())
