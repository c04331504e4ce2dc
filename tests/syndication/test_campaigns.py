"""A publish-down campaign reaches the external channels of its target pages; the compliance
view shows each target's external post and status, within the viewer's units only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from congdong.campaigns.models import CampaignMode
from congdong.syndication import actions
from congdong.syndication.models import ChannelDefault, Delivery, DeliveryState
from tests.campaigns.conftest import launched
from tests.conftest import client_for
from tests.syndication.conftest import facebook_page, work, zalo_oa

D = DeliveryState


@pytest.fixture
def channels(platforms, fake_graph, fake_zalo, tree):
    """Bắc Ninh (Facebook and Zalo), Kinh Bắc (Facebook) and Hà Nội (Facebook)."""
    return {
        "bac_ninh_fb": facebook_page(fake_graph, tree.bac_ninh, "2400"),
        "bac_ninh_zalo": zalo_oa(fake_zalo, tree.bac_ninh, "2490"),
        "kinh_bac_fb": facebook_page(fake_graph, tree.kinh_bac, "2411"),
        "ha_noi_fb": facebook_page(fake_graph, tree.ha_noi, "0100"),
    }


@pytest.fixture
def campaign(personas, central_approver, central_post, channels):
    return launched(personas["tw.bientap"], central_approver, central_post)


def test_a_publish_down_reaches_every_target_pages_channels_once(
    campaign, channels, fake_graph, fake_zalo, tree
):
    assert actions.fan_out() == 4
    assert actions.fan_out() == 0  # a campaign is fanned out once
    work()
    assert set(Delivery.objects.values_list("state", flat=True)) == {D.SENT}
    for page_id in ("2400", "2411", "0100"):
        [post] = fake_graph.posts(page_id)
        assert post.message.startswith(campaign.source_post.title)
    # Each page's own name: thousands of pages never post the very same text.
    assert "— " + tree.kinh_bac.name in fake_graph.posts("2411")[0].message
    assert len(fake_zalo.broadcasts("2490")) == 1
    delivery = Delivery.objects.get(link=channels["kinh_bac_fb"])
    assert delivery.target.page_id == tree.kinh_bac.pk
    assert delivery.post_id == delivery.target.copy_id


def test_a_page_that_turned_a_channel_off_is_not_reached(
    personas, central_approver, central_post, channels
):
    ChannelDefault.objects.create(link=channels["ha_noi_fb"], publish=False)
    launched(personas["tw.bientap"], central_approver, central_post)
    assert actions.fan_out() == 3
    assert not Delivery.objects.filter(link=channels["ha_noi_fb"]).exists()


def test_a_reshare_task_campaign_posts_nothing_by_itself(
    personas, central_approver, central_post, channels
):
    launched(personas["tw.bientap"], central_approver, central_post, CampaignMode.RESHARE_TASK)
    assert actions.fan_out() == 0


def test_the_compliance_view_shows_each_targets_external_post_and_status(
    personas, campaign, channels, fake_graph
):
    fake_graph.fail("token_expired", target="0100", path="/feed")
    actions.fan_out()
    work()
    page = client_for(personas["tw.bientap"]).get(
        reverse("campaigns:detail", args=[campaign.pk]) + f"?don-vi={campaign.unit.pk}"
    )
    html = page.content.decode()
    assert 'id="delivery-counts"' in html
    sent = Delivery.objects.get(link=channels["bac_ninh_fb"])
    assert sent.external_url in html
    failed = Delivery.objects.get(link=channels["ha_noi_fb"])
    assert failed.state == D.FAILED
    assert failed.reason in html.replace("&#x27;", "'")


def test_a_province_admin_sees_only_their_provinces_deliveries(personas, campaign, channels, tree):
    actions.fan_out()
    work()
    html = (
        client_for(personas["bacninh.quantri"])
        .get(reverse("campaigns:detail", args=[campaign.pk]))
        .content.decode()
    )
    assert Delivery.objects.get(link=channels["bac_ninh_fb"]).external_url in html
    assert Delivery.objects.get(link=channels["ha_noi_fb"]).external_url not in html


def test_the_api_counts_a_campaigns_deliveries_within_the_callers_units(
    personas, campaign, channels
):
    actions.fan_out()
    work()
    url = f"/api/v1/campaigns/{campaign.pk}/deliveries"
    whole = client_for(personas["tw.bientap"]).get(url).json()
    assert whole["counts"] == {"facebook": {"sent": 3}, "zalo": {"sent": 1}}
    part = client_for(personas["hanoi.quantri"]).get(url).json()
    assert part["counts"] == {"facebook": {"sent": 1}}
