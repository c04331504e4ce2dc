"""Figures for staff tools: a unit subtree's figures, coverage and ranked pages.

Staff sign in with the web session or a bearer token (`/auth/phone/verify` or an operator's
token). Every unit goes through `access_insights_unit`: another subtree, a sibling or a parent
gives 403. Bad dates or an unknown metric give 400 with `{"detail", "field"}`.
Reach is an estimate (HyperLogLog) with its 95 % bounds, and never a sum of rows.
"""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from congdong.accounts.tokens import TOKEN_OR_SESSION
from congdong.channels.models import MetricStop
from congdong.core.errors import ActionError, Refusals
from congdong.insights import coverage, dashboard, figures, sources
from congdong.insights.figures import METRICS
from congdong.insights.queries import access_insights_unit
from congdong.units.models import Unit

router = Router(tags=["insights"])
MAX_PAGES = 100


class UnitBriefOut(Schema):
    id: int
    code: str
    name: str
    level: str
    structure: str


class FiguresOut(Schema):
    followers: int
    followers_gained: int
    followers_lost: int
    posts: int
    reshares: int
    impressions: int
    reactions: int
    comments: int
    shares: int
    engagement: int
    referrals: int
    referral_follows: int
    # Estimated (HyperLogLog) with its 95 % bounds; absent where reach cannot be given (a
    # level of the tree: reach is not additive).
    reach: float | None = None
    reach_low: float | None = None
    reach_high: float | None = None


class LevelFiguresOut(Schema):
    level: str
    figures: FiguresOut


class ChildFiguresOut(Schema):
    unit: UnitBriefOut
    figures: FiguresOut


class DayFiguresOut(Schema):
    day: datetime.date
    figures: FiguresOut


class MetricOut(Schema):
    key: str
    name: str
    definition: str
    estimated: bool


class UnitFiguresOut(Schema):
    unit: UnitBriefOut
    start: datetime.date
    end: datetime.date
    totals: FiguresOut
    own: FiguresOut  # the unit's own page
    levels: list[LevelFiguresOut]
    children: list[ChildFiguresOut]
    series: list[DayFiguresOut]
    definitions: list[MetricOut]


class LevelCoverageOut(Schema):
    level: str
    units: int
    with_page: int
    percent: float


class CoverageOut(Schema):
    unit: UnitBriefOut
    as_of: datetime.date
    levels: list[LevelCoverageOut]
    definition: str


class PageFiguresOut(Schema):
    page_id: int
    slug: str
    name: str
    unit: UnitBriefOut
    figures: FiguresOut


class RankedPagesOut(Schema):
    unit: UnitBriefOut
    start: datetime.date
    end: datetime.date
    metric: str
    bottom: bool
    items: list[PageFiguresOut]


def _unit(unit: Unit, structure: str | None = None) -> dict:
    # Units below the one asked for share its structure: pass it, saving a query per row.
    return {
        "id": unit.pk,
        "code": unit.code,
        "name": unit.full_name,
        "level": unit.level,
        "structure": structure or unit.structure.code,
    }


def _period(unit: Unit, start: str | None, end: str | None) -> figures.Period:
    return dashboard.parse_period(
        start, end, names=("from", "to"), default_end=dashboard.last_day(unit)
    )


def _definitions() -> list[dict]:
    return [
        {
            "key": m.key,
            "name": str(m.label),
            "definition": str(m.definition),
            "estimated": m.estimated,
        }
        for m in METRICS
    ]


@router.get("/insights/units/{unit_id}/figures", response=UnitFiguresOut, auth=TOKEN_OR_SESSION)
def unit_figures(
    request: HttpRequest,
    unit_id: int,
    start: str | None = Query(
        None, alias="from", description="YYYY-MM-DD; default: 30 days before `to`"
    ),
    end: str | None = Query(None, alias="to", description="YYYY-MM-DD; default: today"),
):
    """The subtree's figures over the period (both days included): totals, the unit's own
    page, by level of page, by child unit, and day by day."""
    unit = access_insights_unit(request.user, unit_id)
    period = _period(unit, start, end)
    return {
        "unit": _unit(unit),
        "start": period.start,
        "end": period.end,
        "totals": figures.totals(unit, period),
        "own": figures.own(unit, period),
        "levels": [
            {"level": level, "figures": row} for level, row in figures.by_level(unit, period)
        ],
        "children": [
            {"unit": _unit(child, unit.structure.code), "figures": row}
            for child, row in figures.by_child(unit, period)
        ],
        "series": [{"day": day, "figures": row} for day, row in figures.series(unit, period)],
        "definitions": _definitions(),
    }


