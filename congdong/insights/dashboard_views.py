"""Staff dashboards of figures (issue 5): the viewer's subtrees, a unit's dashboard, and the
coverage drill-down. Every unit is read through `access_insights_unit`."""

from __future__ import annotations

import datetime

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from congdong.accounts.views import staff_required
from congdong.core.errors import ActionError
from congdong.core.numbers import format_date
from congdong.insights import coverage, dashboard, sources
from congdong.insights.figures import METRIC_BY_KEY, Metric, Period
from congdong.insights.queries import access_insights_unit, breadcrumb, insights_roots
from congdong.units.models import Level, Unit

MISSING_PER_PAGE = 50
HISTORY_POINTS = 12
# The lines of the time series chart: (figure key, colour). Okabe–Ito colours, told apart
# with the common colour-vision deficiencies; the estimate (reach) is dashed too, and the
# table under each chart gives the same figures.
SERIES = (("impressions", "#0072B2"), ("reach", "#D55E00"), ("engagement", "#009E73"))
LEVEL_COLOURS = {
    Level.CENTRAL: "#000000",
    Level.PROVINCE: "#0072B2",
    Level.DISTRICT: "#E69F00",
    Level.COMMUNE: "#009E73",
}


def _other_structures(unit: Unit, roots: list[Unit]) -> list[Unit]:
    return [root for root in roots if root.structure_id != unit.structure_id]


def _day(day: datetime.date) -> str:
    return format_date(day)


def subtrees(request: HttpRequest, unit_view: str, template: str) -> HttpResponse:
    """The viewer's subtrees (`template`); straight to the one's `unit_view` when there is
    only one."""
    roots = insights_roots(request.user)
    if len(roots) == 1:
        return redirect(unit_view, unit_id=roots[0].pk)
    return render(request, template, {"roots": roots, "unit_view": unit_view})


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    """The viewer's subtrees; straight to the dashboard when there is only one."""
    return subtrees(request, "insights:dashboard-unit", "insights/dashboard_index.html")


def _presets(today: datetime.date) -> list[dict]:
    out = []
    for days in dashboard.PRESETS:
        period = Period.last(days, today)
        out.append({"days": days, "tu": period.start.isoformat(), "den": period.end.isoformat()})
    return out


def _cells(row: dict[str, float], metrics: list[Metric]) -> list[dict]:
    """A table row's cells in column order (templates cannot look a key up by variable)."""
    return [{"key": m.key, "value": row.get(m.key, 0), "estimated": m.estimated} for m in metrics]


def _coverage_rows(levels: list) -> list[tuple[object, str]]:
    return [(row, dashboard.level_label(row.level)) for row in levels]


def _series_chart(board: dashboard.Dashboard) -> dict:
    return {
        "type": "line",
        "labels": [_day(day) for day, _row in board.series],
        "datasets": [
            {
                "label": str(METRIC_BY_KEY[key].label)
                + (f" ({_('estimated')})" if key == "reach" else ""),
                "data": [row.get(key, 0) for _day_, row in board.series],
                "color": colour,
                "dashed": METRIC_BY_KEY[key].estimated,
            }
            for key, colour in SERIES
        ],
    }


