"""Coverage: per level, the units with an active page out of the units that exist on a date.

A unit exists on a date when its structure is in force then (`Structure.is_valid_on`): the 2025
communes do not exist in 2022, and the 2022 districts stop existing on 1 July 2025. A unit of
a structure that is not in force counts as not existing, so its levels read 0 of 0 (the levels
are still listed, so a report keeps its shape); `in_force` says which case a caller is in.

A page counts when it was active at the end of that day, Vietnam time, as its `PageTransition`
rows tell: the latest row at or before midnight says "active". Every way a page is made (one
by one or `do_establish_many`) writes these rows, so they are the whole history; a page with
no row yet did not exist that day.

Reads only, and few: one query counts the subtree's units per level, one reads its pages'
transitions for all the dates asked, whatever the size of the tree or the number of dates.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from congdong.core.numbers import Percent, format_date, format_decimal, format_int
from congdong.insights.exports.document import Document, Table
from congdong.pages.models import Page, PageStatus, PageTransition
from congdong.units.models import Level, Structure, Unit

COVERAGE_DEFINITION = gettext_lazy(
    "Per level, units with an active page / units that exist on that date."
)

LEVEL_ORDER = list(Level.values)  # top-down: central, province, district, commune


@dataclass(frozen=True)
class LevelCoverage:
    level: str
    units: int
    with_page: int

    @property
    def percent(self) -> Percent:
        """Share of units with an active page, in %, rounded to one decimal (0 for no units)."""
        return Percent.of(self.with_page, self.units)

    @property
    def label(self) -> str:
        """The level's name as used inside a sentence: "cấp huyện"."""
        return str(Level(self.level).label)

    @property
    def heading(self) -> str:
        """The level's name at the start of a line or cell: "Cấp huyện"."""
        return first_upper(self.label)


def first_upper(text: str) -> str:
    # Not str.capitalize(): it would lower the rest ("cấp Trung ương" → "Cấp trung ương").
    return text[:1].upper() + text[1:]


def in_force(unit: Unit, as_of: datetime.date) -> bool:
    """Whether `unit`'s structure (hence the unit) exists on `as_of`."""
    return unit.structure.is_valid_on(as_of)


