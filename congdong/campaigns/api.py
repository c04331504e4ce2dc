import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth

from congdong.campaigns import actions, breakdown, queries
from congdong.campaigns.models import CampaignMode, CampaignStatus, Targeting, TargetStatus
from congdong.core.api import Id
from congdong.units.models import Level

router = Router(tags=["campaigns"])


class CampaignIn(Schema):
    post_id: int
    mode: CampaignMode
    targeting: Targeting = Targeting.ALL_BELOW
    levels: list[Level] = []
    unit_ids: list[Id] = []
    deadline: datetime.datetime | None = None


class CampaignOut(Schema):
    id: int
    post_id: int = Field(..., alias="source_post_id")
    unit_id: int
    unit_name: str = Field(..., alias="unit.full_name")
    mode: CampaignMode
    targeting: Targeting
    target_levels: list[str]
    deadline: datetime.datetime | None
    status: CampaignStatus
    launched_at: datetime.datetime | None


class LevelOut(Schema):
    level: str
    total: int
    published: int
    pending: int
    overdue: int
    percent_published: float
    average_seconds_to_publish: float | None


class LaggardOut(Schema):
    target_id: int
    unit_id: int
    unit_name: str
    page_id: int
    status: TargetStatus


class UnitRowOut(Schema):
    unit_id: int
    unit_name: str
    own_page: bool  # the focus unit's own page, not a branch below it
    targets: int
    done: int
    pending: int
    late: int
    at_risk: int
    percent_done: float
    median_seconds_to_publish: float | None
    p90_seconds_to_publish: float | None


class DefinitionOut(Schema):
    key: str
    term: str
    meaning: str


class ComplianceOut(Schema):
    campaign: CampaignOut
    whole_campaign: bool  # False: only the caller's part below the source unit
    levels: list[LevelOut]
    laggards: list[LaggardOut]
    focus_unit_id: int  # the units are its children (?unit_id= drills down)
    sort: str
    units: list[UnitRowOut]
    total: UnitRowOut
    definitions: list[DefinitionOut]


def _seconds(value: datetime.timedelta | None) -> float | None:
    return value.total_seconds() if value is not None else None


def _row(row: breakdown.UnitRow) -> dict:
    return {
        "unit_id": row.unit.pk,
        "unit_name": row.unit.full_name,
        "own_page": row.own_page,
        "targets": row.targets,
        "done": row.done,
        "pending": row.pending,
        "late": row.late,
        "at_risk": row.at_risk,
        "percent_done": row.percent,
        "median_seconds_to_publish": _seconds(row.median),
        "p90_seconds_to_publish": _seconds(row.p90),
    }


class LaunchOut(Schema):
    campaign: CampaignOut
    pages_reached: int


class TaskOut(Schema):
    id: int
    campaign_id: int
    page_id: int
    status: TargetStatus
    copy_id: int | None
    published_at: datetime.datetime | None


@router.post("/campaigns", response={201: CampaignOut}, auth=django_auth)
def create(request: HttpRequest, body: CampaignIn):
    """A draft campaign from a post on a page of the caller's unit (EDIT_POSTS there), to
    every page below, chosen levels, or chosen units below it."""
    campaign = actions.create(
        request.user,
        body.post_id,
        body.mode,
        targeting=body.targeting,
        levels=[str(level) for level in body.levels],
        unit_ids=body.unit_ids,
        deadline=body.deadline,
    )
    return Status(201, queries.access_campaign(request.user, campaign.pk)[0])


@router.post("/campaigns/{campaign_id}/launch", response=LaunchOut, auth=django_auth)
def launch(request: HttpRequest, campaign_id: int) -> dict:
    """Send the approved post to every target page (APPROVE_POSTS on the source unit); once."""
    campaign, reached = actions.launch(request.user, campaign_id)
    return {"campaign": campaign, "pages_reached": reached}


@router.get("/campaigns/{campaign_id}", response=ComplianceOut, auth=django_auth)
def get(
    request: HttpRequest, campaign_id: int, unit_id: int | None = None, sort: str = "unit"
) -> dict:
    """The campaign and its compliance by level, with the laggards (late or at risk), and a row
    per child unit of `unit_id` (default: the campaign's unit) sorted by `sort` (one of
    unit, targets, done, pending, late, at_risk, percent, median, p90; "-" before it:
    descending): all of it for staff of the source unit or above, the caller's subtrees
    otherwise."""
    campaign, scope = queries.access_campaign(request.user, campaign_id)
    report = queries.compliance(campaign, scope)
    units = breakdown.breakdown(campaign, scope, breakdown.focus_of(campaign, scope, unit_id), sort)
    return {
        "focus_unit_id": units.focus.pk,
        "sort": units.sort,
        "units": [_row(row) for row in units.rows],
        "total": _row(units.total),
        "definitions": [
            {"key": key, "term": term, "meaning": meaning}
            for term, meaning, key in breakdown.definitions(units.clock)
        ],
        "campaign": campaign,
        "whole_campaign": scope.everywhere,
        "levels": [
            {
                "level": row.level,
                "total": row.total,
                "published": row.published,
                "pending": row.pending,
                "overdue": row.overdue,
                "percent_published": row.percent_published,
                "average_seconds_to_publish": _seconds(row.average_delay),
            }
            for row in report.levels
        ],
        "laggards": [
            {
                "target_id": t.pk,
                "unit_id": t.unit_id,
                "unit_name": t.unit.full_name,
                "page_id": t.page_id,
                "status": t.status,
            }
            for t in report.laggards
        ],
    }


@router.post("/campaign-tasks/{target_id}/reshare", response=TaskOut, auth=django_auth)
def reshare(request: HttpRequest, target_id: int):
    """Complete a reshare task: the target page gets its own published copy of the post."""
    return actions.reshare(request.user, target_id)