@staff_required
def unit_dashboard(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A unit's subtree over a period (`tu`, `den`; the last 30 days by default)."""
    unit = access_insights_unit(request.user, unit_id)
    error = ""
    today = dashboard.last_day(unit)
    try:
        period = dashboard.parse_period(
            request.GET.get("tu"), request.GET.get("den"), default_end=today
        )
    except ActionError as exc:
        error = str(exc.message)
        period = dashboard.default_period(unit)
    roots = insights_roots(request.user)
    board = dashboard.data(unit, period)
    metrics = [METRIC_BY_KEY[key] for key in dashboard.TABLE_KEYS]
    level_metrics = [metric for metric in metrics if metric.key != "reach"]
    return render(
        request,
        "insights/dashboard.html",
        {
            "unit": unit,
            "board": board,
            "period": period,
            "error": error,
            "ancestors": breadcrumb(unit, roots),
            "others": _other_structures(unit, roots),
            "presets": _presets(today),
            "default_days": dashboard.DEFAULT_DAYS,
            "today": today,
            "series_chart": _series_chart(board),
            "metrics": metrics,
            "level_metrics": level_metrics,
            "source_columns": sources.columns(),
            "viewers_note": sources.VIEWERS_NOTE,
            "level_rows": [
                (level, dashboard.level_label(level), _cells(row, level_metrics))
                for level, row in board.levels
            ],
            "child_rows": [(child, _cells(row, metrics)) for child, row in board.children],
            "own_cells": _cells(board.own, metrics),
            "total_cells": _cells(board.totals, metrics),
            "top_rows": [(page, _cells(row, metrics)) for page, row in board.top_pages],
            "bottom_rows": [(page, _cells(row, metrics)) for page, row in board.bottom_pages],
            "series_rows": [
                (day, _cells(row, [METRIC_BY_KEY[key] for key, _colour in SERIES]))
                for day, row in board.series
            ],
            "series_metrics": [METRIC_BY_KEY[key] for key, _colour in SERIES],
            "coverage_rows": _coverage_rows(board.coverage),
            "coverage_definition": dashboard.COVERAGE_DEFINITION,
            "referral_definition": METRIC_BY_KEY["referrals"].definition,
            "export_params": {"tu": period.start, "den": period.end},
        },
    )


def _coverage_chart(history: list) -> dict:
    """Percent with a page per level at each point of the history."""
    levels: list[str] = []
    for _when, rows in history:
        for row in rows:
            if row.level not in levels:
                levels.append(row.level)
    return {
        "type": "line",
        "percent": True,
        "labels": [_day(day) for day, _rows in history],
        "datasets": [
            {
                "label": dashboard.level_label(level),
                "data": [
                    next((row.percent for row in rows if row.level == level), None)
                    for _day_, rows in history
                ],
                "color": LEVEL_COLOURS.get(level, "#555555"),
            }
            for level in levels
        ],
    }


@staff_required
def unit_coverage(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Coverage per level on a day (`ngay`, today by default), its history over the last year,
    and the units without a page (`cap`: one level), each linking to its public unit page."""
    unit = access_insights_unit(request.user, unit_id)
    errors: list[str] = []
    today = dashboard.last_day(unit)
    try:
        as_of = dashboard.parse_date(request.GET.get("ngay"), "ngay") or today
    except ActionError as exc:
        errors.append(str(exc.message))
        as_of = today
    level = request.GET.get("cap") or None
    if level is not None and level not in Level.values:
        errors.append(_("“%(level)s” is not a level; every level is shown.") % {"level": level})
        level = None
    begins = unit.structure.valid_from
    start = as_of - datetime.timedelta(days=365)
    if begins is not None and begins > start:
        start = min(begins, as_of)
    history = coverage.history(unit, start, as_of, points=HISTORY_POINTS)
    levels = history[-1][1]  # the history ends on `as_of`: its last point is the day's figure
    # A count and one page of units (each with its parent), not every unit without a page.
    missing = coverage.without_page_query(unit, as_of, level=level)
    page = Paginator(missing, MISSING_PER_PAGE).get_page(request.GET.get("trang"))
    roots = insights_roots(request.user)
    return render(
        request,
        "insights/dashboard_coverage.html",
        {
            "unit": unit,
            "as_of": as_of,
            "level": level,
            "errors": errors,
            "levels": levels,
            "level_choices": [(c.level, dashboard.level_label(c.level)) for c in levels],
            "history": history,
            "history_chart": _coverage_chart(history),
            "missing": page,
            "ancestors": breadcrumb(unit, roots),
            "others": _other_structures(unit, roots),
            "definition": dashboard.COVERAGE_DEFINITION,
            "coverage_definition": dashboard.COVERAGE_DEFINITION,
            "coverage_definitions": [
                ("coverage", dashboard.COVERAGE_LABEL, dashboard.COVERAGE_DEFINITION)
            ],
            "coverage_rows": _coverage_rows(levels),
            "export_params": {"ngay": as_of, "cap": level},
            "today": today,
        },
    )


urls: list[URLPattern] = [
    path("lam-viec/thong-ke/", index, name="dashboard"),
    path("lam-viec/thong-ke/<int:unit_id>/", unit_dashboard, name="dashboard-unit"),
    path("lam-viec/thong-ke/<int:unit_id>/do-phu/", unit_coverage, name="dashboard-coverage"),
]
