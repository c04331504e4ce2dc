"""`congdong bench NAME [--json]`: run a benchmark, print its figures and whether goals are met."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandParser

from congdong.bench import publish_down, units_import

BENCHMARKS = {
    "units-import": units_import,
    "publish-down": publish_down,
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

    def handle(
        self, *args, name: str | None, json: bool, list: bool, database_url: str | None, **options
    ) -> None:
        if list or not name:
            for key, module in BENCHMARKS.items():
                self.stdout.write(f"{key:<16} {module.__doc__.strip().splitlines()[0]}")
            return
        # Progress goes to stderr so that --json output stays one clean object on stdout.
        report = BENCHMARKS[name].run(database_url, lambda text: print(text, file=sys.stderr))
        self.stdout.write(report.as_json() if json else report.as_table())
