"""`congdong report coverage|page|situation`: coverage per level on a day, one page's own
figures, or the people's situation (feedback aggregates) of a subtree over a period.

    congdong report coverage --structure 2022 --as-of 2022-08-05 [--unit CODE]
                             [--format table|json|csv|xlsx|pdf] [--output FILE]
    congdong report page SLUG [--from D] [--to D] [--format table|json]
    congdong report situation [--unit CODE] [--structure 2025] [--from D --to D | --period 2026-Q1]
                              [--level commune] [--format table|json|csv|xlsx|pdf] [--output FILE]

The command runs on the server, for its operators: it reads every unit, with no access check.
Bad input stops it before anything is read or written, with a message in the user's language.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from congdong.core.errors import ActionError
from congdong.core.numbers import format_percent
from congdong.insights import coverage, figures
from congdong.insights.coverage import LevelCoverage, count_text, date_text
from congdong.insights.figures import METRIC_BY_KEY, Period, estimate_note
from congdong.pages.models import Page
from congdong.units.models import Level, Structure, Unit
from congdong.units.queries import current_structure

COVERAGE_FORMATS = ("table", "json", "csv", "xlsx", "pdf")
PAGE_FORMATS = ("table", "json")
SITUATION_FORMATS = ("table", "json", "csv", "xlsx", "pdf")
# Made by `exports.render`; the binary ones need --output.
EXPORT_FORMATS = ("csv", "xlsx", "pdf")
BINARY_FORMATS = ("xlsx", "pdf")
# The page's figures, in the order the table prints them (the JSON has all of `figures.own`).
PAGE_KEYS = (
    "followers",
    "followers_gained",
    "followers_lost",
    "posts",
    "reshares",
    "impressions",
    "reach",
    "referrals",
    "referral_follows",
    "engagement",
    "reactions",
    "comments",
    "shares",
)


class Command(BaseCommand):
    help = (
        "Coverage per level on a day (report coverage), a page's figures (report page) or the "
        "people's situation of a subtree (report situation)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        cov = sub.add_parser("coverage", help="Units with an active page per level on a day.")
        cov.add_argument(
            "--structure", help="2022 or 2025 (default: the structure in force on --as-of)."
        )
        cov.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: today).")
        cov.add_argument("--unit", help="Official code of the unit (default: the whole country).")
        cov.add_argument("--format", default="table", help="|".join(COVERAGE_FORMATS))
        cov.add_argument("--output", help="Write to this file (required for xlsx and pdf).")
        page = sub.add_parser("page", help="A page's own figures over a period.")
        page.add_argument("slug", help="The page's address, e.g. mat-tran-to-quoc-viet-nam.")
        page.add_argument("--from", dest="start", help="YYYY-MM-DD (default: all figures).")
        page.add_argument("--to", dest="end", help="YYYY-MM-DD (default: today).")
        page.add_argument("--format", default="table", help="|".join(PAGE_FORMATS))
        page.add_argument("--output", help="Write to this file instead of the screen.")
        sit = sub.add_parser(
            "situation", help="The people's situation: feedback figures of a subtree (aggregates)."
        )
        sit.add_argument("--unit", help="Official code of the unit (default: the whole country).")
        sit.add_argument("--structure", help="2022 or 2025 (default: the one in force today).")
        sit.add_argument("--from", dest="start", help="YYYY-MM-DD (default: 30 days before --to).")
        sit.add_argument("--to", dest="end", help="YYYY-MM-DD (default: today).")
        sit.add_argument(
            "--period", help="A month (2026-03) or a quarter (2026-Q1): the periodic report."
        )
        sit.add_argument(
            "--level", help="One row per unit of this level: province, district or commune."
        )
        sit.add_argument("--format", default="table", help="|".join(SITUATION_FORMATS))
        sit.add_argument("--output", help="Write to this file (required for xlsx and pdf).")

    def handle(self, *args, action: str, **options: Any) -> None:
        if action == "coverage":
            self.coverage(**options)
        elif action == "situation":
            self.situation(**options)
        else:
            self.page(**options)

    # ------------------------------------------------------------------ coverage

    def coverage(
        self,
        structure: str | None,
        as_of: str | None,
        unit: str | None,
        format: str,
        output: str | None,
        **options: Any,
    ) -> None:
        fmt = _format(format, COVERAGE_FORMATS, output)
        day = _date(as_of)
        found = _structure(structure, day or timezone.localdate())
        # No date: the last day of the structure's life (today for the current one).
        day = day or coverage.last_day(_unit(found, None))
        if not found.is_valid_on(day):
            raise CommandError(
                _("The units of structure %(code)s did not exist on %(date)s.")
                % {"code": found.code, "date": date_text(day)}
            )
        scope = _unit(found, unit)
        if fmt in EXPORT_FORMATS:
            from congdong.insights.exports import render

            document = coverage.document(scope, {"ngay": day.isoformat()})
            self._emit(render(document, fmt), output, binary=True)
            return
        levels = coverage.levels(scope, day)
        if fmt == "json":
            text = json.dumps(coverage.as_dict(scope, day, levels), ensure_ascii=False)
        else:
            text = coverage_table(scope, day, levels)
        self._emit(text.encode("utf-8"), output)

    # ------------------------------------------------------------------ page

    def page(
        self,
        slug: str,
        start: str | None,
        end: str | None,
        format: str,
        output: str | None,
        **options: Any,
    ) -> None:
        fmt = _format(format, PAGE_FORMATS, output)
        end_day = _date(end) or timezone.localdate()
        start_day = _date(start) or figures.EPOCH
        if start_day > end_day:
            raise CommandError(
                _("The period starts (%(start)s) after it ends (%(end)s).")
                % {"start": date_text(start_day), "end": date_text(end_day)}
            )
        page = Page.objects.standard().filter(slug=slug).first()
        if page is None:
            raise CommandError(_("No page has the address “%(slug)s”.") % {"slug": slug})
        found = figures.own(page.unit, Period(start_day, end_day))
        if fmt == "json":
            data = {
                "page": page.slug,
                "name": page.name,
                "status": page.status,
                "structure": page.unit.structure.code,
                "unit": page.unit.code,
                "from": start_day.isoformat(),
                "to": end_day.isoformat(),
                "figures": found,
            }
            text = json.dumps(data, ensure_ascii=False)
        else:
            text = page_table(page, start_day if start else None, end_day, found)
        self._emit(text.encode("utf-8"), output)

    # ------------------------------------------------------------------ situation

    def situation(
        self,
        unit: str | None,
        structure: str | None,
        start: str | None,
        end: str | None,
        period: str | None,
        level: str | None,
        format: str,
        output: str | None,
        **options: Any,
    ) -> None:
        from congdong.insights import situation as situation_report

        fmt = _format(format, SITUATION_FORMATS, output)
        if period and (start or end):
            raise CommandError(_("Give either --period or --from and --to, not both."))
        if level and level not in Level.values:
            raise CommandError(
                _("Unknown level “%(level)s”; choose one of: %(choices)s.")
                % {"level": level, "choices": ", ".join(Level.values)}
            )
        scope = _unit(_structure(structure, timezone.localdate()), unit)
        try:
            chosen = (
                situation_report.named_period(period)
                if period
                else _period_of(start, end, coverage.last_day(scope))
            )
        except ActionError as exc:
            raise CommandError(str(exc.message)) from None
        if fmt in EXPORT_FORMATS:
            from congdong.insights.exports import render

            params = {"tu": chosen.start.isoformat(), "den": chosen.end.isoformat()}
            if level:
                params["cap"] = level
            document = situation_report.document(scope, params)
            self._emit(render(document, fmt), output, binary=True)
            return
        found = situation_report.data(scope, chosen, level=level or "")
        if fmt == "json":
            text = json.dumps(situation_report.as_dict(found), ensure_ascii=False)
        else:
            text = situation_table(found)
        self._emit(text.encode("utf-8"), output)

    def _emit(self, data: bytes, output: str | None, binary: bool = False) -> None:
        """To the file (whole, at once) or to the screen."""
        if output:
            Path(output).write_bytes(data)
            return
        # A CSV's byte-order mark is for spreadsheets, not for a terminal or a pipe.
        self.stdout.write(data.decode("utf-8-sig" if binary else "utf-8"))


def _format(value: str, allowed: tuple[str, ...], output: str | None) -> str:
    """One of the `allowed` formats; a file's (`BINARY_FORMATS`) only with an --output."""
    if value not in allowed:
        raise CommandError(
            _("Unknown format “%(format)s”; choose one of: %(choices)s.")
            % {"format": value, "choices": ", ".join(allowed)}
        )
    if value in BINARY_FORMATS and not output:
        raise CommandError(
            _("The %(format)s format is a file: give one with --output.") % {"format": value}
        )
    return value


