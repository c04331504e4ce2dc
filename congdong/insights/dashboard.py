"""A unit's dashboard: the figures of its subtree over a period, as the staff web page, the JSON
API and the exports show them.

`data()` reads everything once into a `Dashboard`; the view renders it, `document()` turns it
into an export. Figures come from `insights.figures` (stored roll-ups, never raw events),
coverage from `insights.coverage`, campaign compliance from the campaign targets' rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from congdong.campaigns.models import Campaign, CampaignTarget, TargetStatus
from congdong.channels import metrics as channel_metrics
from congdong.channels.models import MetricStop
from congdong.channels.queries import metric_stop_notes
from congdong.core import public_cache
from congdong.core.errors import ActionError
from congdong.core.numbers import Percent, format_date, format_datetime, round_int
from congdong.core.text import fold
from congdong.insights import coverage, figures, rollup, sketches, sources
from congdong.insights.exports.document import Document, Table, Value
from congdong.insights.figures import METRIC_BY_KEY, METRICS, Period
from congdong.insights.sources import SourceRow
from congdong.pages.models import Page
from congdong.units.models import Level, Unit

DEFAULT_DAYS = 30
PRESETS = (7, 30, 90, 365)
# About three years of days: longer periods are for the yearly reports, not a daily chart.
MAX_DAYS = 1096
RANKED = 10
CAMPAIGNS_SHOWN = 50
# How long a dashboard's figures are kept at most (they are dropped at once when figures are
# stored, see `cached_figures`).
FIGURES_CACHE_SECONDS = 120
# The cards, in the order they are shown; each carries its metric's definition.
CARD_KEYS = ("followers", "posts", "impressions", "reach", "referrals", "engagement")
# The columns of the level, child and page tables.
TABLE_KEYS = ("followers", "posts", "reshares", "impressions", "reach", "referrals", "engagement")
COVERAGE_LABEL = gettext_lazy("Coverage")
COVERAGE_DEFINITION = coverage.COVERAGE_DEFINITION


# ---------------------------------------------------------------- the period


def parse_date(text: str | None, name: str) -> datetime.date | None:
    """An ISO date (YYYY-MM-DD) typed in `name`; None when empty; ActionError otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ActionError(
            _("“%(text)s” is not a date; write it as YYYY-MM-DD.") % {"text": text[:20]},
            field=name,
        ) from None


last_day = coverage.last_day


def parse_period(
    start: str | None,
    end: str | None,
    *,
    names: tuple[str, str] = ("tu", "den"),
    default_end: datetime.date | None = None,
) -> Period:
    """The period from the `tu` and `den` parameters: the last DEFAULT_DAYS days up to
    `default_end` (today) by default, or up to `den`; ActionError (with the field) when a date
    is not a date, the start is after the end or the period is longer than MAX_DAYS."""
    first, last = parse_date(start, names[0]), parse_date(end, names[1])
    last = last or default_end or timezone.localdate()
    first = first or last - datetime.timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise ActionError(_("The start of the period is after its end."), field=names[0])
    period = Period(first, last)
    if period.days > MAX_DAYS:
        raise ActionError(
            _("A period can be at most %(days)s days long.") % {"days": MAX_DAYS},
            field=names[0],
        )
    return period


def default_period(unit: Unit) -> Period:
    """The last DEFAULT_DAYS days of the structure's life up to today, never before it began."""
    period = Period.last(DEFAULT_DAYS, last_day(unit))
    begins = unit.structure.valid_from
    if begins is not None and begins > period.start:
        return Period(min(begins, period.end), period.end)
    return period


# ---------------------------------------------------------------- what the dashboard holds


@dataclass(frozen=True)
class Card:
    key: str
    label: str | Promise
    definition: str | Promise
    value: float
    estimated: bool = False
    low: float | None = None  # reach: the 95 % bounds of the estimate
    high: float | None = None

    @property
    def note(self) -> str:
        """What the card says under an estimated figure (the same words as the exports)."""
        return figures.estimate_note(self.low, self.high) if self.estimated else ""


@dataclass(frozen=True)
class CampaignRow:
    campaign: Campaign
    targets: int
    done: int
    pending: int
    overdue: int

    @property
    def percent(self) -> Percent:
        return Percent.of(self.done, self.targets)


