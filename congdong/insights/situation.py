"""The people's situation (tình hình nhân dân): aggregate figures of citizen feedback for a unit's
subtree over a period, for analysts, the JSON API, the exports and the CLI.

Political opinion is sensitive data (Decree 356/2025): analysts see aggregates only. Nothing
individual leaves this module — no text, sender, tracking code or item id; only counts, shares
and durations. Counts are SQL aggregates; response times need each item's timestamps (working
hours are counted on the office calendar in Python), read as bare timestamps and reduced to a
median and a mean here.

Which items count: those *sent* in the period (created_at, Vietnam dates) and addressed *now*
to a unit of the subtree (an escalated item counts for the unit above that handles it).
Deadlines are the item's own (`accept_due`, `answer_due`): a transfer or a reopening gives
fresh ones.
"""

from __future__ import annotations

import datetime
import re
import statistics
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.cache import cache
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Substr, TruncDate, TruncWeek
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congdong.core import versions
from congdong.core.anonymity import Figure, below, figure, is_hidden, min_senders
from congdong.core.clock import WorkingCalendar
from congdong.core.errors import ActionError
from congdong.core.numbers import (
    Percent,
    format_date,
    format_datetime,
    format_decimal,
    format_int,
    format_percent,
)
from congdong.core.spreadsheets import sheet_name_fits
from congdong.feedback.models import (
    ITEMS_VERSION,
    Category,
    Feedback,
    FeedbackAction,
    FeedbackQuerySet,
    FeedbackState,
    FeedbackTransition,
)
from congdong.insights.exports.document import Document, Table
from congdong.insights.figures import LEVEL_ORDER, Period
from congdong.units.models import Level, Unit

S = FeedbackState
A = FeedbackAction
# Periods longer than this are drawn per week (Monday first), shorter ones per day.
DAILY_UP_TO = 62
# Response times are computed from the latest items of the period up to this many (each needs
# a walk over the office calendar); the page says when the cap was reached.
MAX_TIMED = 20_000
# How long a report is kept at most (`cached_data`).
CACHE_SECONDS = 60
WAITING_TO_ACCEPT = (S.RECEIVED,)
WAITING_TO_ANSWER = (S.ACCEPTED, S.ASSIGNED, S.REOPENED)
OPEN = (*WAITING_TO_ACCEPT, *WAITING_TO_ANSWER)
DONE = (S.ANSWERED, S.CLOSED)
STATE_ORDER = (S.RECEIVED, S.ACCEPTED, S.ASSIGNED, S.REOPENED, S.ANSWERED, S.CLOSED, S.REJECTED)

DEFINITIONS: list[tuple[str | Promise, str | Promise]] = [
    (
        gettext_lazy("Feedback sent"),
        gettext_lazy(
            "Feedback items sent in the period and handled now by a unit of this subtree "
            "(an escalated item counts for the unit above that handles it)."
        ),
    ),
    (
        gettext_lazy("Time to accept, time to answer"),
        gettext_lazy(
            "Working hours (office calendar: weekdays, public holidays off) from sending to the "
            "first acceptance, and to the first answer; median and mean over the items that "
            "reached that step."
        ),
    ),
    (
        gettext_lazy("Accepted on time"),
        gettext_lazy(
            "Share of items accepted by their accept deadline, among the items accepted and "
            "those still waiting past the deadline. Rejected items are left out."
        ),
    ),
    (
        gettext_lazy("Answered on time"),
        gettext_lazy(
            "Share of items first answered by their answer deadline, among the items answered "
            "and those still waiting for an answer past the deadline."
        ),
    ),
    (
        gettext_lazy("Overdue now"),
        gettext_lazy(
            "Items of the period still open and past a deadline at the time of the report: "
            "not accepted by the accept deadline, or not answered by the answer deadline."
        ),
    ),
]


# ---------------------------------------------------------------- periods