def _date(text: str | None) -> datetime.date | None:
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(
            _("“%(text)s” is not a date; write it as YYYY-MM-DD.") % {"text": text[:20]}
        ) from None


def _period_of(start: str | None, end: str | None, last: datetime.date) -> Period:
    end_day = _date(end) or last
    start_day = _date(start) or end_day - datetime.timedelta(days=29)
    if start_day > end_day:
        raise CommandError(
            _("The period starts (%(start)s) after it ends (%(end)s).")
            % {"start": date_text(start_day), "end": date_text(end_day)}
        )
    return Period(start_day, end_day)


def _structure(code: str | None, day: datetime.date) -> Structure:
    found = Structure.objects.filter(code=code).first() if code else current_structure(day)
    if found is None:
        known = ", ".join(Structure.objects.values_list("code", flat=True)) or "—"
        raise CommandError(
            _("No structure “%(code)s” is loaded; loaded: %(known)s.")
            % {"code": code or "", "known": known}
        )
    return found


def _unit(structure: Structure, code: str | None) -> Unit:
    units = Unit.objects.select_related("structure").filter(structure=structure)
    found = units.filter(code=code).first() if code else units.filter(depth=1).first()
    if found is None:
        raise CommandError(
            _("Structure %(structure)s has no unit with code “%(code)s”.")
            % {"structure": structure.code, "code": code or ""}
        )
    return found