@dataclass
class Dashboard:
    unit: Unit
    period: Period
    totals: dict[str, float]
    cards: list[Card]
    series: list[tuple[datetime.date, dict[str, float]]]
    levels: list[tuple[str, dict[str, float]]]  # (level, figures without reach)
    children: list[tuple[Unit, dict[str, float]]]
    top_pages: list[tuple[Page, dict[str, float]]]
    bottom_pages: list[tuple[Page, dict[str, float]]]
    referrals: list[tuple[Page, dict[str, float]]]  # pages with the most referrals
    campaigns: list[CampaignRow]
    coverage: list  # coverage.LevelCoverage, today
    own: dict[str, float] = field(default_factory=dict)  # the unit's own page
    # Per source (congdong, Facebook, Zalo) and their total (insights.sources).
    sources: list[SourceRow] = field(default_factory=list)
    sources_total: SourceRow | None = None
    # (platform, metric, our figure's name or "", stopped on): metrics a platform stopped
    # reporting.
    stopped: list[tuple[str, str, str, datetime.date]] = field(default_factory=list)
    # (key, name, definition) of every metric shown, coverage last.
    definitions: list[tuple[str, str | Promise, str | Promise]] = field(default_factory=list)

    @property
    def campaigns_total(self) -> CampaignRow | None:
        if not self.campaigns:
            return None
        return CampaignRow(
            campaign=None,  # type: ignore[arg-type]
            targets=sum(row.targets for row in self.campaigns),
            done=sum(row.done for row in self.campaigns),
            pending=sum(row.pending for row in self.campaigns),
            overdue=sum(row.overdue for row in self.campaigns),
        )


def definitions() -> list[tuple[str, str | Promise, str | Promise]]:
    """Every metric's key, name and definition (DESIGN.md §4), coverage last."""
    return [(m.key, m.label, m.definition) for m in METRICS] + [
        ("coverage", COVERAGE_LABEL, COVERAGE_DEFINITION)
    ]


def cards_of(totals: dict[str, float]) -> list[Card]:
    out = []
    for key in CARD_KEYS:
        metric = METRIC_BY_KEY[key]
        out.append(
            Card(
                key=key,
                label=metric.label,
                definition=metric.definition,
                value=totals.get(key, 0),
                estimated=metric.estimated,
                low=totals.get(f"{key}_low") if metric.estimated else None,
                high=totals.get(f"{key}_high") if metric.estimated else None,
            )
        )
    return out


def with_reach(
    items: list[tuple[Page, dict[str, float]]], period: Period
) -> list[tuple[Page, dict[str, float]]]:
    """The pages' figures with each page's own reach over the period (one query for all):
    `figures.pages_ranked` ranks by additive metrics and leaves reach out."""
    found = figures.reach_of({page.unit_id for page, _row in items}, period, own=True)
    out = []
    for page, row in items:
        sketch = found.get(page.unit_id)
        reach = {"reach": 0.0, "reach_low": 0.0, "reach_high": 0.0}
        if sketch is not None:
            low, high = sketches.bounds(sketch)
            reach = {
                "reach": round(sketches.estimate(sketch), 1),
                "reach_low": round(low, 1),
                "reach_high": round(high, 1),
            }
        out.append((page, {**row, **reach}))  # a copy: rows may be shared
    return out


