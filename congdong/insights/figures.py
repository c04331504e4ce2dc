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

from django.db import connection
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


def _window(
    start: datetime.date, end: datetime.date, column: str = "day", quarters: bool = True
) -> Q:
    """The rows that cover [start, end] exactly once: quarter rows for the whole calendar
    quarters inside, month rows for the other whole months, day rows for the days at either
    end. `column` is the row's first day: "day" on DayCount, "start" on ReachSketch (which
    keeps no quarter sketches: pass quarters=False)."""
    pieces = [
        Q(span=kind, **{f"{column}__gte": first, f"{column}__lte": last})
        for kind, first, last in _pieces(start, end, quarters)
        if first <= last
    ]
    if not pieces:
        return Q(pk__in=[])
    window = pieces[0]
    for piece in pieces[1:]:
        window |= piece
    return window


def _pieces(
    start: datetime.date, end: datetime.date, quarters: bool
) -> list[tuple[str, datetime.date, datetime.date]]:
    """(span, first row's start, last row's start) ranges; some may be empty (first > last)."""
    first_month = start if start.day == 1 else _next_month(start)
    month_of_end = end.replace(day=1)
    last_month = month_of_end if _is_month_end(end) else _month_before(month_of_end)
    if first_month > last_month:  # no whole month inside
        return [(Span.DAY, start, end)]
    days = [
        (Span.DAY, start, first_month - datetime.timedelta(days=1)),
        (Span.DAY, _next_month(last_month), end),
    ]
    first_quarter = _quarter_on_or_after(first_month)
    last_quarter_start = quarter_of(last_month)
    if _months_after(last_quarter_start, 2) != last_month:  # that quarter is not whole
        last_quarter_start = _months_after(last_quarter_start, -3)
    if not quarters or first_quarter > last_quarter_start:
        return [*days, (Span.MONTH, first_month, last_month)]
    return [
        *days,
        (Span.MONTH, first_month, _months_after(first_quarter, -1)),
        (Span.QUARTER, first_quarter, last_quarter_start),
        (Span.MONTH, _months_after(last_quarter_start, 3), last_month),
    ]


def _months_after(first: datetime.date, months: int) -> datetime.date:
    """The first of the month `months` after (or before, if negative) the month of `first`."""
    index = first.year * 12 + first.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _quarter_on_or_after(first: datetime.date) -> datetime.date:
    """The first day of the calendar quarter starting on or after the month of `first`."""
    return _months_after(first, (3 - (first.month - 1) % 3) % 3)


def quarter_of(day: datetime.date) -> datetime.date:
    """The first day of the calendar quarter holding `day`."""
    return datetime.date(day.year, day.month - (day.month - 1) % 3, 1)


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
        _window(period.start, period.end, column="start", quarters=False),
        unit_id__in=list(unit_ids),
        own=own,
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
    highest (or lowest) metric over the period, pages with nothing counted included at zero;
    ties in subtree order.

    One query sums the ranked metrics over the period's own-page rows and ranks the pages in
    the database, so only the pages shown leave it (a national subtree has 11,000 pages); the
    full figures are then read for those pages only."""
    from congdong.pages.models import Page, PageStatus

    metrics = sorted({metric for metric, _bottom in orders})
    for metric in metrics:
        if metric not in ADDITIVE:
            raise ValueError(metric)
    sums_sql, sums_params = _own_sums(unit, period, metrics).query.sql_with_params()
    pages = (
        Page.objects.filter(status=PageStatus.ACTIVE, unit__path__startswith=unit.path)
        .order_by()
        .values("pk", "unit_id", "unit__path", "unit__level")
    )
    pages_sql, pages_params = pages.query.sql_with_params()
    values = ", ".join(f'{_ranked_value(metric)} AS "m_{metric}"' for metric in metrics)
    picks = " UNION ALL ".join(
        f'SELECT * FROM (SELECT {k} AS "k", "pk", "unit_id", "unit__level", "m_{metric}" AS "v", '
        f'"unit__path" FROM ranked '
        f'ORDER BY "m_{metric}" {"ASC" if bottom else "DESC"}, "unit__path" LIMIT {int(n)}) t{k}'
        for k, (metric, bottom) in enumerate(orders)
    )
    sql = (
        f"WITH sums AS ({sums_sql}), ranked AS ("
        f'SELECT p."pk", p."unit_id", p."unit__path", p."unit__level", {values} '
        f'FROM ({pages_sql}) p LEFT JOIN sums s ON s."unit_id" = p."unit_id") {picks}'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*sums_params, *pages_params])
        rows = cursor.fetchall()
    chosen: list[list[tuple[int, int, str]]] = [[] for _order in orders]
    # A union keeps no order between its parts' rows: put each part back in rank order.
    for k, page_id, unit_id, level, _value, _path in sorted(
        rows, key=lambda row: (row[0], row[4] if orders[row[0]][1] else -row[4], row[5])
    ):
        chosen[k].append((page_id, unit_id, level))
    shown = {ref for refs in chosen for ref in refs}
    found: dict[int, dict[str, float]] = {}
    for level in {ref[2] for ref in shown}:
        ids = [ref[1] for ref in shown if ref[2] == level]
        for row in _rows(ids, period, level=level).values("unit_id").annotate(**_sums(period)):
            found[row["unit_id"]] = _finish(row)
    objects = Page.objects.select_related("unit").in_bulk({ref[0] for ref in shown})
    empty = _finish({})
    return [[(objects[ref[0]], dict(found.get(ref[1], empty))) for ref in refs] for refs in chosen]


def _ranked_value(metric: str) -> str:
    """The SQL for `metric` of a ranked page from its sums (zero for a page without rows)."""
    if metric == "followers":
        return 'COALESCE(s."sum_followers_gained", 0) - COALESCE(s."sum_followers_lost", 0)'
    columns = ["reactions", "comments", "shares"] if metric == "engagement" else [metric]
    return " + ".join(f'COALESCE(s."sum_{column}", 0)' for column in columns)


def _own_sums(unit: Unit, period: Period, metrics: list[str]):
    """The sums behind `metrics` for each page of the subtree over the period, from its
    own-level rows: a grouped queryset (unit_id, sum_<column>…) joined to the units (a row's
    level is its unit's level only for the unit's own page)."""
    needed = set()
    window = _window(period.start, period.end)
    for metric in metrics:
        if metric == "followers":  # a total at the end: everything before counts too
            window |= _window(EPOCH, period.start - datetime.timedelta(days=1))
            needed |= {"followers_gained", "followers_lost"}
        elif metric == "engagement":
            needed |= {"reactions", "comments", "shares"}
        else:
            needed.add(metric)
    own_rows = Unit.objects.filter(
        pk=OuterRef("unit_id"), level=OuterRef("level"), path__startswith=unit.path
    )
    return (
        DayCount.objects.filter(window)
        .filter(Exists(own_rows))
        .order_by()
        .values("unit_id")
        .annotate(**{f"sum_{column}": Sum(column) for column in sorted(needed)})
    )


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
