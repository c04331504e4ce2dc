import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.security import django_auth

from congdong.accounts import tokens
from congdong.campaigns.breakdown import focus_of
from congdong.campaigns.queries import access_campaign
from congdong.channels.models import ChannelKind
from congdong.posts.queries import access_post_to_read
from congdong.syndication import actions, queries
from congdong.syndication.models import DeliveryState

router = Router(tags=["syndication"])


class DeliveryOut(Schema):
    """One post going to one channel: never a token."""

    id: int
    post_id: int
    link_id: int
    kind: ChannelKind
    state: DeliveryState
    attempts: int
    external_id: str
    external_url: str
    reason: str
    not_before: datetime.datetime
    sent_at: datetime.datetime | None
    campaign_target_id: int | None

    @staticmethod
    def resolve_campaign_target_id(obj) -> int | None:
        return obj.target_id


class SendIn(Schema):
    link_ids: list[int]


class CampaignDeliveriesOut(Schema):
    focus_unit_id: int
    counts: dict[str, dict[str, int]]


@router.get("/posts/{post_id}/deliveries", response=list[DeliveryOut], auth=tokens.TOKEN_OR_SESSION)
def post_deliveries(request: HttpRequest, post_id: int):
    """The post's deliveries to its page's channels (operators of the page, its approvers)."""
    return queries.of_post(access_post_to_read(request.user, post_id))


@router.post("/posts/{post_id}/deliveries", response={201: list[DeliveryOut]}, auth=django_auth)
def send(request: HttpRequest, post_id: int, body: SendIn):
    """Queue the published or scheduled post for the given channels of its page."""
    return Status(201, actions.send(request.user, post_id, body.link_ids))


@router.post("/deliveries/{delivery_id}/again", response=DeliveryOut, auth=django_auth)
def again(request: HttpRequest, delivery_id: int):
    """Queue a failed or given-up delivery again."""
    return actions.again(request.user, delivery_id)


@router.get(
    "/campaigns/{campaign_id}/deliveries",
    response=CampaignDeliveriesOut,
    auth=tokens.TOKEN_OR_SESSION,
)
def campaign_deliveries(request: HttpRequest, campaign_id: int, unit_id: int | None = None):
    """Deliveries of the campaign's copies to external channels, counted per channel and
    state, below `unit_id` (default: the campaign's unit), in the caller's subtrees."""
    campaign, scope = access_campaign(request.user, campaign_id)
    focus = focus_of(campaign, scope, unit_id)
    report = queries.campaign_channels(campaign, scope, focus)
    return {"focus_unit_id": focus.pk, "counts": report.counts}