def coverage_table(unit: Unit, as_of: datetime.date, levels: list[LevelCoverage]) -> str:
    lines = [
        f"{unit.full_name} — {unit.structure.name}",
        _("As of %(date)s (end of the day)") % {"date": date_text(as_of)},
        "",
    ]
    header = [_("Level"), _("Units"), _("With an active page"), "%"]
    rows = [
        [c.heading, count_text(c.units), count_text(c.with_page), format_percent(c.percent)]
        for c in levels
    ]
    return "\n".join(lines + _aligned([header, *rows])) + "\n"


def page_table(page: Page, start: datetime.date | None, end: datetime.date, found: dict) -> str:
    period = (
        _("From %(start)s to %(end)s") % {"start": date_text(start), "end": date_text(end)}
        if start
        else _("Up to %(end)s") % {"end": date_text(end)}
    )
    lines = [f"{page.name} ({page.unit.full_name})", period, ""]
    labels = {
        "followers_gained": _("Follows"),
        "followers_lost": _("Unfollows"),
        "referral_follows": _("Follows after a referral"),
        "reactions": _("Reactions"),
        "comments": _("Comments"),
        "shares": _("Shares"),
    }
    rows = []
    for key in PAGE_KEYS:
        label = str(METRIC_BY_KEY[key].label) if key in METRIC_BY_KEY else labels[key]
        if key == "reach":
            note = estimate_note(found["reach_low"], found["reach_high"])
            value = f"{count_text(found['reach'])} ({note})"
        else:
            value = count_text(int(found.get(key, 0)))
        # The parts of a figure are indented under it.
        indent = "  " if key in labels else ""
        rows.append([indent + label, value])
    return "\n".join(lines + _aligned(rows, right=False)) + "\n"


def situation_table(found: Any) -> str:
    """The people's situation as text: overview, by category, by unit below (or by level),
    response times and deadlines. Aggregates only."""
    from congdong.insights import situation as situation_report

    unit, period = found.unit, found.period
    lines = [
        _("The people's situation: %(unit)s") % {"unit": unit.full_name},
        _("From %(start)s to %(end)s")
        % {"start": date_text(period.start), "end": date_text(period.end)},
        "",
    ]
    header = [
        _("Category"),
        _("Sent"),
        _("Not yet answered"),
        _("Answered"),
        _("Rejected"),
        _("Overdue now"),
    ]

    def row(name: str, n: Any) -> list[str]:
        return [name, *(count_text(v) for v in (n.sent, n.open, n.answered, n.rejected, n.overdue))]

    other = situation_report.other_label(found.min_senders)

    def merged(counts: Any) -> list[list[str]]:
        # The rows of fewer than k senders each (aggregate-only rule), as one.
        return [row(other, counts)] if counts else []

    categories = [row(c.name, n) for c, n in found.categories]
    categories += [*merged(found.other_categories), row(_("Total"), found.totals)]
    lines += [*_aligned([header, *categories]), ""]
    if found.level:
        units = [row(u.full_name, n) for u, n in found.level_rows]
        units += merged(found.other_level)
    else:
        units = [row(u.full_name, n) for u, n in found.children]
        units.append(row(_("Sent to %(unit)s itself") % {"unit": unit.full_name}, found.own))
        units += merged(found.other_children)
    lines += [*_aligned([[_("Unit"), *header[1:]], *units]), ""]
    hours, percent = situation_report.hours_text, situation_report.percent_text
    lines += _aligned(
        [
            [_("Step"), _("Items"), _("Median (working hours)"), _("Mean (working hours)"), "%"],
            [
                _("Sent → accepted"),
                count_text(found.to_accept.items),
                hours(found.to_accept.median),
                hours(found.to_accept.mean),
                percent(found.accepted_on_time),
            ],
            [
                _("Sent → answered"),
                count_text(found.to_answer.items),
                hours(found.to_answer.median),
                hours(found.to_answer.mean),
                percent(found.answered_on_time),
            ],
        ]
    )
    return "\n".join(lines) + "\n"


def _aligned(rows: list[list[str]], right: bool = True) -> list[str]:
    """Columns padded to their widest cell: the first to the left, the rest to the right."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    out = []
    for row in rows:
        cells = [row[0].ljust(widths[0])]
        cells += [
            (cell.rjust(width) if right else cell.ljust(width))
            for cell, width in zip(row[1:], widths[1:], strict=True)
        ]
        out.append("  ".join(cells).rstrip())
    return out
