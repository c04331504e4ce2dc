"""`congdong audit verify [--head DIGEST] [--json]`: walk the audit log's hash chain.

Exit 0 when every link holds (and the head kept from an earlier check is still in the chain),
1 otherwise, with the first row that does not fit.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from congdong.audit import chain
from congdong.audit.integrity import verify_log
from congdong.core.numbers import format_int


def reasons() -> dict[str, str]:
    return {
        "link": _("it does not follow the row before it: a row was removed or slipped in"),
        "content": _("its content no longer matches its digest: the row was changed"),
        "unchained": _("it has no digest after chained rows: it was written past the app"),
    }


class Command(BaseCommand):
    help = "Check the audit log's hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])
        parser.add_argument(
            "--head",
            default="",
            help="A head digest printed by an earlier check: it must still be in the chain.",
        )
        parser.add_argument("--json", action="store_true", help="One JSON object.")

    def handle(self, *args: Any, head: str, **options: Any) -> None:
        head = head.strip().lower()
        if head and (len(head) != 64 or any(c not in "0123456789abcdef" for c in head)):
            raise CommandError(_("A head digest is 64 hexadecimal characters."))
        verdict = verify_log(progress=self._progress(options["verbosity"]), kept_head=head)
        intact = verdict.intact and (not head or verdict.kept_head_found)
        if options["json"]:
            self.stdout.write(json.dumps(self._figures(verdict, head, intact)))
        else:
            self._say(verdict, head)
        if not intact:
            sys.exit(1)

    def _progress(self, verbosity: int):
        def progress(rows: int) -> None:
            if verbosity > 0:
                self.stderr.write(_("%(rows)s rows checked…") % {"rows": format_int(rows)})

        return progress

    @staticmethod
    def _figures(verdict: chain.Verdict, head: str, intact: bool) -> dict[str, Any]:
        return {
            "rows": verdict.rows,
            "chained": verdict.chained,
            "before_chain": verdict.before_chain,
            "head": verdict.head,
            "broken_at": verdict.broken_at,
            "reason": verdict.reason,
            "kept_head": head,
            "kept_head_found": verdict.kept_head_found if head else None,
            "intact": intact,
        }

    def _say(self, verdict: chain.Verdict, head: str) -> None:
        if not verdict.intact:
            self.stderr.write(
                _("The audit log is broken at row %(pk)d: %(reason)s.")
                % {"pk": verdict.broken_at, "reason": reasons()[verdict.reason]}
            )
            return
        if head and not verdict.kept_head_found:
            self.stderr.write(
                _(
                    "The head digest kept from an earlier check is not in the chain: rows were "
                    "cut off the end."
                )
            )
            return
        self.stdout.write(
            _(
                "The audit log is intact: %(rows)d rows, %(chained)d in the chain, %(before)d "
                "from before it."
            )
            % {"rows": verdict.rows, "chained": verdict.chained, "before": verdict.before_chain}
        )
        self.stdout.write(
            _("Head digest (keep it to check against later with --head): %(head)s")
            % {"head": verdict.head or "-"}
        )
