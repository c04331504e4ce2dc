"""Figures for a unit's subtree or its own page over a period: the read side of insights.

Everything is read from the stored figures (`DayCount`, `ReachSketch`), never from raw events:
additive metrics are sums of a few rows (whole quarters and months from quarter and month
rows, the days at either end from day rows), and reach is the union of sketches, never a sum.
The definitions below are DESIGN.md §4; dashboards and exports show them next to the figures.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Exists, F, IntegerField, OuterRef, Q, Sum
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from congdong.core.numbers import format_range
from congdong.engagement.models import REFERRAL_DEFINITION
from congdong.insights import sketches
from congdong.insights.models import (
    COUNT_COLUMNS,
    IMPORTED_COLUMNS,
    SOURCE_COLUMNS,
    DayCount,
    ReachSketch,
    Source,
    Span,
)
from congdong.insights.rollup import quarter_of, ten_days_of
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
        _(
            "Accounts following the page at the end of the period (follows − unfollows); for "
            "a period ending today, the number its public page shows."
        ),
    ),
    Metric(
        "posts",
        _("Posts"),
        _(
            "Posts published in the period that the page's public page lists: its own, the "
            "copies published down to it from above and its reshares. A post hidden or "
            "archived later no longer counts; a subtree's posts are the sum of its pages'."
        ),
    ),
    Metric(
        "reshares",
        _("Reshares"),
        _(
            "Posts published down from above that the page reshared as its own in the period "
            "(each is also one of its posts while it is shown)."
        ),
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
            "Distinct people who saw any content of the page in the period — signed-in "
            "accounts by id; visitors not signed in by network address (IPv6: its /64), one "
            "a day, under a salted hash that rotates daily, whatever their browser says, so "
            "people sharing an address count once. Estimated with HyperLogLog; a subtree's "
            "reach is the union of its pages' sketches, never a sum."
        ),
        estimated=True,
    ),
    Metric("referrals", _("Referrals"), REFERRAL_DEFINITION),
    Metric("engagement", _("Engagement"), _("Reactions + comments + shares.")),
]
METRIC_BY_KEY = {metric.key: metric for metric in METRICS}


def estimate_note(low: float | None, high: float | None) -> str:
    """What goes with an estimated figure, the same on the page, in exports and on the
    command line: "ước tính; khoảng tin cậy 95%: 6.686–6.907"."""
    return gettext("estimated; 95%% interval: %(range)s") % {
        "range": format_range(low or 0, high or 0)
    }


ADDITIVE = (*COUNT_COLUMNS, "engagement", "followers")


class Window:
    """The DayCount rows whose sum is a period's figures: some rows added, some taken away (a
    month row less the few days of it outside the period, when that is fewer rows than the
    days inside: month rows are the sums of their days)."""

    def __init__(self, pieces: list[Piece]) -> None:
        self.pieces = pieces

    @property
    def rows(self) -> Q:
        """The rows to read (an index on span and day finds them)."""
        return _any([_piece(kind, first, last) for _sign, kind, first, last in self.pieces])

    def total(self, column: str) -> Sum:
        """SUM of `column` times the row's sign (+1, −1, or 0 outside the window). The sign is
        one CASE in SQL, not a filter per sum: a dozen sums over filters of a dozen ranges
        each cost Django more to build than the database to run."""
        return Sum(F(column) * self._sign(), default=0)

    def _sign(self) -> RawSQL:
        table = connection.ops.quote_name(DayCount._meta.db_table)
        span, day = (f"{table}.{connection.ops.quote_name(name)}" for name in ("span", "day"))
        date = (lambda d: d) if connection.vendor == "postgresql" else datetime.date.isoformat
        cases, params = [], []
        for sign, kind, first, last in self.pieces:
            cases.append(f"WHEN {span} = %s AND {day} >= %s AND {day} <= %s THEN {sign}")
            params += [kind, date(first), date(last)]
        sql = f"CASE {' '.join(cases)} ELSE 0 END" if cases else "0"
        return RawSQL(sql, params, output_field=IntegerField())


def _sketch_window(start: datetime.date, end: datetime.date) -> Q:
    """The ReachSketch rows whose union is [start, end]: whole quarters and months, then
    whole ten-day spans (1–10, 11–20, 21–end) and single days for the rest of the ends."""
    pieces = []
    for _sign, kind, first, last in _pieces(start, end, quarters=True, subtract=False):
        if kind != Span.DAY:
            pieces.append(_piece(kind, first, last, "start"))
            continue
        day = first
        while day <= last:
            ten_end = _ten_days_end(day)
            if ten_days_of(day) == day and ten_end <= last:
                pieces.append(_piece(Span.TEN_DAYS, day, day, "start"))
                day = ten_end + DAY
            else:
                pieces.append(_piece(Span.DAY, day, day, "start"))
                day += DAY
    return _any(pieces)


def _ten_days_end(day: datetime.date) -> datetime.date:
    first = ten_days_of(day)
    return first + datetime.timedelta(days=9) if first.day < 21 else _next_month(day) - DAY


def _counts(start: datetime.date, end: datetime.date) -> Window:
    """The DayCount rows that sum to [start, end]: whole quarters, whole months, and at each
    end either the days inside or the month less the days outside, whichever reads fewer."""
    return Window(_pieces(start, end, quarters=True, subtract=True))


def _piece(kind: str, first: datetime.date, last: datetime.date, column: str = "day") -> Q:
    return Q(span=kind, **{f"{column}__gte": first, f"{column}__lte": last})


def _any(pieces: list[Q]) -> Q:
    if not pieces:
        return Q(pk__in=[])
    window = pieces[0]
    for piece in pieces[1:]:
        window |= piece
    return window


Piece = tuple[int, str, datetime.date, datetime.date]  # sign, span, first and last row start


def _pieces(
    start: datetime.date, end: datetime.date, quarters: bool, subtract: bool
) -> list[Piece]:
    """The signed ranges of rows that sum to [start, end] (empty ranges left out)."""
    if start > end:
        return []
    first_month = start if start.day == 1 else _next_month(start)
    month_of_end = end.replace(day=1)
    last_month = month_of_end if _is_month_end(end) else _month_before(month_of_end)
    if first_month > last_month and start.replace(day=1) == month_of_end:
        # Inside one month: its days, or the month less the days before and after.
        pieces = [(1, Span.DAY, start, end)]
        outside = [(-1, Span.DAY, start.replace(day=1), start - DAY), *_after(end)]
        return _cheaper(pieces, [(1, Span.MONTH, month_of_end, month_of_end), *outside], subtract)
    pieces: list[Piece] = []
    if start.day != 1:  # the end of the first month
        inside = [(1, Span.DAY, start, first_month - DAY)]
        less = [(1, Span.MONTH, start.replace(day=1), start.replace(day=1))]
        pieces += _cheaper(
            inside, [*less, (-1, Span.DAY, start.replace(day=1), start - DAY)], subtract
        )
    if not _is_month_end(end):  # the beginning of the last month
        inside = [(1, Span.DAY, month_of_end, end)]
        less = [(1, Span.MONTH, month_of_end, month_of_end), *_after(end)]
        pieces += _cheaper(inside, less, subtract)
    if first_month > last_month:
        return pieces
    first_quarter = _quarter_on_or_after(first_month)
    last_quarter_start = quarter_of(last_month)
    if _months_after(last_quarter_start, 2) != last_month:  # that quarter is not whole
        last_quarter_start = _months_after(last_quarter_start, -3)
    if not quarters or first_quarter > last_quarter_start:
        return [*pieces, (1, Span.MONTH, first_month, last_month)]
    middle = [
        (1, Span.MONTH, first_month, _months_after(first_quarter, -1)),
        (1, Span.QUARTER, first_quarter, last_quarter_start),
        (1, Span.MONTH, _months_after(last_quarter_start, 3), last_month),
    ]
    return [*pieces, *(piece for piece in middle if piece[2] <= piece[3])]


DAY = datetime.timedelta(days=1)


def _after(day: datetime.date) -> list[Piece]:
    """The days of `day`'s month after it, to be taken away (none after today: no rows)."""
    last = min(_next_month(day) - DAY, timezone.localdate())
    return [(-1, Span.DAY, day + DAY, last)]