def campaign_rows(unit: Unit, period: Period, limit: int = CAMPAIGNS_SHOWN) -> list[CampaignRow]:
    """Campaigns launched in the period from a unit of the subtree or reaching its pages, with
    their targets inside the subtree counted by status; newest first. Two queries."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(period.start, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(
        period.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    launched = Q(campaign__launched_at__gte=start, campaign__launched_at__lt=end)
    grouped = (
        CampaignTarget.objects.filter(launched, unit__path__startswith=unit.path)
        .values("campaign_id")
        .annotate(
            n=Count("pk"),
            done=Count("pk", filter=Q(status=TargetStatus.PUBLISHED)),
            pending=Count("pk", filter=Q(status=TargetStatus.PENDING)),
            overdue=Count("pk", filter=Q(status=TargetStatus.OVERDUE)),
        )
    )
    counts = {row["campaign_id"]: row for row in grouped}
    campaigns = (
        Campaign.objects.standard()
        .filter(launched_at__gte=start, launched_at__lt=end)
        .filter(Q(unit__path__startswith=unit.path) | Q(pk__in=list(counts)))
        .order_by("-launched_at", "-pk")[:limit]
    )
    rows = []
    for campaign in campaigns:
        row = counts.get(campaign.pk, {})
        rows.append(
            CampaignRow(
                campaign,
                targets=row.get("n", 0),
                done=row.get("done", 0),
                pending=row.get("pending", 0),
                overdue=row.get("overdue", 0),
            )
        )
    return rows


def rankings(unit: Unit, period: Period) -> list[list[tuple[Page, dict[str, float]]]]:
    """The RANKED pages with the most impressions, the fewest, and the most referrals."""
    orders = [("impressions", False), ("impressions", True), ("referrals", False)]
    return figures.pages_ranked_many(unit, period, orders, RANKED)


def _figures(unit: Unit, period: Period) -> dict:
    """The parts of the dashboard read from the stored figures (sums, reach unions, rankings):
    the same for every viewer of the unit and period until the figures change. Units and
    pages by id (their names are read afresh: a page renamed meanwhile shows its new name)."""
    top, bottom, referred = rankings(unit, period)
    shown = with_reach(list({page.pk: (page, row) for page, row in top + bottom}.values()), period)
    reach = {page.pk: row for page, row in shown}
    return {
        "totals": figures.totals(unit, period),
        "series": figures.series(unit, period),
        "levels": figures.by_level(unit, period),
        "children": [(child.pk, row) for child, row in figures.by_child(unit, period)],
        "own": figures.own(unit, period),
        "top_pages": [(page.pk, reach[page.pk]) for page, _row in top],
        "bottom_pages": [(page.pk, reach[page.pk]) for page, _row in bottom],
        "referrals": [(page.pk, row) for page, row in referred if row["referrals"] > 0],
        "sources": sources.rows(unit, period),
        "stopped": list(MetricStop.objects.values_list("kind", "metric", "ours", "stopped_on")),
    }


def cached_figures(unit: Unit, period: Period) -> dict:
    """`_figures`, from the cache while the stored figures (`rollup.figures_version`) and the
    public site (page moves: `public_cache.site_version`) have not changed since. A process
    that stores figures without sharing this cache (a separate worker beside the embedded
    LocMem cache) is seen after FIGURES_CACHE_SECONDS at most."""
    versions = f"{rollup.figures_version()}:{public_cache.site_version()}"
    key = f"congdong:insights:board:{unit.pk}:{period.start}:{period.end}:{versions}"
    found = cache.get(key)
    if found is None:
        found = _figures(unit, period)
        cache.set(key, found, FIGURES_CACHE_SECONDS)
    return found


def data(unit: Unit, period: Period) -> Dashboard:
    """Everything the dashboard of `unit`'s subtree shows for `period`. The caller has checked
    the viewer's access (`access_insights_unit`)."""
    found = cached_figures(unit, period)
    ranked = ("top_pages", "bottom_pages", "referrals")
    pages = Page.objects.select_related("unit").in_bulk(
        {page_id for part in ranked for page_id, _row in found[part]}
    )
    units = Unit.objects.in_bulk([unit_id for unit_id, _row in found["children"]])
    return Dashboard(
        unit=unit,
        period=period,
        totals=found["totals"],
        cards=cards_of(found["totals"]),
        series=found["series"],
        levels=found["levels"],
        children=[(units[pk], row) for pk, row in found["children"] if pk in units],
        own=found["own"],
        top_pages=[(pages[pk], row) for pk, row in found["top_pages"] if pk in pages],
        bottom_pages=[(pages[pk], row) for pk, row in found["bottom_pages"] if pk in pages],
        referrals=[(pages[pk], row) for pk, row in found["referrals"] if pk in pages],
        campaigns=campaign_rows(unit, period),
        coverage=_coverage(unit),
        definitions=definitions(),
        sources=found["sources"][0],
        sources_total=found["sources"][1],
        stopped=[
            (kind, metric, str(channel_metrics.LABELS.get(ours, "")), day)
            for kind, metric, ours, day in found["stopped"]
        ],
    )


def _coverage(unit: Unit) -> list:
    """Coverage per level on the unit's last day, from the cache until a page opens, closes or
    moves (they change the public site's version) or the day changes."""
    day = last_day(unit)
    key = f"congdong:insights:coverage:{unit.pk}:{day}:{public_cache.site_version()}"
    found = cache.get(key)
    if found is None:
        found = coverage.levels(unit, day)
        cache.set(key, found, FIGURES_CACHE_SECONDS)
    return found


# ---------------------------------------------------------------- export


def level_label(level: str) -> str:
    return coverage.first_upper(str(Level(level).label))


def _columns() -> list[str]:
    return [str(METRIC_BY_KEY[key].label) for key in TABLE_KEYS]


def _values(row: dict[str, float], keys=TABLE_KEYS) -> list[Value]:
    return [round_int(row.get(key, 0)) if key == "reach" else int(row.get(key, 0)) for key in keys]


