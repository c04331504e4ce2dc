"""The campaign compliance view's external channels (campaigns/detail.html loads this tag:
the campaigns app offers the place, syndication fills it, so campaigns imports nothing of it)."""

from __future__ import annotations

from django import template

from congdong.syndication.models import DeliveryState
from congdong.syndication.queries import campaign_channels

register = template.Library()


@register.inclusion_tag("syndication/_campaign.html")
def campaign_deliveries(campaign, scope, focus) -> dict:
    return {
        "channels": campaign_channels(campaign, scope, focus),
        "states": DeliveryState.choices,
    }