@router.get("/insights/units/{unit_id}/coverage", response=CoverageOut, auth=TOKEN_OR_SESSION)
def unit_coverage(
    request: HttpRequest,
    unit_id: int,
    as_of: str | None = Query(None, description="YYYY-MM-DD; default: today"),
):
    """Per level of the subtree: units that exist on the day, those with an active page, and
    the percent."""
    unit = access_insights_unit(request.user, unit_id)
    day = dashboard.parse_date(as_of, "as_of") or dashboard.last_day(unit)
    return {
        "unit": _unit(unit),
        "as_of": day,
        "levels": [
            {"level": c.level, "units": c.units, "with_page": c.with_page, "percent": c.percent}
            for c in coverage.levels(unit, day)
        ],
        "definition": str(dashboard.COVERAGE_DEFINITION),
    }


@router.get("/insights/units/{unit_id}/pages", response=RankedPagesOut, auth=TOKEN_OR_SESSION)
def unit_pages(
    request: HttpRequest,
    unit_id: int,
    metric: str = "impressions",
    bottom: bool = False,
    limit: int = 10,
    start: str | None = Query(None, alias="from"),
    end: str | None = Query(None, alias="to"),
):
    """The active pages of the subtree with the most (or, with `bottom=true`, the fewest)
    `metric` over the period; an additive metric (reach cannot be ranked by a sum)."""
    unit = access_insights_unit(request.user, unit_id)
    period = _period(unit, start, end)
    refusals = Refusals()  # both parameters told at once
    with refusals:
        if metric not in figures.ADDITIVE:
            raise ActionError(
                _("“%(metric)s” cannot be ranked; use one of: %(choices)s.")
                % {"metric": metric[:40], "choices": ", ".join(figures.ADDITIVE)},
                field="metric",
            )
    with refusals:
        if not 1 <= limit <= MAX_PAGES:
            raise ActionError(
                _("The limit is between 1 and %(max)s.") % {"max": MAX_PAGES}, field="limit"
            )
    refusals.raise_any()
    ranked = figures.pages_ranked(unit, period, metric, n=limit, bottom=bottom)
    return {
        "unit": _unit(unit),
        "start": period.start,
        "end": period.end,
        "metric": metric,
        "bottom": bottom,
        "items": [
            {
                "page_id": page.pk,
                "slug": page.slug,
                "name": page.name,
                "unit": _unit(page.unit, unit.structure.code),
                "figures": row,
            }
            for page, row in ranked
        ],
    }


class SourceFiguresOut(Schema):
    source: str  # "site" (congdong), "facebook", "zalo", or "total"
    label: str
    # None: the source does not report that figure.
    followers: int | None
    posts: int | None
    views: int | None
    engagement: int | None
    viewers: int | None


class MetricStopOut(Schema):
    kind: str
    metric: str
    figure: str
    version: str
    stopped_on: datetime.date


class ChannelFiguresOut(Schema):
    unit: UnitBriefOut
    start: datetime.date
    end: datetime.date
    own: bool
    sources: list[SourceFiguresOut]
    total: SourceFiguresOut
    viewers_note: str
    stopped: list[MetricStopOut]


def _source_out(row) -> dict:
    values = dict(row.figures)
    values["views"] = values.pop("impressions")
    return {"source": row.source, "label": row.label, **values}


@router.get("/channels/units/{unit_id}/figures", response=ChannelFiguresOut, auth=TOKEN_OR_SESSION)
def channel_figures(
    request: HttpRequest,
    unit_id: int,
    own: bool = False,
    start: str | None = Query(None, alias="from"),
    end: str | None = Query(None, alias="to"),
):
    """The subtree's (or with `own=true` its page's) figures per source — congdong's own and
    those imported from its linked Facebook Pages and Zalo OAs — and their total. Viewers are
    the platforms' daily distinct viewers summed: not de-duplicated (see `viewers_note`)."""
    unit = access_insights_unit(request.user, unit_id)
    period = _period(unit, start, end)
    found, total = sources.rows(unit, period, own=own)
    return {
        "unit": _unit(unit),
        "start": period.start,
        "end": period.end,
        "own": own,
        "sources": [_source_out(row) for row in found],
        "total": _source_out(total),
        "viewers_note": str(sources.VIEWERS_NOTE),
        "stopped": [
            {
                "kind": stop.kind,
                "metric": stop.metric,
                "figure": stop.ours,
                "version": stop.version,
                "stopped_on": stop.stopped_on,
            }
            for stop in MetricStop.objects.all()
        ],
    }
