"""The conference report: the layout of the Front's 2022 report on its community pages.

Coverage per level on the day, the unit's own page's figures (the central page for the whole
country) from the start of the structure to that day, and one row per unit below (each
province for the country): its page, its lower levels' coverage and its subtree's figures.

Parameters: `ngay` (ISO date, today by default) and, optionally, `reported_percent_<level>`
(a percent published elsewhere, e.g. 77.8 for the districts in the 2022 press report): when
the counted percent prints differently, the card says why.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from congdong.core.numbers import round_int
from congdong.insights import coverage, figures
from congdong.insights.coverage import LevelCoverage, count_text, date_text
from congdong.insights.exports.document import Document, Table, Value
from congdong.insights.figures import METRIC_BY_KEY, Period
from congdong.pages.models import Page
from congdong.units.models import Level, Unit

# The top page's cards and the per-unit table's figure columns, in the order the 2022 report
# gave them.
CARD_KEYS = ("followers", "posts", "referrals", "reach", "impressions", "engagement")
ROW_KEYS = ("followers", "posts", "referrals", "reach")
REPORTED_PREFIX = "reported_percent_"


def period_of(unit: Unit, as_of: datetime.date) -> Period:
    """From the start of the unit's structure (or of all figures) to `as_of`."""
    start = unit.structure.valid_from or figures.EPOCH
    return Period(min(start, as_of), as_of)


def reported_percents(params: dict[str, Any]) -> dict[str, float]:
    """`reported_percent_<level>` parameters as {level: percent}; ValueError when malformed."""
    found = {}
    for key, value in params.items():
        if not key.startswith(REPORTED_PREFIX) or value in (None, ""):
            continue
        level = key.removeprefix(REPORTED_PREFIX)
        if level not in Level.values:
            raise ValueError(f"unknown level {level!r} in {key}")
        found[level] = float(value)
    return found


def coverage_cards(
    levels: list[LevelCoverage], reported: dict[str, float]
) -> list[tuple[str, Value, str]]:
    """One card per level, "548/705 (77,7 %)", with a note when a reported percent differs."""
    return [
        (
            _("Coverage, %(level)s") % {"level": c.label},
            coverage.share_text(c),
            coverage.reported_note(c, reported[c.level]) if c.level in reported else "",
        )
        for c in levels
    ]


def page_cards(own: dict[str, float]) -> list[tuple[str, Value, str]]:
    cards: list[tuple[str, Value, str]] = []
    for key in CARD_KEYS:
        label = str(METRIC_BY_KEY[key].label)
        if key == "reach":
            note = figures.estimate_note(own.get("reach_low", 0), own.get("reach_high", 0))
            cards.append((label, round_int(own.get("reach", 0)), note))
            continue
        note = ""
        if key == "referrals":
            note = _("Follows after a referral: %(count)s") % {
                "count": count_text(int(own.get("referral_follows", 0)))
            }
        elif key == "engagement":
            note = _("Reactions: %(reactions)s; comments: %(comments)s; shares: %(shares)s") % {
                part: count_text(int(own.get(part, 0)))
                for part in ("reactions", "comments", "shares")
            }
        cards.append((label, int(own.get(key, 0)), note))
    return cards


def _row_label(key: str) -> str:
    metric = METRIC_BY_KEY[key]
    if metric.estimated:
        return _("%(metric)s (estimated)") % {"metric": metric.label}
    return str(metric.label)