def _cheaper(inside: list[Piece], instead: list[Piece], subtract: bool) -> list[Piece]:
    """`inside`, or `instead` if subtracting is allowed and it reads fewer day rows."""
    inside = [piece for piece in inside if piece[2] <= piece[3]]
    if not subtract:
        return inside
    instead = [piece for piece in instead if piece[2] <= piece[3]]
    return instead if _days(instead) < _days(inside) else inside


def _days(pieces: list[Piece]) -> int:
    """How many rows the pieces read at most: a day row a day, one row a month or quarter."""
    return sum(
        (last - first).days + 1 if kind == Span.DAY else 1 for _s, kind, first, last in pieces
    )


def _months_after(first: datetime.date, months: int) -> datetime.date:
    """The first of the month `months` after (or before, if negative) the month of `first`."""
    index = first.year * 12 + first.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _quarter_on_or_after(first: datetime.date) -> datetime.date:
    """The first day of the calendar quarter starting on or after the month of `first`."""
    return _months_after(first, (3 - (first.month - 1) % 3) % 3)


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def _month_before(first: datetime.date) -> datetime.date:
    return (first - datetime.timedelta(days=1)).replace(day=1)


def _is_month_end(day: datetime.date) -> bool:
    return (day + datetime.timedelta(days=1)).day == 1


def _sums(period: Period, columns: Iterable[str] = COUNT_COLUMNS) -> dict[str, object]:
    """Aggregates over the rows of `_rows`: each column inside the period, and the followers'
    net from EPOCH to the period's end (the total at the end)."""
    inside, upto = _counts(period.start, period.end), _counts(EPOCH, period.end)
    aggregates = {f"sum_{column}": inside.total(column) for column in columns}
    aggregates["net_gained"] = upto.total("followers_gained")
    aggregates["net_lost"] = upto.total("followers_lost")
    return aggregates