def _day(day: datetime.date) -> str:
    return format_date(day)


def document(unit: Unit | None, params: dict[str, str]) -> Document:
    """The dashboard of `unit` as an export (params `tu`, `den`: ISO dates, as on the page);
    from the CLI (no unit), of the root of the structure `cau_truc`, else the current one."""
    if unit is None:
        unit = coverage.scope(None, params, timezone.localdate())
    period = parse_period(params.get("tu"), params.get("den"), default_end=last_day(unit))
    board = data(unit, period)
    cards: list[tuple[str, Value, str]] = []
    for card in board.cards:
        # An estimated count is a whole number of people, wherever it is shown.
        value = round_int(card.value) if card.estimated else card.value
        cards.append((str(card.label), value, card.note))
    no_reach = [key for key in TABLE_KEYS if key != "reach"]
    tables = [
        Table(
            _("By level of page"),
            [_("Level")] + [str(METRIC_BY_KEY[key].label) for key in no_reach],
            [[level_label(level), *_values(row, no_reach)] for level, row in board.levels],
            note=_("Reach is not additive: it is given for the whole subtree and each unit."),
        ),
        Table(
            _("By unit below"),
            [_("Unit"), *_columns()],
            [[child.full_name, *_values(row)] for child, row in board.children]
            + [
                [_("Own page of %(unit)s") % {"unit": unit.full_name}, *_values(board.own)],
                [_("Total"), *_values(board.totals)],
            ],
            note=_("Reach is estimated, and the total's reach is not the sum of the rows."),
        ),
        Table(
            _("Top pages by impressions"),
            [_("Page"), _("Unit"), *_columns()],
            [[page.name, page.unit.full_name, *_values(row)] for page, row in board.top_pages],
            sheet=pgettext("sheet name", "Most viewed pages"),
        ),
        Table(
            _("Bottom pages by impressions"),
            [_("Page"), _("Unit"), *_columns()],
            [[page.name, page.unit.full_name, *_values(row)] for page, row in board.bottom_pages],
            sheet=pgettext("sheet name", "Least viewed pages"),
        ),
        Table(
            _("By source"),
            [_("Source"), *(str(sources.LABELS[key]) for key in sources.SHOWN)],
            [
                # None: the source does not report that figure (an empty cell).
                [row.label, *(row.figures[key] for key in sources.SHOWN)]
                for row in [*board.sources, *filter(None, [board.sources_total])]
            ],
            note=" ".join(
                [
                    str(sources.VIEWERS_NOTE),
                    _("An empty cell: the source does not report this figure."),
                    *metric_stop_notes(),
                ]
            ),
            sheet=pgettext("sheet name", "By source"),
        ),
        Table(
            _("Campaign compliance"),
            [
                _("Campaign"),
                _("Launched by"),
                _("Launched on"),
                _("Target pages"),
                _("Done"),
                _("Pending"),
                _("Overdue"),
                "%",
            ],
            [
                [
                    row.campaign.source_post.title,
                    row.campaign.unit.full_name,
                    timezone.localdate(row.campaign.launched_at),
                    row.targets,
                    row.done,
                    row.pending,
                    row.overdue,
                    row.percent,
                ]
                for row in board.campaigns
            ],
        ),
        Table(
            _("Referral leaderboard"),
            [_("Page"), _("Unit"), _("Referrals"), _("Follows after a referral")],
            [
                [
                    page.name,
                    page.unit.full_name,
                    int(row["referrals"]),
                    int(row["referral_follows"]),
                ]
                for page, row in board.referrals
            ],
        ),
        Table(
            _("Coverage per level on %(day)s") % {"day": _day(last_day(unit))},
            [_("Level"), _("Units"), _("With an active page"), "%"],
            [[level_label(c.level), c.units, c.with_page, c.percent] for c in board.coverage],
            sheet=_("Coverage per level"),
        ),
    ]
    return Document(
        title=_("Figures of %(unit)s") % {"unit": unit.full_name},
        subtitle=[
            _("Period: %(start)s – %(end)s")
            % {"start": _day(period.start), "end": _day(period.end)},
            _("Structure: %(name)s") % {"name": unit.structure.name},
            _("Made at %(time)s") % {"time": format_datetime(timezone.now())},
        ],
        cards=cards,
        tables=tables,
        definitions=[(str(name), str(text)) for _key, name, text in board.definitions],
        filename="thong-ke-{}-{}-{}".format(
            fold(unit.name).replace(" ", "-") or unit.code, period.start, period.end
        ),
    )
