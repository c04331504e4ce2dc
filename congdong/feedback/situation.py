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
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Substr, TruncDate
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congdong.core.clock import WorkingCalendar
from congdong.core.errors import ActionError
from congdong.feedback.models import (
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


@dataclass(frozen=True)
class Counts:
    """Counts of one group of items (a unit's subtree, a category, the whole subtree)."""

    sent: int = 0
    open: int = 0
    answered: int = 0  # answered or closed
    rejected: int = 0
    overdue: int = 0  # open and past a deadline now

    @classmethod
    def of(cls, row: dict[str, Any] | None) -> Counts:
        row = row or {}
        return cls(**{name: int(row.get(name) or 0) for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Hours:
    """Working hours to a step over the items that reached it."""

    items: int
    median: float | None
    mean: float | None


@dataclass(frozen=True)
class Rate:
    on_time: int
    due: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.on_time / self.due, 1) if self.due else None


@dataclass
class Situation:
    unit: Unit
    period: Period
    now: datetime.datetime
    totals: Counts
    states: list[tuple[str, str, int]]  # (state, label, items)
    categories: list[tuple[Category, Counts]]
    children: list[tuple[Unit, Counts]]
    own: Counts  # addressed to the unit itself
    series: list[tuple[datetime.date, int]]  # per day, or per week (its Monday)
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
    return {
        "sent": Count("pk"),
        "open": Count("pk", filter=Q(state__in=OPEN)),
        "answered": Count("pk", filter=Q(state__in=DONE)),
        "rejected": Count("pk", filter=Q(state=S.REJECTED)),
        "overdue": Count("pk", filter=_late(now)),
    }


def _first(action: FeedbackAction) -> Subquery:
    return Subquery(
        FeedbackTransition.objects.filter(feedback=OuterRef("pk"), action=action)
        .order_by("at", "pk")
        .values("at")[:1]
    )


def _grouped(items: FeedbackQuerySet, depth: int, now: datetime.datetime) -> dict[str, Counts]:
    """Counts per unit path cut to `depth` steps: the subtree of each unit at that depth (and
    shorter paths for items of units above it)."""
    rows = (
        items.annotate(branch=Substr("unit__path", 1, depth * Unit.steplen))
        .values("branch")
        .annotate(**_counting(now))
        .order_by()
    )
    return {row["branch"]: Counts.of(row) for row in rows}


def _hours(calendar: WorkingCalendar, pairs: list[tuple[datetime.datetime, Any]]) -> Hours:
    values = [calendar.working_hours_between(a, b) for a, b in pairs if b is not None]
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
    """The people's situation of `unit`'s subtree over `period`, as figures only. The caller
    has checked the viewer's access (`insights.queries.access_insights_unit`). `level` adds a
    row per unit of that level of the subtree (the periodic report per level)."""
    now = now or timezone.now()
    calendar = calendar or WorkingCalendar()
    items = sent_in(unit, period)
    counting = _counting(now)
    totals = Counts.of(items.aggregate(**counting))

    by_state = dict(items.values_list("state").annotate(n=Count("pk")).order_by())
    states = [(state, str(state.label), by_state.get(state, 0)) for state in STATE_ORDER]

    by_category = {
        row["category_id"]: Counts.of(row)
        for row in items.values("category_id").annotate(**counting).order_by()
    }
    categories = [
        (category, by_category.get(category.pk, Counts()))
        for category in Category.objects.filter(Q(active=True) | Q(pk__in=list(by_category)))
    ]

    branches = _grouped(items, unit.depth + 1, now)
    children = [
        (child, branches.get(child.path, Counts()))
        for child in Unit.objects.filter(parent=unit).order_by("path")
    ]

    level_rows: list[tuple[Unit, Counts]] = []
    depth = level_depth(unit, level) if level else None
    if depth is not None:
        at_level = _grouped(items, depth, now)
        level_rows = [
            (member, at_level.get(member.path, Counts()))
            for member in Unit.objects.in_subtree(unit)
            .filter(level=level)
            .select_related("parent")
            .order_by("path")
        ]

    zone = timezone.get_default_timezone()
    per_day = dict(
        items.annotate(day=TruncDate("created_at", tzinfo=zone))
        .values_list("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    weekly = period.days > DAILY_UP_TO
    series: list[tuple[datetime.date, int]]
    if weekly:
        weeks: dict[datetime.date, int] = {}
        for day in period.dates():
            monday = day - datetime.timedelta(days=day.weekday())
            weeks[monday] = weeks.get(monday, 0) + per_day.get(day, 0)
        series = list(weeks.items())
    else:
        series = [(day, per_day.get(day, 0)) for day in period.dates()]

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
        own=branches.get(unit.path, Counts()),
        series=series,
        weekly=weekly,
        to_accept=_hours(calendar, [(sent, accepted) for sent, accepted, _a in stamps]),
        to_answer=_hours(calendar, [(sent, answered) for sent, _b, answered in stamps]),
        accepted_on_time=Rate(compliance["accept_on_time"], compliance["accept_counted"]),
        answered_on_time=Rate(compliance["answer_on_time"], compliance["answer_counted"]),
        timed_capped=totals.sent > MAX_TIMED,
        level=level if depth is not None else "",
        level_rows=level_rows,
    )


# ---------------------------------------------------------------- as data (API, CLI JSON)


def counts_dict(counts: Counts) -> dict[str, int]:
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
    }


# ---------------------------------------------------------------- export (XLSX, PDF, CSV)


def _day(day: datetime.date) -> str:
    return date_format(day, "d/m/Y")


def hours_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",")


def percent_text(rate: Rate) -> str:
    return "—" if rate.percent is None else f"{rate.percent:.1f} %".replace(".", ",")


def level_label(level: str) -> str:
    label = str(Level(level).label)
    return label[:1].upper() + label[1:]


def _count_columns() -> list[str]:
    return [_("Sent"), _("Not yet answered"), _("Answered"), _("Rejected"), _("Overdue now")]


def _count_values(counts: Counts) -> list[Any]:
    return [counts.sent, counts.open, counts.answered, counts.rejected, counts.overdue]


def document(unit: Unit | None, params: dict[str, str]) -> Document:
    """The people's situation of `unit` as an export: params `tu`, `den` (ISO dates; the last
    30 days by default) or `ky` (a month "2026-03" or a quarter "2026-Q1"), and `cap` (a level:
    one row per unit of that level of the subtree — the periodic report per level). From the
    CLI (no unit), of the root of the structure `cau_truc`, else the current one."""
    from congdong.feedback import topics
    from congdong.insights import coverage, dashboard

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
            + [[_("Total"), *_count_values(s.totals)]],
        ),
        Table(
            _("By unit below"),
            [_("Unit"), *_count_columns()],
            [[child.full_name, *_count_values(n)] for child, n in s.children]
            + [
                [_("Sent to %(unit)s itself") % {"unit": unit.full_name}, *_count_values(s.own)],
                [_("Total"), *_count_values(s.totals)],
            ],
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
                ],
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
                " " + _("Response times from the latest %(n)s items.") % {"n": s.timed_cap}
                if s.timed_capped
                else ""
            ),
        ),
        Table(
            _("By state"),
            [_("State"), _("Items")],
            [[label[:1].upper() + label[1:], n] for _state, label, n in s.states],
        ),
        Table(
            _("Per week") if s.weekly else _("Per day"),
            [_("Week from") if s.weekly else _("Day"), _("Sent")],
            [[day, n] for day, n in s.series],
        ),
        Table(
            _("Keywords"),
            [_("Keyword"), _("Items")],
            [[k.word, k.items] for k in found.keywords],
            note=found.note,
        ),
    ]
    for group in found.by_category:
        if group.keywords:
            tables.append(
                Table(
                    _("Keywords: %(category)s") % {"category": group.name},
                    [_("Keyword"), _("Items")],
                    [[k.word, k.items] for k in group.keywords],
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
            _("Made at %(time)s") % {"time": date_format(timezone.localtime(), "d/m/Y H:i")},
        ],
        cards=cards,
        tables=tables,
        definitions=definitions,
        filename=f"tinh-hinh-nhan-dan-{unit.code}-{period.start}-{period.end}",
    )