def end_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight after `day` in Vietnam: a transition counts for `day` when it is before this."""
    return datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE)
    )


def _latest_status(page_ref: str, day: datetime.date) -> Coalesce:
    """The status a page had at the end of `day` ("" when it had no transition yet)."""
    latest = (
        PageTransition.objects.filter(page_id=OuterRef(page_ref), at__lt=end_of_day(day))
        .order_by("-at", "-pk")  # create + activate share one time in bulk: the later row wins
        .values("to_state")[:1]
    )
    return Coalesce(Subquery(latest), Value(""), output_field=CharField())


def _active_pages(unit: Unit, day: datetime.date) -> QuerySet[Page]:
    return (
        Page.objects.filter(unit__path__startswith=unit.path)
        .annotate(status_then=_latest_status("pk", day))
        .filter(status_then=PageStatus.ACTIVE)
    )


def _unit_counts(unit: Unit) -> dict[str, int]:
    rows = (
        Unit.objects.in_subtree(unit)
        .order_by()
        .values("level")
        .annotate(n=Count("pk"))
        .values_list("level", "n")
    )
    return dict(rows)


def _ordered(counts: dict[str, int], active: dict[str, int], exists: bool) -> list[LevelCoverage]:
    return [
        LevelCoverage(
            level=level,
            units=counts[level] if exists else 0,
            with_page=active.get(level, 0) if exists else 0,
        )
        for level in LEVEL_ORDER
        if level in counts
    ]


def _active_counts_on(unit: Unit, days: list[datetime.date]) -> dict[datetime.date, dict[str, int]]:
    """Active pages per level in `unit`'s subtree at the end of each of `days`.

    One query: the subtree's page transitions up to the last day, in order, each tagged in SQL
    with the first of the days it counts for (so no time is converted in Python), walked once.
    (A subquery per page and per day, as before, took about 0.1 s a day on the 2,100 pages of
    the 2025 tree: over a second for a year's history of 12 points.)
    """
    ends = sorted((end_of_day(day), day) for day in set(days))
    counts: dict[datetime.date, dict[str, int]] = {day: {} for _end, day in ends}
    if not ends:
        return counts
    first_day = Case(
        *(When(at__lt=end, then=Value(i)) for i, (end, _day) in enumerate(ends)),
        output_field=IntegerField(),
    )
    moves = (
        PageTransition.objects.filter(page__unit__path__startswith=unit.path, at__lt=ends[-1][0])
        .annotate(first_day=first_day)
        .order_by("page_id", "at", "pk")  # create + activate share one time: the later row wins
        .values_list("page_id", "page__unit__level", "first_day", "to_state")
    )
    for _page_id, page_moves in groupby(moves.iterator(chunk_size=5000), key=itemgetter(0)):
        history = list(page_moves)
        level = history[0][1]
        status, i = "", 0
        for k, (_end, day) in enumerate(ends):
            while i < len(history) and history[i][2] <= k:
                status = history[i][3]
                i += 1
            if status == PageStatus.ACTIVE:
                counts[day][level] = counts[day].get(level, 0) + 1
    return counts


def levels(unit: Unit, as_of: datetime.date) -> list[LevelCoverage]:
    """Coverage of each level in `unit`'s subtree (its own level first, then down) on `as_of`.

    Two queries. All zeros when the unit's structure is not in force on `as_of`.
    """
    counts = _unit_counts(unit)
    exists = in_force(unit, as_of)
    active = _active_counts_on(unit, [as_of])[as_of] if exists else {}
    return _ordered(counts, active, exists)


def history(
    unit: Unit, start: datetime.date, end: datetime.date, points: int = 12
) -> list[tuple[datetime.date, list[LevelCoverage]]]:
    """Coverage on `points` evenly spaced dates from `start` to `end`, both included (fewer
    when the range has fewer days). Two queries, however many dates."""
    if end < start:
        raise ValueError("end before start")
    span = (end - start).days
    if points < 2 or span == 0:
        days = [end]
    else:
        days = sorted(
            {start + datetime.timedelta(days=round(i * span / (points - 1))) for i in range(points)}
        )
    counts = _unit_counts(unit)
    active = _active_counts_on(unit, [day for day in days if in_force(unit, day)])
    return [(day, _ordered(counts, active.get(day, {}), in_force(unit, day))) for day in days]


def without_page(
    unit: Unit, as_of: datetime.date, level: str | None = None, limit: int | None = None
) -> list[Unit]:
    """The units of `unit`'s subtree that exist on `as_of` and had no active page at the end of
    that day (no page, a page not yet opened, or suspended), in tree order. One query; each
    unit comes with its parent and structure."""
    units = without_page_query(unit, as_of, level)
    if limit is not None:
        units = units[:limit]
    return list(units)


def without_page_query(unit: Unit, as_of: datetime.date, level: str | None = None) -> QuerySet:
    """`without_page` as a query, for a screen that shows one page of them (a list would build
    every unit of the tree without a page, 1,300 in the 2025 tree, to show 50)."""
    if not in_force(unit, as_of):
        return Unit.objects.none()
    units = (
        Unit.objects.in_subtree(unit)
        .select_related("parent", "structure")
        .annotate(status_then=_latest_status("page", as_of))
        .exclude(status_then=PageStatus.ACTIVE)
        .order_by("path")
    )
    return units.filter(level=level) if level else units


def _per_child_and_level(
    rows: QuerySet, unit_prefix: str, prefix_len: int
) -> dict[str, dict[str, int]]:
    """How many of `rows` stand below each child (its path, the first `prefix_len` characters
    of theirs) at each level; `unit_prefix` leads from a row to its unit ("" for units)."""
    counted: dict[str, dict[str, int]] = {}
    for child, level, n in (
        rows.order_by()
        .annotate(child=Substr(f"{unit_prefix}path", 1, prefix_len))
        .values("child", f"{unit_prefix}level")
        .annotate(n=Count("pk"))
        .values_list("child", f"{unit_prefix}level", "n")
    ):
        counted.setdefault(child, {})[level] = n
    return counted


def by_child(unit: Unit, as_of: datetime.date) -> list[tuple[Unit, list[LevelCoverage]]]:
    """Coverage of each child's subtree (e.g. each province of the country), in tree order.
    Three queries, however many children."""
    children = list(Unit.objects.filter(parent=unit).select_related("structure").order_by("path"))
    prefix_len = unit.depth * Unit.steplen + Unit.steplen
    exists = in_force(unit, as_of)
    below = Unit.objects.filter(path__startswith=unit.path, depth__gt=unit.depth)
    counts = _per_child_and_level(below, "", prefix_len)
    active: dict[str, dict[str, int]] = {}
    if exists:
        pages = _active_pages(unit, as_of).filter(unit__depth__gt=unit.depth)
        active = _per_child_and_level(pages, "unit__", prefix_len)
    return [
        (child, _ordered(counts.get(child.path, {}), active.get(child.path, {}), exists))
        for child in children
    ]


def as_dict(
    unit: Unit, as_of: datetime.date, found: list[LevelCoverage] | None = None
) -> dict[str, Any]:
    """{"as_of", "structure", "unit", "levels": {level: {"units", "with_page", "percent"}}}: the
    JSON of `congdong report coverage` (and of the conference scenario)."""
    found = levels(unit, as_of) if found is None else found
    return {
        "as_of": as_of.isoformat(),
        "structure": unit.structure.code,
        "unit": unit.code,
        "levels": {
            c.level: {"units": c.units, "with_page": c.with_page, "percent": c.percent}
            for c in found
        },
    }


# --- how coverage is written --------------------------------------------------------------


def count_text(n: int | str) -> str:
    """A count grouped by thousands the way the active language writes it (10.599 in
    Vietnamese, 10,599 in English); a hidden figure ("< 5", congdong.core.anonymity) as it is."""
    return format_int(n)


def percent_text(percent: float) -> str:
    """ "77,7" in Vietnamese, "77.7" in English: one decimal, for messages that put the sign
    themselves ("%(percent)s %%"); a figure on its own takes `core.numbers.format_percent`."""
    return format_decimal(percent)


def share_text(coverage: LevelCoverage) -> str:
    """ "548/705 (77,7 %)"."""
    return _("%(with_page)s/%(units)s (%(percent)s %%)") % {
        "with_page": count_text(coverage.with_page),
        "units": count_text(coverage.units),
        "percent": percent_text(coverage.percent),
    }


def date_text(day: datetime.date) -> str:
    return format_date(day)


def reported_note(coverage: LevelCoverage, reported: float) -> str:
    """Why the printed percent differs from a `reported` one (e.g. a press report's 77.8 %),
    or "" when they agree. When no whole number of units gives the reported figure exactly,
    says so, naming the counts that come nearest on either side."""
    reported = round(float(reported), 1)
    if coverage.units == 0 or coverage.percent == reported:
        return ""
    n = coverage.units

    def pct(k: int) -> float:
        return round(100 * k / n, 1)

    exact = [k for k in range(n + 1) if pct(k) == reported]
    values = {
        "reported": percent_text(reported),
        "units": count_text(n),
        "level": coverage.label,
        "printed": percent_text(coverage.percent),
        "counted": count_text(coverage.with_page),
    }
    if exact:
        return (
            _(
                "Reported: %(reported)s %%; counted %(counted)s of %(units)s units at the "
                "%(level)s, which is %(printed)s %%."
            )
            % values
        )
    below = max((k for k in range(n + 1) if pct(k) < reported), default=0)
    above = min((k for k in range(n + 1) if pct(k) > reported), default=n)
    # The card shows the counted figure; the note gives the counts on either side.
    return _(
        "Reported: %(reported)s %%. No whole number of units out of %(units)s gives exactly "
        "%(reported)s %%: %(below)s gives %(below_pct)s %% and %(above)s gives %(above_pct)s %%."
    ) % (
        values
        | {
            "below": count_text(below),
            "below_pct": percent_text(pct(below)),
            "above": count_text(above),
            "above_pct": percent_text(pct(above)),
        }
    )


# --- the export ---------------------------------------------------------------------------


def last_day(unit: Unit) -> datetime.date:
    """The latest day figures of `unit` can be about: today, or the last day of its structure
    when that is over (the 2022 tree's figures end on 30 June 2025). Every screen, export and
    report that picks a period or a date by itself ends it here, inside the structure's life."""
    today = timezone.localdate()
    ended = unit.structure.valid_to
    return ended if ended is not None and ended < today else today


def as_of_param(params: dict[str, Any], unit: Unit | None = None) -> datetime.date:
    """The `ngay` parameter (ISO date); when absent, the last day of `unit`'s structure's life
    (today for the current one). ValueError when malformed."""
    value = params.get("ngay")
    if not value:
        return last_day(unit) if unit is not None else timezone.localdate()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def scope(unit: Unit | None, params: dict[str, Any], as_of: datetime.date) -> Unit:
    """The unit a report is about: `unit`, or (from the CLI) the root of the structure named by
    `cau_truc`, else of the structure in force on `as_of`."""
    if unit is not None:
        return unit
    from congdong.units.queries import current_structure

    code = params.get("cau_truc")
    structure = Structure.objects.filter(code=code).first() if code else current_structure(as_of)
    if structure is None:
        raise ValueError(f"unknown structure {code!r}")
    return Unit.objects.select_related("structure").get(structure=structure, depth=1)


def definition() -> tuple[str, str]:
    return (_("Coverage"), str(COVERAGE_DEFINITION))


def document(unit: Unit | None, params: dict[str, Any]) -> Document:
    """Coverage per level on `ngay`, and the units without an active page (of level `cap`
    when given)."""
    as_of = as_of_param(params, unit)
    unit = scope(unit, params, as_of)
    level = params.get("cap") or None
    if level is not None and level not in LEVEL_ORDER:
        raise ValueError(f"unknown level {level!r}")
    found = levels(unit, as_of)
    missing = without_page(unit, as_of, level=level)
    subtitle = [
        unit.full_name,
        _("As of %(date)s (end of the day)") % {"date": date_text(as_of)},
        _("Structure: %(name)s") % {"name": unit.structure.name},
        _("Made on %(date)s") % {"date": date_text(timezone.localdate())},
    ]
    if not in_force(unit, as_of):
        subtitle.append(
            _("The units of this structure did not exist on %(date)s.") % {"date": date_text(as_of)}
        )
    per_level = Table(
        title=_("Coverage per level"),
        columns=[_("Level"), _("Units"), _("With an active page"), _("Coverage (%)")],
        rows=[[c.heading, c.units, c.with_page, c.percent] for c in found],
    )
    missing_table = Table(
        title=_("Units without an active page"),
        columns=[_("Unit"), _("Level"), _("Belongs to")],
        rows=[
            [
                u.full_name,
                first_upper(str(Level(u.level).label)),
                u.parent.full_name if u.parent else "",
            ]
            for u in missing
        ],
        note=_("Units: %(count)s") % {"count": count_text(len(missing))},
        sheet=pgettext("sheet name", "Units without a page"),
    )
    return Document(
        title=_("Coverage of community pages"),
        subtitle=subtitle,
        cards=[(c.heading, share_text(c), "") for c in found],
        tables=[per_level, missing_table],
        definitions=[definition()],
        filename=f"do-phu-{unit.structure.code}-{unit.code.lower()}-{as_of.isoformat()}",
    )
