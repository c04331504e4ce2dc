"""The people's situation in the API, for analysts: aggregates and keywords only."""

import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from congdong.accounts.tokens import TOKEN_OR_SESSION
from congdong.core.errors import ActionError
from congdong.insights import dashboard as insights_dashboard
from congdong.insights import situation as situation_figures
from congdong.insights import topics as situation_topics
from congdong.insights.queries import access_insights_unit
from congdong.units.models import Level, Unit

# Under the `feedback` tag and with the operation ids it had as part of feedback's API
# (congdong.feedback.api.situation), so that the OpenAPI schema and clients generated from it
# are unchanged by the report's move to insights.
router = Router(tags=["feedback"])
OPERATION_IDS = "congdong_feedback_api_situation_"
# A count is an int, or the text "< k" when it stands for fewer than k distinct senders
# (aggregate-only rule, congdong.core.anonymity; k is `min_senders` in the answer).
Figure = int | str


class SituationUnitOut(Schema):
    id: int
    code: str
    name: str
    level: str


class SituationCountsOut(Schema):
    sent: Figure
    open: Figure
    answered: Figure
    rejected: Figure
    overdue: Figure


class SituationCategoryOut(SituationCountsOut):
    id: int
    slug: str
    name: str


class SituationChildOut(SituationCountsOut):
    unit: SituationUnitOut


class SituationStateOut(Schema):
    state: str
    items: Figure


class SituationPointOut(Schema):
    start: datetime.date
    items: Figure


class SituationHoursOut(Schema):
    items: Figure
    median: float | None
    mean: float | None


class SituationRateOut(Schema):
    on_time: Figure
    due: Figure
    percent: float | None


class SituationOut(Schema):
    unit: SituationUnitOut
    start: datetime.date
    end: datetime.date
    at: datetime.datetime
    totals: SituationCountsOut
    states: list[SituationStateOut]
    categories: list[SituationCategoryOut]
    children: list[SituationChildOut]
    own: SituationCountsOut  # sent to the unit itself
    series: list[SituationPointOut]
    series_step: str  # "day" or "week" (each point starts on a Monday)
    hours_to_accept: SituationHoursOut
    hours_to_answer: SituationHoursOut
    accepted_on_time: SituationRateOut
    answered_on_time: SituationRateOut
    # Set when response times were computed from the latest N items only.
    response_times_from_latest: int | None = None
    level: str | None = None
    level_units: list[SituationChildOut]
    min_senders: int
    # The rows of fewer than k senders each, merged (None when no row was).
    other_categories: SituationCountsOut | None = None
    other_children: SituationCountsOut | None = None
    other_level_units: SituationCountsOut | None = None
    other_states: Figure | None = None
    other_series: Figure | None = None
    definitions: list[dict[str, str]]


class KeywordOut(Schema):
    word: str
    items: int


class CategoryTopicsOut(Schema):
    category_id: int
    name: str
    items: Figure
    keywords: list[KeywordOut]


class KeywordsOut(Schema):
    unit: SituationUnitOut
    start: datetime.date
    end: datetime.date
    keywords: list[KeywordOut]
    by_category: list[CategoryTopicsOut]
    feedback_read: Figure
    feedback_total: Figure
    comments_read: Figure
    comments_total: Figure
    # Comments and messages sent to the linked Facebook Pages and Zalo OAs.
    channel_read: Figure
    channel_total: Figure
    capped: bool
    min_senders: int
    note: str


def _situation_route(path: str, response: type[Schema], name: str):
    """A GET for staff by session or token, with the operation id it had in feedback's API."""
    return router.get(
        path,
        response=response,
        auth=TOKEN_OR_SESSION,
        operation_id=OPERATION_IDS + name,
    )


def _situation_period(
    unit: Unit, start: str | None, end: str | None, period: str | None
) -> situation_figures.Period:
    if period:
        return situation_figures.named_period(period, field="period")
    return insights_dashboard.parse_period(
        start, end, names=("from", "to"), default_end=insights_dashboard.last_day(unit)
    )


@_situation_route("/feedback/situation/{unit_id}", SituationOut, "situation")
def situation(
    request: HttpRequest,
    unit_id: int,
    start: str | None = Query(None, alias="from", description="YYYY-MM-DD; default: 30 days"),
    end: str | None = Query(None, alias="to", description="YYYY-MM-DD; default: today"),
    period: str | None = Query(None, description="a month 2026-03 or a quarter 2026-Q1"),
    level: str | None = Query(None, description="one row per unit of this level"),
):
    """The people's situation of the unit's subtree over the period, as aggregates only (no
    text, sender or tracking code: Decree 356/2025). Analysts and admins of the unit or above
    it; any other unit is 403."""
    unit = access_insights_unit(request.user, unit_id)
    chosen = _situation_period(unit, start, end, period)
    if level and level not in Level.values:
        raise ActionError(_("Unknown level."), field="level")
    data = situation_figures.as_dict(situation_figures.data(unit, chosen, level=level or ""))
    data["definitions"] = [
        {"name": str(name), "definition": str(text)} for name, text in situation_figures.DEFINITIONS
    ]
    return data


@_situation_route("/feedback/situation/{unit_id}/keywords", KeywordsOut, "situation_keywords")
def situation_keywords(
    request: HttpRequest,
    unit_id: int,
    start: str | None = Query(None, alias="from"),
    end: str | None = Query(None, alias="to"),
    period: str | None = Query(None, description="a month 2026-03 or a quarter 2026-Q1"),
):
    """The top keywords of the feedback and citizens' comments of the subtree over the period,
    overall and per category (counts of items, never the texts)."""
    unit = access_insights_unit(request.user, unit_id)
    chosen = _situation_period(unit, start, end, period)
    found = situation_topics.keywords(unit, chosen)
    return {
        "unit": {"id": unit.pk, "code": unit.code, "name": unit.full_name, "level": unit.level},
        "start": chosen.start,
        "end": chosen.end,
        "keywords": found.keywords,
        "by_category": found.by_category,
        "feedback_read": found.feedback_read,
        "feedback_total": found.feedback_total,
        "comments_read": found.comments_read,
        "comments_total": found.comments_total,
        "channel_read": found.channel_read,
        "channel_total": found.channel_total,
        "capped": found.capped,
        "min_senders": found.min_senders,
        "note": found.note,
    }