def bounds(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    """The period's first instant and the instant after its last day, in Vietnam time."""
    zone = timezone.get_default_timezone()
    start = datetime.datetime.combine(period.start, datetime.time.min, zone)
    end = datetime.datetime.combine(
        period.end + datetime.timedelta(days=1), datetime.time.min, zone
    )
    return start, end


def month(year: int, number: int) -> Period:
    first = datetime.date(year, number, 1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return Period(first, following - datetime.timedelta(days=1))


def quarter(year: int, number: int) -> Period:
    first = month(year, 3 * number - 2)
    return Period(first.start, month(year, 3 * number).end)


def named_period(text: str, field: str = "ky") -> Period:
    """A month ("2026-03") or a quarter ("2026-Q1", "2026-q1") — the periodic reports; else
    ActionError."""
    text = (text or "").strip().upper()
    if found := re.fullmatch(r"(\d{4})-Q([1-4])", text):
        return quarter(int(found[1]), int(found[2]))
    if (found := re.fullmatch(r"(\d{4})-(\d{1,2})", text)) and 1 <= int(found[2]) <= 12:
        return month(int(found[1]), int(found[2]))
    raise ActionError(
        _("“%(text)s” is not a month (YYYY-MM) or a quarter (YYYY-Q1 … YYYY-Q4).")
        % {"text": text[:20]},
        field=field,
    )


@dataclass(frozen=True)
class Preset:
    label: str
    period: Period


def presets(today: datetime.date) -> list[Preset]:
    """This month, last month, this quarter, last quarter: the periodic reports."""
    this_month = month(today.year, today.month)
    before = this_month.start - datetime.timedelta(days=1)
    number = (today.month - 1) // 3 + 1
    this_quarter = quarter(today.year, number)
    previous = this_quarter.start - datetime.timedelta(days=1)
    return [
        Preset(_("This month"), this_month),
        Preset(_("Last month"), month(before.year, before.month)),
        Preset(_("This quarter"), this_quarter),
        Preset(_("Last quarter"), quarter(previous.year, (previous.month - 1) // 3 + 1)),
    ]


# ---------------------------------------------------------------- what the report holds


MEASURES = ("sent", "open", "answered", "rejected", "overdue")


@dataclass(frozen=True)
class Tally:
    """Raw counts of one group of items and the distinct senders behind each: never shown,
    only turned into `Counts` (aggregate-only rule, `congdong.core.anonymity`)."""

    values: tuple[int, ...] = (0,) * len(MEASURES)
    senders: tuple[int, ...] = (0,) * len(MEASURES)

    @classmethod
    def of(cls, row: dict[str, Any] | None) -> Tally:
        row = row or {}
        return cls(
            tuple(int(row.get(m) or 0) for m in MEASURES),
            tuple(int(row.get(f"{m}_senders") or 0) for m in MEASURES),
        )

    @property
    def people(self) -> int:
        """Distinct senders of the group's items."""
        return self.senders[0]


@dataclass(frozen=True)
class Counts:
    """Counts of one group of items (a unit's subtree, a category, the whole subtree) as shown:
    each an int, or "< k" when it stands for fewer than k distinct senders."""

    sent: Figure = 0
    open: Figure = 0
    answered: Figure = 0  # answered or closed
    rejected: Figure = 0
    overdue: Figure = 0  # open and past a deadline now

    @classmethod
    def of(cls, tally: Tally, k: int) -> Counts:
        shown = {
            m: figure(v, n, k)
            for m, v, n in zip(MEASURES, tally.values, tally.senders, strict=True)
        }
        # sent = open + answered + rejected: with `sent` shown, one hidden part would be the
        # difference of the others, so the smallest other part is hidden with it.
        parts = ("open", "answered", "rejected")
        if not is_hidden(shown["sent"]) and sum(is_hidden(shown[p]) for p in parts) == 1:
            visible = sorted((shown[p], p) for p in parts if not is_hidden(shown[p]))
            shown[visible[0][1]] = below(k)
        return cls(**shown)

    @classmethod
    def hidden(cls, k: int) -> Counts:
        return cls(*(below(k) for _m in MEASURES))


@dataclass(frozen=True)
class Hours:
    """Working hours to a step over the items that reached it (none shown below k items)."""

    items: Figure
    median: float | None
    mean: float | None


@dataclass(frozen=True)
class Rate:
    on_time: Figure
    due: Figure
    percent: float | None = None

    @classmethod
    def of(cls, on_time: int, due: int, k: int) -> Rate:
        if k > 1 and due < k:
            return cls(below(k), below(k), None)
        return cls(on_time, due, Percent.of(on_time, due) if due else None)


@dataclass
class Situation:
    unit: Unit
    period: Period
    now: datetime.datetime
    totals: Counts
    states: list[tuple[str, str, Figure]]  # (state, label, items)
    categories: list[tuple[Category, Counts]]
    children: list[tuple[Unit, Counts]]
    own: Counts  # addressed to the unit itself
    series: list[tuple[datetime.date, Figure]]  # per day, or per week (its Monday)
    weekly: bool
    to_accept: Hours
    to_answer: Hours
    accepted_on_time: Rate
    answered_on_time: Rate
    timed_cap: int = MAX_TIMED
    timed_capped: bool = False
    # The units of one level of the subtree (the periodic report per level), when asked for.
    level: str = ""
    level_rows: list[tuple[Unit, Counts]] = field(default_factory=list)
    # k, and the rows merged because they stood for fewer than k senders each ("other" in
    # each table; None when no row was merged).
    min_senders: int = 1
    other_categories: Counts | None = None
    other_children: Counts | None = None
    other_level: Counts | None = None
    other_states: Figure | None = None
    other_series: Figure | None = None


def sent_in(unit: Unit, period: Period) -> FeedbackQuerySet:
    """Items sent in `period` and handled now by a unit of `unit`'s subtree."""
    start, end = bounds(period)
    return Feedback.objects.in_subtree(unit).filter(created_at__gte=start, created_at__lt=end)


def _late(now: datetime.datetime) -> Q:
    # The rule of `queries.overdue`, as a filter inside an aggregate.
    return Q(state__in=WAITING_TO_ACCEPT, accept_due__lt=now) | Q(
        state__in=WAITING_TO_ANSWER, answer_due__lt=now
    )


def _counting(now: datetime.datetime) -> dict[str, Count]:
    """Each measure, and the distinct senders behind it."""
    filters: dict[str, Q | None] = {
        "sent": None,
        "open": Q(state__in=OPEN),
        "answered": Q(state__in=DONE),
        "rejected": Q(state=S.REJECTED),
        "overdue": _late(now),
    }
    counting: dict[str, Count] = {}
    for name, condition in filters.items():
        counting[name] = Count("pk", filter=condition)
        counting[f"{name}_senders"] = Count("citizen", filter=condition, distinct=True)
    return counting


def _first(action: FeedbackAction) -> Subquery:
    return Subquery(
        FeedbackTransition.objects.filter(feedback=OuterRef("pk"), action=action)
        .order_by("at", "pk")
        .values("at")[:1]
    )


Key = TypeVar("Key", bound=Hashable)


def _protect(
    rows: list[tuple[Key, Tally]], rest: Callable[[list[Key]], Tally], k: int
) -> tuple[list[tuple[Key, Counts]], Counts | None]:
    """The rows of one table as shown: a row of fewer than k senders reads "< k" and is merged
    into "other" (`rest(shown keys)`: the items of the table outside the shown rows, counted
    again so that its senders are distinct). If "other" itself stands for 1 … k-1 senders, the
    total minus the shown rows would give it away: the smallest shown rows join it until it
    stands for k. Returns the rows and "other" (None when nothing was merged)."""
    if k <= 1:
        return [(key, Counts.of(t, k)) for key, t in rows], None
    hidden = {key for key, t in rows if t.people < k}
    if not hidden:
        return [(key, Counts.of(t, k)) for key, t in rows], None
    shown = sorted(
        ((t.values[0], i) for i, (key, t) in enumerate(rows) if key not in hidden), reverse=True
    )
    merged = rest([rows[i][0] for _n, i in shown])
    while 0 < merged.people < k and shown:
        hidden.add(rows[shown.pop()[1]][0])
        merged = rest([rows[i][0] for _n, i in shown])
    out = [(key, Counts.hidden(k) if key in hidden else Counts.of(t, k)) for key, t in rows]
    return out, Counts.of(merged, k)


def _by(items: FeedbackQuerySet, name: str, now: datetime.datetime) -> dict[Any, Tally]:
    """Tallies per value of the annotation or field `name`."""
    rows = items.values(name).annotate(**_counting(now)).order_by()
    return {row[name]: Tally.of(row) for row in rows}


def _rest(
    items: FeedbackQuerySet, name: str, now: datetime.datetime
) -> Callable[[list[Any]], Tally]:
    def rest(shown: list[Any]) -> Tally:
        return Tally.of(items.exclude(**{f"{name}__in": shown}).aggregate(**_counting(now)))

    return rest


def _branches(items: FeedbackQuerySet, depth: int) -> FeedbackQuerySet:
    """Items with `branch`: their unit's path cut to `depth` steps (the subtree of the unit at
    that depth, or a shorter path for items of units above it)."""
    return items.annotate(branch=Substr("unit__path", 1, depth * Unit.steplen))


def _hours(calendar: WorkingCalendar, pairs: list[tuple[datetime.datetime, Any]], k: int) -> Hours:
    values = [calendar.working_hours_between(a, b) for a, b in pairs if b is not None]
    if k > 1 and len(values) < k:
        return Hours(below(k), None, None)
    if not values:
        return Hours(0, None, None)
    return Hours(
        len(values), round(statistics.median(values), 1), round(statistics.fmean(values), 1)
    )


def levels_below(unit: Unit) -> list[str]:
    """The levels of the units below `unit`, top first (one query)."""
    found = set(
        Unit.objects.in_subtree(unit)
        .filter(depth__gt=unit.depth)
        .values_list("level", flat=True)
        .distinct()
        .order_by()
    )
    return [level for level in LEVEL_ORDER if level in found]


def level_depth(unit: Unit, level: str) -> int | None:
    """The depth of `level` in `unit`'s structure, if the subtree has units of that level."""
    return Unit.objects.in_subtree(unit).filter(level=level).values_list("depth", flat=True).first()


def data(
    unit: Unit,
    period: Period,
    now: datetime.datetime | None = None,
    level: str = "",
    calendar: WorkingCalendar | None = None,
) -> Situation:
    """The people's situation of `unit`'s subtree over `period`, as figures only, each standing
    for at least k distinct senders (`congdong.core.anonymity`). The caller has checked the
    viewer's access (`insights.queries.access_insights_unit`). `level` adds a row per unit of
    that level of the subtree (the periodic report per level)."""
    now = now or timezone.now()
    calendar = calendar or WorkingCalendar()
    k = min_senders()
    items = sent_in(unit, period)
    counting = _counting(now)
    totals = Counts.of(Tally.of(items.aggregate(**counting)), k)

    by_state = _by(items, "state", now)
    state_rows, other_states = _protect(
        [(state, by_state.get(state, Tally())) for state in STATE_ORDER],
        _rest(items, "state", now),
        k,
    )
    states = [(state, str(S(state).label), n.sent) for state, n in state_rows]

    by_category = _by(items, "category_id", now)
    shown_categories = list(Category.objects.filter(Q(active=True) | Q(pk__in=list(by_category))))
    category_rows, other_categories = _protect(
        [(c.pk, by_category.get(c.pk, Tally())) for c in shown_categories],
        _rest(items, "category_id", now),
        k,
    )
    categories = list(zip(shown_categories, (n for _pk, n in category_rows), strict=True))

    near = _branches(items, unit.depth + 1)
    branches = _by(near, "branch", now)
    below_units = list(Unit.objects.filter(parent=unit).order_by("path"))
    child_rows, other_children = _protect(
        [(child.path, branches.get(child.path, Tally())) for child in below_units]
        + [(unit.path, branches.get(unit.path, Tally()))],
        _rest(near, "branch", now),
        k,
    )
    children = list(zip(below_units, (n for _path, n in child_rows[:-1]), strict=True))
    own = child_rows[-1][1]

    level_rows: list[tuple[Unit, Counts]] = []
    other_level = None
    depth = level_depth(unit, level) if level else None
    if depth is not None:
        far = _branches(items, depth)
        at_level = _by(far, "branch", now)
        members = list(
            Unit.objects.in_subtree(unit)
            .filter(level=level)
            .select_related("parent")
            .order_by("path")
        )
        protected, other_level = _protect(
            [(m.path, at_level.get(m.path, Tally())) for m in members],
            _rest(far, "branch", now),
            k,
        )
        level_rows = list(zip(members, (n for _path, n in protected), strict=True))

    zone = timezone.get_default_timezone()
    weekly = period.days > DAILY_UP_TO
    # Weeks are counted in SQL, not summed from days: distinct senders do not add up.
    step = TruncWeek if weekly else TruncDate
    dated = items.annotate(step=step("created_at", tzinfo=zone))
    per_step = {
        (timezone.localtime(key, zone).date() if isinstance(key, datetime.datetime) else key): tally
        for key, tally in _by(dated, "step", now).items()
    }
    starts = sorted(
        {day - datetime.timedelta(days=day.weekday()) for day in period.dates()}
        if weekly
        else period.dates()
    )
    series_rows, other_series = _protect(
        [(day, per_step.get(day, Tally())) for day in starts],
        _rest_days(dated, now, weekly),
        k,
    )
    series = [(day, n.sent) for day, n in series_rows]

    timed = items.annotate(accepted=_first(A.ACCEPT), answered=_first(A.ANSWER))
    compliance = timed.aggregate(
        accept_counted=Count(
            "pk",
            filter=Q(accepted__isnull=False) | Q(state__in=WAITING_TO_ACCEPT, accept_due__lt=now),
        ),
        accept_on_time=Count("pk", filter=Q(accepted__lte=F("accept_due"))),
        answer_counted=Count(
            "pk",
            filter=Q(answered__isnull=False) | Q(state__in=WAITING_TO_ANSWER, answer_due__lt=now),
        ),
        answer_on_time=Count("pk", filter=Q(answered__lte=F("answer_due"))),
    )
    stamps = list(
        timed.order_by("-created_at", "-pk").values_list("created_at", "accepted", "answered")[
            :MAX_TIMED
        ]
    )
    return Situation(
        unit=unit,
        period=period,
        now=now,
        totals=totals,
        states=states,
        categories=categories,
        children=children,
        own=own,
        series=series,
        weekly=weekly,
        to_accept=_hours(calendar, [(sent, accepted) for sent, accepted, _a in stamps], k),
        to_answer=_hours(calendar, [(sent, answered) for sent, _b, answered in stamps], k),
        accepted_on_time=Rate.of(compliance["accept_on_time"], compliance["accept_counted"], k),
        answered_on_time=Rate.of(compliance["answer_on_time"], compliance["answer_counted"], k),
        timed_capped=totals.sent > MAX_TIMED if isinstance(totals.sent, int) else False,
        level=level if depth is not None else "",
        level_rows=level_rows,
        min_senders=k,
        other_categories=other_categories,
        other_children=other_children,
        other_level=other_level,
        other_states=other_states.sent if other_states else None,
        other_series=other_series.sent if other_series else None,
    )


def cached_data(unit: Unit, period: Period, level: str = "") -> Situation:
    """`data` now, from the cache while no feedback item moved (`ITEMS_VERSION`, bumped by
    every write of feedback/actions.py) and for CACHE_SECONDS at most: "overdue now" moves
    with the clock, and a write by a process that does not share the cache (a separate worker
    beside the embedded LocMem cache) is seen when the entry expires."""
    made_of = f"{min_senders()}:{translation.get_language()}:{versions.current(ITEMS_VERSION)}"
    key = f"congdong:feedback:situation:{unit.pk}:{period.start}:{period.end}:{level}:{made_of}"
    found = cache.get(key)
    if found is None:
        found = data(unit, period, level=level)
        cache.set(key, found, CACHE_SECONDS)
    return found


def _rest_days(
    dated: FeedbackQuerySet, now: datetime.datetime, weekly: bool
) -> Callable[[list[datetime.date]], Tally]:
    """`_rest` for the series: its keys are dates, the annotation a date (or, per week, a
    datetime on SQLite and PostgreSQL alike), so the shown steps are left out by their span."""
    zone = timezone.get_default_timezone()
    length = datetime.timedelta(days=7 if weekly else 1)

    def rest(shown: list[datetime.date]) -> Tally:
        left = dated
        for day in shown:
            start = datetime.datetime.combine(day, datetime.time.min, zone)
            left = left.exclude(created_at__gte=start, created_at__lt=start + length)
        return Tally.of(left.aggregate(**_counting(now)))

    return rest


# ---------------------------------------------------------------- as data (API, CLI JSON)


def counts_dict(counts: Counts) -> dict[str, Figure]:
    return {name: getattr(counts, name) for name in Counts.__dataclass_fields__}


def as_dict(situation: Situation) -> dict[str, Any]:
    """The figures as plain JSON-ready data (the API's and the CLI's)."""
    s = situation

    def unit_dict(unit: Unit) -> dict[str, Any]:
        return {"id": unit.pk, "code": unit.code, "name": unit.full_name, "level": unit.level}

    def hours(h: Hours) -> dict[str, Any]:
        return {"items": h.items, "median": h.median, "mean": h.mean}

    def rate(r: Rate) -> dict[str, Any]:
        return {"on_time": r.on_time, "due": r.due, "percent": r.percent}

    return {
        "unit": unit_dict(s.unit) | {"structure": s.unit.structure.code},
        "start": s.period.start.isoformat(),
        "end": s.period.end.isoformat(),
        "at": s.now.isoformat(),
        "totals": counts_dict(s.totals),
        "states": [{"state": state, "items": n} for state, _label, n in s.states],
        "categories": [
            {"id": c.pk, "slug": c.slug, "name": c.name, **counts_dict(n)} for c, n in s.categories
        ],
        "children": [{"unit": unit_dict(u), **counts_dict(n)} for u, n in s.children],
        "own": counts_dict(s.own),
        "series": [{"start": day.isoformat(), "items": n} for day, n in s.series],
        "series_step": "week" if s.weekly else "day",
        "hours_to_accept": hours(s.to_accept),
        "hours_to_answer": hours(s.to_answer),
        "accepted_on_time": rate(s.accepted_on_time),
        "answered_on_time": rate(s.answered_on_time),
        "response_times_from_latest": s.timed_cap if s.timed_capped else None,
        "level": s.level or None,
        "level_units": [{"unit": unit_dict(u), **counts_dict(n)} for u, n in s.level_rows],
        # Aggregate-only: figures of fewer than k senders read "< k" and are merged into these.
        "min_senders": s.min_senders,
        "other_categories": counts_dict(s.other_categories) if s.other_categories else None,
        "other_children": counts_dict(s.other_children) if s.other_children else None,
        "other_level_units": counts_dict(s.other_level) if s.other_level else None,
        "other_states": s.other_states,
        "other_series": s.other_series,
    }


# ---------------------------------------------------------------- export (XLSX, PDF, CSV)


def _day(day: datetime.date) -> str:
    return format_date(day)


def hours_text(value: float | None) -> str:
    """ "3,5" working hours; "—" for none (core.numbers, as on the page)."""
    return format_decimal(value)


def percent_text(rate: Rate) -> str:
    """ "87,5 %"; "—" when nothing was due."""
    return format_percent(rate.percent)


def level_label(level: str) -> str:
    label = str(Level(level).label)
    return label[:1].upper() + label[1:]


def _count_columns() -> list[str]:
    return [_("Sent"), _("Not yet answered"), _("Answered"), _("Rejected"), _("Overdue now")]


def _count_values(counts: Counts) -> list[Any]:
    return [counts.sent, counts.open, counts.answered, counts.rejected, counts.overdue]


def other_label(k: int) -> str:
    """The row that rows of fewer than k senders each are merged into."""
    return _("Other (fewer than %(k)s senders each)") % {"k": k}


def _other_row(s: Situation, other: Counts | None) -> list[list[Any]]:
    return [] if other is None else [[other_label(s.min_senders), *_count_values(other)]]


def keywords_sheet(category: str, number: int, taken: set[str]) -> str:
    """The sheet of a category's keywords: "Từ khóa - Đất đai" when that fits a sheet's
    name, else "Từ khóa 3" (the category's full name heads the sheet)."""
    named = _("Keywords - %(category)s") % {"category": category}
    if sheet_name_fits(named) and named.casefold() not in taken:
        taken.add(named.casefold())
        return named
    return _("Keywords %(number)s") % {"number": number}


def document(unit: Unit | None, params: dict[str, str]) -> Document:
    """The people's situation of `unit` as an export: params `tu`, `den` (ISO dates; the last
    30 days by default) or `ky` (a month "2026-03" or a quarter "2026-Q1"), and `cap` (a level:
    one row per unit of that level of the subtree — the periodic report per level). From the
    CLI (no unit), of the root of the structure `cau_truc`, else the current one."""
    from congdong.insights import coverage, dashboard, topics

    if unit is None:
        unit = coverage.scope(None, params, timezone.localdate())
    if params.get("ky"):
        period = named_period(params["ky"])
    else:
        period = dashboard.parse_period(
            params.get("tu"), params.get("den"), default_end=dashboard.last_day(unit)
        )
    level = params.get("cap") or ""
    if level and level not in Level.values:
        raise ActionError(_("Unknown level."), field="cap")
    s = data(unit, period, level=level)
    found = topics.keywords(unit, period)
    cards: list[tuple[str, Any, str]] = [
        (_("Feedback sent"), s.totals.sent, ""),
        (_("Not yet answered"), s.totals.open, ""),
        (_("Overdue now"), s.totals.overdue, ""),
        (_("Median working hours to accept"), s.to_accept.median, ""),
        (_("Median working hours to answer"), s.to_answer.median, ""),
        (_("Accepted on time (%)"), s.accepted_on_time.percent, ""),
        (_("Answered on time (%)"), s.answered_on_time.percent, ""),
    ]
    tables = [
        Table(
            _("By category"),
            [_("Category"), *_count_columns()],
            [[c.name, *_count_values(n)] for c, n in s.categories]
            + _other_row(s, s.other_categories)
            + [[_("Total"), *_count_values(s.totals)]],
        ),
        Table(
            _("By unit below"),
            [_("Unit"), *_count_columns()],
            [[child.full_name, *_count_values(n)] for child, n in s.children]
            + [[_("Sent to %(unit)s itself") % {"unit": unit.full_name}, *_count_values(s.own)]]
            + _other_row(s, s.other_children)
            + [[_("Total"), *_count_values(s.totals)]],
        ),
    ]
    if s.level:
        tables.append(
            Table(
                _("By %(level)s") % {"level": str(Level(s.level).label)},
                [_("Unit"), _("Part of"), *_count_columns()],
                [
                    [m.full_name, m.parent.full_name if m.parent else "", *_count_values(n)]
                    for m, n in s.level_rows
                ]
                + [[row[0], "", *row[1:]] for row in _other_row(s, s.other_level)],
            )
        )
    tables += [
        Table(
            _("Response times and deadlines"),
            [_("Step"), _("Items"), _("Median (working hours)"), _("Mean (working hours)"), "%"],
            [
                [
                    _("Sent → accepted"),
                    s.to_accept.items,
                    s.to_accept.median,
                    s.to_accept.mean,
                    s.accepted_on_time.percent,
                ],
                [
                    _("Sent → answered"),
                    s.to_answer.items,
                    s.to_answer.median,
                    s.to_answer.mean,
                    s.answered_on_time.percent,
                ],
            ],
            note=_("The last column is the share handled by the deadline (see the definitions).")
            + (
                " "
                + _("Response times from the latest %(n)s items.") % {"n": format_int(s.timed_cap)}
                if s.timed_capped
                else ""
            ),
        ),
        Table(
            _("By state"),
            [_("State"), _("Items")],
            [[label[:1].upper() + label[1:], n] for _state, label, n in s.states]
            + (
                [[other_label(s.min_senders), s.other_states]] if s.other_states is not None else []
            ),
        ),
        Table(
            _("Per week") if s.weekly else _("Per day"),
            [_("Week from") if s.weekly else _("Day"), _("Sent")],
            [[day, n] for day, n in s.series]
            + (
                [[other_label(s.min_senders), s.other_series]] if s.other_series is not None else []
            ),
        ),
        Table(
            _("Keywords"),
            [_("Keyword"), _("Items")],
            [[k.word, k.items] for k in found.keywords],
            note=found.note,
        ),
    ]
    taken: set[str] = set()
    for number, group in enumerate((g for g in found.by_category if g.keywords), start=1):
        tables.append(
            Table(
                _("Keywords: %(category)s") % {"category": group.name},
                [_("Keyword"), _("Items")],
                [[k.word, k.items] for k in group.keywords],
                sheet=keywords_sheet(group.name, number, taken),
            )
        )
    definitions = [(str(name), str(text)) for name, text in DEFINITIONS]
    definitions.append((str(topics.DEFINITION[0]), str(topics.DEFINITION[1])))
    return Document(
        title=_("The people's situation: %(unit)s") % {"unit": unit.full_name},
        subtitle=[
            _("Period: %(start)s – %(end)s")
            % {"start": _day(period.start), "end": _day(period.end)},
            _("Structure: %(name)s") % {"name": unit.structure.name},
            _("Aggregates only: no feedback text, sender or tracking code (Decree 356/2025)."),
            _(
                "Each figure stands for at least %(k)s distinct senders; smaller ones read "
                "“< %(k)s” and are merged into “other”."
            )
            % {"k": s.min_senders},
            _("Made at %(time)s") % {"time": format_datetime(timezone.now())},
        ],
        cards=cards,
        tables=tables,
        definitions=definitions,
        filename=f"tinh-hinh-nhan-dan-{unit.code}-{period.start}-{period.end}",
    )