def child_table(
    unit: Unit, as_of: datetime.date, period: Period, levels: list[LevelCoverage]
) -> Table:
    """One row per unit below `unit`: its page active on the day, each lower level's units with
    a page / units, and its subtree's figures over the period. `levels`: the unit's coverage."""
    rows_coverage = coverage.by_child(unit, as_of)
    rows_figures = {child.pk: found for child, found in figures.by_child(unit, period)}
    below = [c.level for c in levels[1:]]
    child_level, lower = (below[0], below[1:]) if below else (None, [])
    columns = [
        coverage.first_upper(str(Level(child_level).label)) if child_level else _("Unit"),
        _("Page active"),
        *(
            coverage.first_upper(
                _("%(level)s: with a page / units") % {"level": Level(level).label}
            )
            for level in lower
        ),
        *(_row_label(key) for key in ROW_KEYS),
    ]
    rows: list[list[Value]] = []
    for child, levels in rows_coverage:
        by_level = {c.level: c for c in levels}
        own_level = by_level.get(child.level)
        row: list[Value] = [
            child.full_name,
            _("Yes") if own_level is not None and own_level.with_page else _("No"),
        ]
        for level in lower:
            c = by_level.get(level, LevelCoverage(level, 0, 0))
            row.append(f"{count_text(c.with_page)}/{count_text(c.units)}")
        found = rows_figures.get(child.pk, {})
        row.extend(
            round_int(found.get(key, 0)) if key == "reach" else int(found.get(key, 0))
            for key in ROW_KEYS
        )
        rows.append(row)
    return Table(
        title=_("By %(level)s") % {"level": Level(child_level).label} if child_level else "",
        columns=columns,
        rows=rows,
        note=(
            _(
                "Figures of each row are those of all the pages in that unit's subtree, "
                "up to %(end)s; reach is estimated and not additive."
            )
            if period.start == figures.EPOCH
            else _(
                "Figures of each row are those of all the pages in that unit's subtree, "
                "from %(start)s to %(end)s; reach is estimated and not additive."
            )
        )
        % {"start": date_text(period.start), "end": date_text(period.end)},
    )


def page_line(unit: Unit, page: Page | None, period: Period) -> str:
    """Whose figures the cards show, and over which days (all of them when the structure
    has no start date, as the 2022 one)."""
    if page is None:
        return _("%(unit)s has no page.") % {"unit": unit.full_name}
    values = {"page": page.name, "start": date_text(period.start), "end": date_text(period.end)}
    if period.start == figures.EPOCH:
        return _("Figures of the page “%(page)s” up to %(end)s") % values
    return _("Figures of the page “%(page)s” from %(start)s to %(end)s") % values


def document(unit: Unit | None, params: dict[str, Any]) -> Document:
    """The conference report of `unit` (the whole country from the CLI) on `ngay`."""
    as_of = coverage.as_of_param(params)
    unit = coverage.scope(unit, params, as_of)
    reported = reported_percents(params)
    period = period_of(unit, as_of)
    levels = coverage.levels(unit, as_of)
    page = Page.objects.filter(unit=unit).first()
    own = figures.own(unit, period)
    # The unit's own level is its own page (1 of 1 or 0 of 1): its cards say more than that.
    lower = [c for c in levels if c.level != unit.level]
    per_level = Table(
        title=_("Coverage per level"),
        columns=[_("Level"), _("Units"), _("With an active page"), _("Coverage (%)")],
        rows=[[c.heading, c.units, c.with_page, c.percent] for c in lower],
        note=" ".join(
            coverage.reported_note(c, reported[c.level]) for c in lower if c.level in reported
        ).strip(),
    )
    subtitle = [
        unit.full_name,
        _("As of %(date)s (end of the day)") % {"date": date_text(as_of)},
        _("Structure: %(name)s") % {"name": unit.structure.name},
        page_line(unit, page, period),
        _("Made on %(date)s") % {"date": date_text(timezone.localdate())},
    ]
    tables = [per_level]
    if len(levels) > 1:
        tables.append(child_table(unit, as_of, period, levels))
    code = "" if unit.depth == 1 else f"{unit.code.lower()}-"
    return Document(
        title=_("Conference report on the community pages"),
        subtitle=subtitle,
        cards=coverage_cards(lower, reported) + page_cards(own),
        tables=tables,
        definitions=[coverage.definition()]
        + [(str(METRIC_BY_KEY[k].label), str(METRIC_BY_KEY[k].definition)) for k in CARD_KEYS],
        filename=f"bao-cao-hoi-nghi-{code}{as_of.isoformat()}",
    )
