"""Figures for a unit's subtree or its own page over a period: the read side of insights.

Everything is read from the stored figures (`DayCount`, `ReachSketch`), never from raw events:
additive metrics are sums of a few rows (whole months from month rows, the days at either end
from day rows), and reach is the union of sketches, never a sum. The definitions below are
DESIGN.md §4; dashboards and exports show them next to the figures.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from congdong.insights import sketches
from congdong.insights.models import COUNT_COLUMNS, DayCount, ReachSketch, Span
from congdong.units.models import Level, Unit

# Before any event: the start of "all time" for follower totals.
EPOCH = datetime.date(2000, 1, 1)
LEVEL_ORDER = [Level.CENTRAL, Level.PROVINCE, Level.DISTRICT, Level.COMMUNE]


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included (Vietnam dates)."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def last(cls, days: int, end: datetime.date | None = None) -> Period:
        end = end or timezone.localdate()
        return cls(end - datetime.timedelta(days=days - 1), end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def dates(self) -> list[datetime.date]:
        return [self.start + datetime.timedelta(days=n) for n in range(self.days)]


@dataclass(frozen=True)
class Metric:
    key: str
    label: str | Promise
    definition: str | Promise
    estimated: bool = False


METRICS = [
    Metric(
        "followers",
        _("Followers"),
        _("Accounts following the page at the end of the period (follows − unfollows)."),
    ),
    Metric(
        "posts",
        _("Posts"),
        _(
            "Posts published by the page in the period (publish-down copies count for the page "
            "that published them; reshares are counted separately)."
        ),
    ),
    Metric(
        "reshares",
        _("Reshares"),
        _("Posts published down from above that the page reshared as its own in the period."),
    ),
    Metric(
        "impressions",
        _("Impressions"),
        _("Times page content was shown: page views, post views, feed items in the viewport."),
    ),
    Metric(
        "reach",
        _("Reach"),
        _(
            "Distinct people who saw any content of the page in the period — accounts by id, "
            "anonymous visitors by a salted hash that rotates daily. Estimated with "
            "HyperLogLog; a subtree's reach is the union of its pages' sketches, never a sum."
        ),
        estimated=True,
    ),
    Metric(
        "referrals",
        _("Referrals"),
        _(
            "Distinct recipients who opened a page or post through someone's referral or share "
            "link, and the follows that followed."
        ),
    ),
    Metric("engagement", _("Engagement"), _("Reactions + comments + shares.")),
]
METRIC_BY_KEY = {metric.key: metric for metric in METRICS}
ADDITIVE = (*COUNT_COLUMNS, "engagement", "followers")


def _window(start: datetime.date, end: datetime.date, column: str = "day") -> Q:
    """The rows that cover [start, end] exactly once: month rows for the whole months inside,
    day rows for the days before the first and after the last whole month. `column` is the
    row's first day: "day" on DayCount, "start" on ReachSketch."""
    if start > end:
        return Q(pk__in=[])
    first = start if start.day == 1 else _next_month(start)
    month_of_end = end.replace(day=1)
    last_start = month_of_end if _is_month_end(end) else _month_before(month_of_end)

    def span(kind: str, **bounds: datetime.date) -> Q:
        return Q(span=kind, **{f"{column}__{op}": day for op, day in bounds.items()})

    if first > last_start:  # no whole month inside
        return span(Span.DAY, gte=start, lte=end)
    return (
        span(Span.MONTH, gte=first, lte=last_start)
        | span(Span.DAY, gte=start, lt=first)
        | span(Span.DAY, gte=_next_month(last_start), lte=end)
    )


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def _month_before(first: datetime.date) -> datetime.date:
    return (first - datetime.timedelta(days=1)).replace(day=1)


def _is_month_end(day: datetime.date) -> bool:
    return (day + datetime.timedelta(days=1)).day == 1


def _sums(period: Period) -> dict[str, Sum]:
    """Aggregates over rows from EPOCH to the period's end: each column inside the period,
    and the followers' net over all of it (the total at the end)."""
    inside = _window(period.start, period.end)
    aggregates = {
        f"sum_{column}": Sum(column, filter=inside, default=0) for column in COUNT_COLUMNS
    }
    aggregates["net_gained"] = Sum("followers_gained", default=0)
    aggregates["net_lost"] = Sum("followers_lost", default=0)
    return aggregates


