"""A reshare task done on the page's Facebook Page is found by the worker in the Page's feed."""

from __future__ import annotations

from django.urls import reverse

from congdong.campaigns.models import CampaignMode, TargetStatus
from congdong.channels.clients.facebook import GraphClient
from congdong.channels.models import ChannelLink, ChannelToken
from congdong.core.links import absolute_url
from congdong.syndication.models import Delivery
from congdong.syndication.tasks import detect_reshares
from tests.campaigns.conftest import launched
from tests.syndication.conftest import facebook_page


def test_a_reshare_on_facebook_quoting_the_campaign_post_completes_the_task(
    personas, central_approver, central_post, platforms, fake_graph, tree
):
    link = facebook_page(fake_graph, tree.bac_ninh, "2400")
    ChannelLink.objects.filter(pk=link.pk).update(linked_by=personas["bacninh.quantri"])
    campaign = launched(
        personas["tw.bientap"], central_approver, central_post, CampaignMode.RESHARE_TASK
    )
    target = campaign.targets.get(page=tree.bac_ninh)
    assert detect_reshares() == 0  # nothing on the Page yet

    source = campaign.source_post
    address = absolute_url(reverse("posts:public", args=[source.page.slug, source.pk]))
    token = ChannelToken.objects.get(link=link).access_token
    with GraphClient.from_settings() as graph:
        post_id = graph.publish("2400", token, message=f"Mời bà con cùng đọc: {address}")

    assert detect_reshares() == 1
    target.refresh_from_db()
    assert target.status == TargetStatus.PUBLISHED
    assert target.completed_by == personas["bacninh.quantri"]
    delivery = Delivery.objects.get(target=target)
    assert delivery.external_url == f"https://www.facebook.com/{post_id}"
    assert detect_reshares() == 0  # done once
    # Other targets (no Facebook Page) stay open.
    assert campaign.targets.filter(status=TargetStatus.PENDING).exists()
