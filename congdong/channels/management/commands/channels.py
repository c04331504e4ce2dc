"""`congdong channels list|check [--json] [--unit CODE]`: the linked channels, and a check of
each one now (its token still works, it still points back to its page);
`congdong channels coverage [--date D] [--structure 2025] [--json]`: per level, units with a
page and with a linked channel of each kind on that day (links keep their dates);
`congdong channels import --since YYYY-MM-DD [--unit CODE]`: import the linked Facebook Pages'
and Zalo OAs' figures from that day to yesterday (days already imported are skipped), with
progress."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from congdong.channels import actions, figures, queries
from congdong.channels.models import ChannelKind, ChannelLink
from congdong.units.models import Level, Unit
from congdong.units.queries import current_structure


class Command(BaseCommand):
    help = "List the linked Facebook Pages, Zalo OAs and websites, or check them now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["list", "check", "coverage", "import"])
        parser.add_argument(
            "--since", default="", help="import: the first day (YYYY-MM-DD) to import."
        )
        parser.add_argument(
            "--date", default="", help="coverage: the day (YYYY-MM-DD), today by default."
        )
        parser.add_argument("--structure", default="2025", help="coverage: 2022 or 2025.")
        parser.add_argument("--unit", default="", help="Only this unit's subtree (its code).")
        parser.add_argument("--json", action="store_true", help="One JSON list.")

    def handle(self, *args: Any, action: str, unit: str, **options: Any) -> None:
        if action == "coverage":
            self._coverage(options["date"], options["structure"], options["json"])
            return
        links = ChannelLink.objects.standard().current().order_by("page__unit__path", "kind")
        if unit:
            # The unit of the structure in force (codes repeat across structures: "24" is
            # Bắc Giang in 2022, Bắc Ninh in 2025); a code only the other one has, from it.
            found = list(Unit.objects.filter(code=unit).select_related("structure"))
            current = current_structure()
            root = next((u for u in found if u.structure_id == getattr(current, "pk", None)), None)
            root = root or (found[0] if found else None)
            if root is None:
                raise CommandError(_("No unit has the code %(code)s.") % {"code": unit})
            links = links.in_subtree(root)
        if action == "import":
            self._import(links, options["since"])
            return
        rows = []
        for link in links:
            row = {
                "id": link.pk,
                "page": link.page.name,
                "kind": link.kind,
                "name": link.name,
                "url": link.url,
                "verified": link.verified,
                "token": getattr(getattr(link, "token", None), "state", None),
            }
            if action == "check":
                result = actions.check_link(link.pk)
                row |= {
                    "verified": result.link.verified,
                    "backlink": result.backlink_ok,
                    "works": result.ok,
                    "token": result.state or None,
                    "detail": result.detail,
                }
            rows.append(row)
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        columns = ["id", "page", "kind", "name", "verified", "token"]
        if action == "check":
            columns += ["works", "detail"]
        table = [
            [str(r.get(c, "") if r.get(c) is not None else "—") for c in columns] for r in rows
        ]
        widths = [max([len(c), *(len(t[i]) for t in table)]) for i, c in enumerate(columns)]
        self.stdout.write("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
        for t in table:
            self.stdout.write("  ".join(v.ljust(w) for v, w in zip(t, widths, strict=True)))
        if not rows:
            self.stdout.write(_("No channel is linked."))
        if action == "check":
            for line in queries.health_notes():
                self.stdout.write(line)

    def _import(self, links, since_text: str) -> None:
        # The importer writes insights' figures: insights plugs it in (channels.figures).
        import_link = figures.import_link
        if import_link is None:
            raise RuntimeError("channels import: no figures importer (congdong.insights)")
        try:
            since = datetime.date.fromisoformat(since_text)
        except ValueError:
            raise CommandError(
                _("--since needs a day written YYYY-MM-DD (e.g. 2026-03-01), not %(value)r.")
                % {"value": since_text}
            ) from None
        if since > figures.yesterday():
            raise CommandError(
                _("--since must be a day before today: today's figures are not complete yet.")
            )

        def progress(link: ChannelLink, first: datetime.date, last: datetime.date, n: int) -> None:
            self.stdout.write(
                _("%(channel)s: %(first)s – %(last)s, %(days)d days stored")
                % {"channel": link.name or link.url, "first": first, "last": last, "days": n}
            )

        failed = 0
        importable = [link for link in links if link.kind != ChannelKind.WEBSITE]
        for link in importable:
            outcome = import_link(link.pk, since=since, progress=progress)
            for metric in outcome.stopped:
                self.stdout.write(
                    _("%(channel)s: Facebook stopped reporting %(metric)s; imported without it.")
                    % {"channel": link.name or link.url, "metric": metric}
                )
            if not outcome.ok:
                failed += 1
                self.stderr.write(f"{link.name or link.url}: {outcome.error}")
        self.stdout.write(
            _("%(done)d of %(total)d channels imported.")
            % {"done": len(importable) - failed, "total": len(importable)}
        )
        if failed:
            raise CommandError(_("%(n)d channels could not be imported.") % {"n": failed})

    def _coverage(self, day_text: str, structure: str, as_json: bool) -> None:
        """Per level: units, units with an own page, and with a linked channel of each kind."""
        try:
            day = datetime.date.fromisoformat(day_text) if day_text else timezone.localdate()
        except ValueError:
            raise CommandError(_("A date is written YYYY-MM-DD.")) from None
        figures = queries.coverage(day, structure)
        if as_json:
            self.stdout.write(json.dumps({"date": day.isoformat(), "levels": figures}))
            return
        kinds = ["units", "page", *[k.value for k in ChannelKind]]
        self.stdout.write(f"{day.isoformat()}  " + "  ".join(f"{k:>9}" for k in kinds))
        for level in Level.values:
            if level in figures:
                row = figures[level]
                self.stdout.write(f"{level:<10}  " + "  ".join(f"{row[k]:>9}" for k in kinds))