def _finish(row: dict, reach: sketches.ds.hll_sketch | None = None) -> dict[str, float]:
    figures = {column: int(row.get(f"sum_{column}") or 0) for column in COUNT_COLUMNS}
    figures["followers"] = int(row.get("net_gained") or 0) - int(row.get("net_lost") or 0)
    figures["engagement"] = figures["reactions"] + figures["comments"] + figures["shares"]
    if reach is not None:
        figures["reach"] = round(sketches.estimate(reach), 1)
        figures["reach_low"], figures["reach_high"] = (
            round(bound, 1) for bound in sketches.bounds(reach)
        )
    return figures


def _rows(unit_ids, period: Period, level: str | None = None):
    """Rows of the units (ids, or a values("pk") queryset) from EPOCH to the period's end."""
    # The period, and everything before it for the follower totals: two windows that cover
    # [EPOCH, end] once each (one window over all of it would split months differently).
    before = _window(EPOCH, period.start - datetime.timedelta(days=1))
    rows = DayCount.objects.filter(_window(period.start, period.end) | before, unit_id__in=unit_ids)
    return rows.filter(level=level) if level else rows


def reach_of(unit_ids: Iterable[int], period: Period, own: bool = False) -> dict[int, object]:
    """Each unit's reach sketch over the period (the union of its month and day sketches)."""
    blobs: dict[int, list[bytes]] = defaultdict(list)
    rows = ReachSketch.objects.filter(
        _window(period.start, period.end, column="start"), unit_id__in=list(unit_ids), own=own
    ).values_list("unit_id", "sketch")
    for unit_id, blob in rows:
        blobs[unit_id].append(blob)
    return {unit_id: sketches.union(found) for unit_id, found in blobs.items()}


def _reach(unit_id: int, period: Period, own: bool):
    return reach_of([unit_id], period, own).get(unit_id) or sketches.empty()


def totals(unit: Unit, period: Period) -> dict[str, float]:
    """The whole subtree's figures: every level, reach as the union of its sketches."""
    row = _rows([unit.pk], period).aggregate(**_sums(period))
    return _finish(row, _reach(unit.pk, period, own=False))


def own(unit: Unit, period: Period) -> dict[str, float]:
    """The unit's own page's figures."""
    row = _rows([unit.pk], period, level=unit.level).aggregate(**_sums(period))
    return _finish(row, _reach(unit.pk, period, own=True))


def by_level(unit: Unit, period: Period) -> list[tuple[str, dict[str, float]]]:
    """The subtree's additive figures per level of page, top level first (reach is not
    additive: see `totals`)."""
    rows = {
        row["level"]: row
        for row in _rows([unit.pk], period).values("level").annotate(**_sums(period))
    }
    return [(level, _finish(rows[level])) for level in LEVEL_ORDER if level in rows]


def by_child(unit: Unit, period: Period) -> list[tuple[Unit, dict[str, float]]]:
    """Each child unit's subtree figures, reach included, in code order."""
    children = list(Unit.objects.filter(parent=unit).order_by("path"))
    ids = [child.pk for child in children]
    rows = {
        row["unit_id"]: row
        for row in _rows(ids, period).values("unit_id").annotate(**_sums(period))
    }
    reach = reach_of(ids, period)
    return [
        (child, _finish(rows.get(child.pk, {}), reach.get(child.pk) or sketches.empty()))
        for child in children
    ]


def series(
    unit: Unit, period: Period, own: bool = False
) -> list[tuple[datetime.date, dict[str, float]]]:
    """Figures per day of the period; reach is each day's own estimate, followers the total
    at the end of each day."""
    rows = DayCount.objects.filter(
        unit_id=unit.pk, span=Span.DAY, day__gte=period.start, day__lte=period.end
    )
    before = DayCount.objects.filter(_window(EPOCH, period.start - datetime.timedelta(days=1)))
    before = before.filter(unit_id=unit.pk)
    if own:
        rows, before = rows.filter(level=unit.level), before.filter(level=unit.level)
    per_day = {
        row["day"]: row
        for row in rows.values("day").annotate(
            **{f"sum_{column}": Sum(column) for column in COUNT_COLUMNS}
        )
    }
    start_total = before.aggregate(
        gained=Sum("followers_gained", default=0), lost=Sum("followers_lost", default=0)
    )
    followers = start_total["gained"] - start_total["lost"]
    reach = dict(
        ReachSketch.objects.filter(
            unit_id=unit.pk,
            own=own,
            span=Span.DAY,
            start__gte=period.start,
            start__lte=period.end,
        ).values_list("start", "estimate")
    )
    out = []
    for day in period.dates():
        figures = _finish(per_day.get(day, {}))
        followers += figures["followers_gained"] - figures["followers_lost"]
        figures["followers"] = followers
        figures["reach"] = round(reach.get(day, 0.0), 1)
        out.append((day, figures))
    return out


