"""`congdong scenario conference-2022 [--scale F] [--format table|json] [--data-dir DIR]`.

Re-creates the Front's 2022 conference report from raw events, in a database of its own
(`congdong_tools.scenario`): the caller's database is not read or written. Progress goes to
stderr, the report to stdout.
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from congdong.insights.coverage import count_text
from congdong_tools import scenario

SCENARIOS = ("conference-2022",)
FORMATS = ("table", "json")


class Command(BaseCommand):
    help = "Re-create a reported situation from raw events in a database of its own."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", choices=SCENARIOS)
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Multiply the central page's followers, posts, referrals and reach "
            "(default 1; 0.01 for a quick run). Page counts are not scaled.",
        )
        parser.add_argument("--format", default="table", choices=FORMATS)
        parser.add_argument(
            "--data-dir",
            help="Build here and keep it (default: a fresh temporary directory, removed after).",
        )

    def handle(
        self, *args, name: str, scale: float, format: str, data_dir: str | None, **options
    ) -> None:
        if not 0 < scale <= 10:
            raise CommandError(_("The scale must be above 0 and at most 10."))
        result = scenario.run(scale, data_dir, lambda text: print(text, file=sys.stderr))
        summary = result["summary"]
        if format == "json":
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            return
        page = summary["central_page"]
        self.stdout.write(scenario.document_text(result["document"]))
        self.stdout.write("")
        self.stdout.write(_("Scale: %(scale)s") % {"scale": summary["scale"]})
        self.stdout.write(
            _("Reach: estimated %(estimate)s, true distinct viewers %(true)s (%(error)s %%)")
            % {
                "estimate": count_text(page["reach"]),
                "true": count_text(page["reach_true"]),
                "error": f"{page['reach_error_percent']:+.2f}",
            }
        )
        self.stdout.write(
            _("Wall time %(seconds)s s, peak memory %(mb)s MB")
            % {"seconds": summary["wall_seconds"], "mb": summary["peak_rss_mb"]}
        )