def _finish(row: dict, reach: sketches.ds.hll_sketch | None = None) -> dict[str, float]:
    figures = {column: int(row.get(f"sum_{column}") or 0) for column in COUNT_COLUMNS}
    figures["followers"] = int(row.get("net_gained") or 0) - int(row.get("net_lost") or 0)
    figures["engagement"] = figures["reactions"] + figures["comments"] + figures["shares"]
    for column in IMPORTED_COLUMNS:  # read only by the per-source figures
        if f"sum_{column}" in row:
            figures[column] = int(row[f"sum_{column}"] or 0)
    figures["engagement"] += figures.get("platform_engagement", 0)
    if reach is not None:
        figures["reach"] = round(sketches.estimate(reach), 1)
        figures["reach_low"], figures["reach_high"] = (
            round(bound, 1) for bound in sketches.bounds(reach)
        )
    return figures


def _rows(unit_ids, period: Period, level: str | None = None, source: str | None = Source.SITE):
    """Rows of the units (ids, or a values("pk") queryset) that `_sums` reads: the period's,
    and those from EPOCH to its end for the follower totals; congdong's own unless another
    `source` is asked for (None: every source)."""
    inside, upto = _counts(period.start, period.end), _counts(EPOCH, period.end)
    rows = DayCount.objects.filter(inside.rows | upto.rows, unit_id__in=unit_ids)
    if source is not None:
        rows = rows.filter(source=source)
    return rows.filter(level=level) if level else rows


def reach_of(unit_ids: Iterable[int], period: Period, own: bool = False) -> dict[int, object]:
    """Each unit's reach sketch over the period (the union of its quarter, month, ten-day and
    day sketches)."""
    blobs: dict[int, list[bytes]] = defaultdict(list)
    rows = ReachSketch.objects.filter(
        _sketch_window(period.start, period.end),
        unit_id__in=list(unit_ids),
        own=own,
    ).values_list("unit_id", "sketch")
    for unit_id, blob in _fetch_bytes(rows):
        blobs[unit_id].append(blob)
    return {unit_id: sketches.union(found) for unit_id, found in blobs.items()}


def _fetch_bytes(rows) -> list[tuple]:
    """The rows of a values_list() queryset. On PostgreSQL in binary: Django's cursors bind
    on the client and read results as text, so 8 KB sketches would arrive as 16 KB of hex to
    decode (the provinces' reach reads about 3 MB of sketches)."""
    if connection.vendor != "postgresql":
        return list(rows)
    import psycopg

    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:  # no unit asked for
        return []
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, binary=True)
        return cursor.fetchall()


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
        unit_id=unit.pk,
        span=Span.DAY,
        day__gte=period.start,
        day__lte=period.end,
        source=Source.SITE,
    )
    earlier = _counts(EPOCH, period.start - DAY)
    before = DayCount.objects.filter(earlier.rows, unit_id=unit.pk, source=Source.SITE)
    if own:
        rows, before = rows.filter(level=unit.level), before.filter(level=unit.level)
    per_day = {
        row["day"]: row
        for row in rows.values("day").annotate(
            **{f"sum_{column}": Sum(column) for column in COUNT_COLUMNS}
        )
    }
    start_total = before.aggregate(
        gained=earlier.total("followers_gained"), lost=earlier.total("followers_lost")
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


SOURCES = (Source.SITE, Source.FACEBOOK, Source.ZALO)


def by_source(unit: Unit, period: Period, own: bool = False) -> list[tuple[str, dict[str, float]]]:
    """The subtree's (or with `own`, its page's) additive figures per source: congdong's own
    first, then each platform's, zero where nothing was imported. A platform's `viewers` are
    the sum of its daily distinct viewers: never de-duplicated across days, pages or
    platforms, and never part of congdong's reach."""
    rows = _rows([unit.pk], period, level=unit.level if own else None, source=None)
    found = {
        row["source"]: row
        for row in rows.values("source").annotate(**_sums(period, SOURCE_COLUMNS))
    }
    out = []
    for source in SOURCES:
        figures = _finish(found.get(source, {}))
        for column in IMPORTED_COLUMNS:
            figures.setdefault(column, 0)
        out.append((source, figures))
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
    inside, upto = _counts(period.start, period.end), _counts(EPOCH, period.end)
    totals = {}
    for metric in metrics:
        if metric == "followers":  # a total at the end: everything before counts too
            totals |= {column: upto for column in ("followers_gained", "followers_lost")}
        elif metric == "engagement":
            totals |= dict.fromkeys(("reactions", "comments", "shares"), inside)
        else:
            totals[metric] = inside
    rows = inside.rows | upto.rows if "followers" in metrics else inside.rows
    own_rows = Unit.objects.filter(
        pk=OuterRef("unit_id"), level=OuterRef("level"), path__startswith=unit.path
    )
    return (
        DayCount.objects.filter(rows, source=Source.SITE)
        .filter(Exists(own_rows))
        .order_by()
        .values("unit_id")
        .annotate(
            **{f"sum_{column}": window.total(column) for column, window in sorted(totals.items())}
        )
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
