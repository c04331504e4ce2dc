"""Staff send a post to the page's channels, see how it went, set the page's defaults and
complete reshare tasks by the external post's address; never outside their units."""

from __future__ import annotations

import pytest
from django.urls import reverse

from congdong.campaigns.models import CampaignMode, TargetStatus
from congdong.posts.actions import publish_or_schedule
from congdong.syndication.models import ChannelDefault, Delivery
from tests.campaigns.conftest import launched
from tests.conftest import client_for
from tests.syndication.conftest import facebook_page, work, zalo_oa


@pytest.fixture
def published(personas, province_post):
    return publish_or_schedule(personas["bacninh.quantri"], province_post.pk)


@pytest.fixture
def links(platforms, fake_graph, fake_zalo, tree):
    return facebook_page(fake_graph, tree.bac_ninh, "2401"), zalo_oa(
        fake_zalo, tree.bac_ninh, "2402"
    )


def test_an_operator_sends_a_post_to_the_ticked_channels(personas, published, links, fake_graph):
    fb, oa = links
    client = client_for(personas["bacninh.quantri"])
    url = reverse("syndication:post", args=[published.pk])
    form = client.get(url).content.decode()
    assert f'value="{fb.pk}" checked' in form
    answer = client.post(url, {"links": [fb.pk]})
    assert answer.status_code == 302
    work()
    page = client.get(url).content.decode()
    assert Delivery.objects.get(link=fb).external_url in page
    assert len(fake_graph.posts("2401")) == 1
    assert not Delivery.objects.filter(link=oa).exists()


def test_sending_without_a_channel_says_so_and_queues_nothing(personas, published, links):
    answer = client_for(personas["bacninh.quantri"]).post(
        reverse("syndication:post", args=[published.pk]), {}
    )
    assert answer.status_code == 400
    assert 'id="send-error"' in answer.content.decode()
    assert not Delivery.objects.exists()


def refused_and_nothing_queued(personas, post, link) -> None:
    """The Bắc Ninh admin's sending of `post` to `link` is refused; no delivery is made."""
    answer = client_for(personas["bacninh.quantri"]).post(
        reverse("syndication:post", args=[post.pk]), {"links": [link.pk]}
    )
    assert answer.status_code == 400
    assert not Delivery.objects.exists()


def test_a_draft_cannot_be_sent(personas, province_post, links):
    fb, _oa = links
    refused_and_nothing_queued(personas, province_post, fb)


def test_a_sibling_provinces_admin_cannot_see_or_send(personas, published, links):
    fb, _oa = links
    client = client_for(personas["hanoi.quantri"])
    url = reverse("syndication:post", args=[published.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"links": [fb.pk]}).status_code == 404
    assert not Delivery.objects.exists()


def test_another_pages_channel_is_refused(personas, published, links, fake_graph, tree):
    other = facebook_page(fake_graph, tree.kinh_bac, "2411")
    refused_and_nothing_queued(personas, published, other)


def test_a_page_admin_sets_the_default_channels(personas, links, tree):
    fb, oa = links
    client = client_for(personas["bacninh.quantri"])
    url = reverse("syndication:defaults", args=[tree.bac_ninh.pk])
    assert client.post(url, {"links": [oa.pk]}).status_code == 302
    assert ChannelDefault.objects.get(link=fb).publish is False
    assert ChannelDefault.objects.get(link=oa).publish is True
    assert client_for(personas["hanoi.quantri"]).post(url, {"links": []}).status_code == 404


def test_the_api_sends_and_lists_a_posts_deliveries(personas, published, links):
    fb, _oa = links
    client = client_for(personas["bacninh.quantri"])
    url = f"/api/v1/posts/{published.pk}/deliveries"
    answer = client.post(url, {"link_ids": [fb.pk]}, content_type="application/json")
    assert answer.status_code == 201
    assert answer.json()[0]["state"] == "queued"
    work()
    [row] = client.get(url).json()
    assert row["state"] == "sent"
    assert "token" not in str(row).lower()
    refused = client_for(personas["hanoi.quantri"]).post(
        url, {"link_ids": [fb.pk]}, content_type="application/json"
    )
    assert refused.status_code == 404


def test_a_reshare_task_is_done_with_the_address_of_the_post_on_the_linked_page(
    personas, central_approver, central_post, links, tree
):
    campaign = launched(
        personas["tw.bientap"], central_approver, central_post, CampaignMode.RESHARE_TASK
    )
    target = campaign.targets.get(page=tree.bac_ninh)
    client = client_for(personas["bacninh.quantri"])
    url = reverse("syndication:reshare-address", args=[target.pk])
    client.post(url, {"address": "https://www.facebook.com/9999_123"})
    target.refresh_from_db()
    assert target.status == TargetStatus.PENDING  # not the linked Page: refused
    client.post(url, {"address": "https://www.facebook.com/2401_777"})
    target.refresh_from_db()
    assert target.status == TargetStatus.PUBLISHED
    delivery = Delivery.objects.get(target=target)
    assert delivery.state == "sent"
    assert delivery.external_url == "https://www.facebook.com/2401_777"