def pages_ranked_many(
    unit: Unit,
    period: Period,
    orders: list[tuple[str, bool]],
    n: int = 10,
) -> list[list[tuple[object, dict[str, float]]]]:
    """For each (metric, bottom) in `orders`, the `n` active pages of the subtree with the
    highest (or lowest) metric over the period, pages with nothing counted included at zero.

    The ranked metrics are summed in one query over the period's own-page rows (whole months
    and the days at the ends); the full figures are then read for the pages shown only, and
    only those become model instances (a national subtree has 11,000 pages)."""
    from congdong.pages.models import Page, PageStatus

    metrics = sorted({metric for metric, _bottom in orders})
    for metric in metrics:
        if metric not in ADDITIVE:
            raise ValueError(metric)
    refs = list(
        Page.objects.filter(status=PageStatus.ACTIVE, unit__path__startswith=unit.path)
        .order_by()
        .values_list("pk", "unit_id", "unit__path", "unit__level")
    )
    ranked = _own_sums(unit, period, metrics)
    chosen = []
    for metric, bottom in orders:
        sign = 1 if bottom else -1
        chosen.append(
            sorted(refs, key=lambda ref: (sign * ranked.get(ref[1], {}).get(metric, 0), ref[2]))[:n]
        )
    shown = {ref for refs_ in chosen for ref in refs_}
    found: dict[int, dict[str, float]] = {}
    for level in {ref[3] for ref in shown}:
        ids = [ref[1] for ref in shown if ref[3] == level]
        for row in _rows(ids, period, level=level).values("unit_id").annotate(**_sums(period)):
            found[row["unit_id"]] = _finish(row)
    pages = Page.objects.select_related("unit").in_bulk({ref[0] for ref in shown})
    empty = _finish({})
    return [[(pages[ref[0]], dict(found.get(ref[1], empty))) for ref in refs_] for refs_ in chosen]


def _own_sums(unit: Unit, period: Period, metrics: list[str]) -> dict[int, dict[str, int]]:
    """`metrics` of each page of the subtree over the period, from its own-level rows: one
    grouped query joined to the units (the row's level is its unit's level)."""
    columns = {metric: [metric] for metric in metrics}
    if "engagement" in columns:
        columns["engagement"] = ["reactions", "comments", "shares"]
    window = _window(period.start, period.end)
    if "followers" in columns:  # a total at the end: everything before counts too
        window |= _window(EPOCH, period.start - datetime.timedelta(days=1))
        columns["followers"] = ["followers_gained", "followers_lost"]
    needed = sorted({column for cols in columns.values() for column in cols})
    own_rows = Unit.objects.filter(
        pk=OuterRef("unit_id"), level=OuterRef("level"), path__startswith=unit.path
    )
    rows = (
        DayCount.objects.filter(window)
        .filter(Exists(own_rows))
        .values("unit_id")
        .annotate(**{f"sum_{column}": Sum(column) for column in needed})
    )
    out: dict[int, dict[str, int]] = {}
    for row in rows:
        values = {column: int(row[f"sum_{column}"] or 0) for column in needed}
        figures = {}
        for metric in metrics:
            if metric == "followers":
                figures[metric] = values["followers_gained"] - values["followers_lost"]
            else:
                figures[metric] = sum(values[column] for column in columns[metric])
        out[row["unit_id"]] = figures
    return out


def pages_ranked(
    unit: Unit,
    period: Period,
    metric: str = "impressions",
    n: int = 10,
    bottom: bool = False,
) -> list[tuple[object, dict[str, float]]]:
    """The active pages of the subtree with the highest (or lowest) `metric` (an additive
    one) over the period, pages with nothing counted included at zero."""
    return pages_ranked_many(unit, period, [(metric, bottom)], n)[0]
