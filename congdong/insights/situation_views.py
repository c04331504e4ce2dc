"""The people's situation (tình hình nhân dân) for analysts: aggregates of citizen feedback over a
unit's subtree and a period. Units are read through `access_insights_unit` (VIEW_INSIGHTS on the
unit or above it: another subtree, a sibling or a parent is refused). No item, text, sender or
tracking code is shown here (Decree 356/2025): individual items are for the handling officers.

The addresses keep their names in the `feedback` namespace (`feedback:situation`,
`feedback:situation-unit`), where they were before the report moved up to insights: congdong/urls.py
puts `urls` into that namespace beside feedback's own patterns."""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from congdong.accounts.views import staff_required
from congdong.core.anonymity import below, is_hidden
from congdong.core.errors import ActionError
from congdong.core.numbers import format_date
from congdong.insights import dashboard, situation, topics
from congdong.insights.dashboard_views import subtrees
from congdong.insights.figures import Period
from congdong.insights.queries import access_insights_unit, breadcrumb, insights_roots

# The chart's line: Okabe–Ito blue, as on the insights dashboard.
COLOUR = "#0072B2"
# `?phan=tu-khoa`: the keywords part of the page.
PART, KEYWORDS_PART = "phan", "tu-khoa"


def _chart(report: situation.Situation) -> dict:
    return {
        "type": "line",
        "labels": [format_date(day) for day, _n in report.series],
        "datasets": [
            {
                "label": str(situation.DEFINITIONS[0][0]),
                # A step of fewer than k senders is a gap, never its small number.
                "data": [None if is_hidden(n) else n for _day, n in report.series],
                "color": COLOUR,
            }
        ],
    }


def _period(request: HttpRequest, today: datetime.date) -> tuple[Period, str]:
    """The period asked for (`ky`: a month or quarter; else `tu`, `den`), and an error."""
    try:
        if request.GET.get("ky"):
            return situation.named_period(request.GET["ky"]), ""
        return dashboard.parse_period(
            request.GET.get("tu"), request.GET.get("den"), default_end=today
        ), ""
    except ActionError as exc:
        return Period.last(dashboard.DEFAULT_DAYS, today), str(exc.message)


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    """The viewer's subtrees; straight to the report when there is only one."""
    return subtrees(request, "feedback:situation-unit", "insights/situation/index.html")


@staff_required
def unit_situation(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A unit's subtree over a period (`tu`, `den` or `ky`; the last 30 days by default), with
    one row per unit of the level `cap` when asked (the periodic report per level)."""
    unit = access_insights_unit(request.user, unit_id)
    # The default period ends inside the unit's structure's life (2022: on 30 June 2025).
    today = dashboard.last_day(unit)
    period, error = _period(request, today)
    levels = situation.levels_below(unit)
    level = request.GET.get("cap") or ""
    if level not in levels:
        level = ""
    # The keywords are asked for on their own (`phan=tu-khoa`) when counting them would keep
    # the page waiting (a national subtree's texts take seconds to segment): by htmx once the
    # page is shown, or, without JavaScript, by a link to the whole page with them.
    asked = request.GET.get(PART) == KEYWORDS_PART
    if asked and request.htmx:
        found = topics.keywords(unit, period)
        return render(request, "insights/situation/_keywords.html", {"topics": found})
    report = situation.cached_data(unit, period, level=level)
    found = topics.keywords(unit, period, wait=asked)
    later = request.GET.copy()
    later[PART] = KEYWORDS_PART
    roots = insights_roots(request.user)
    return render(
        request,
        "insights/situation/unit.html",
        {
            "unit": unit,
            "period": period,
            "error": error,
            "default_days": dashboard.DEFAULT_DAYS,
            "today": today,
            "report": report,
            "topics": found,
            "keywords_query": later.urlencode(),
            "chart": _chart(report),
            "presets": situation.presets(today),
            "ancestors": breadcrumb(unit, roots),
            "definitions": [(str(n), str(t)) for n, t in situation.DEFINITIONS]
            + [(str(topics.DEFINITION[0]), str(topics.DEFINITION[1]))],
            "levels": [(value, situation.level_label(value)) for value in levels],
            "other_label": situation.other_label(report.min_senders),
            "small_label": below(report.min_senders),
            "level": level,
            "export_params": {"tu": period.start, "den": period.end, "cap": level},
        },
    )


# In the `feedback` namespace (congdong/urls.py).
urls: list[URLPattern] = [
    path("lam-viec/tinh-hinh-nhan-dan/", index, name="situation"),
    path("lam-viec/tinh-hinh-nhan-dan/<int:unit_id>/", unit_situation, name="situation-unit"),
]
