"""The demo connects a handful of pages to fake platforms it runs itself and queues their
newest post there; the worker delivers them."""

from __future__ import annotations

from congdong.channels.models import ChannelLink
from congdong.demo.channels import CONNECTED, start_fake_channels
from congdong.posts.actions import publish_or_schedule
from congdong.syndication.models import Delivery
from tests.syndication.conftest import work


def test_the_demo_connects_its_pages_and_delivers_a_post(personas, tree, province_post, settings):
    publish_or_schedule(personas["bacninh.quantri"], province_post.pk)
    said: list[str] = []
    graph, zalo = start_fake_channels(said.append)
    try:
        assert ChannelLink.objects.current().count() == 2 * len(CONNECTED)
        assert Delivery.objects.filter(post=province_post).count() == 2
        work()
        assert set(Delivery.objects.values_list("state", flat=True)) == {"sent"}
        assert len(graph.posts("100000024")) == 1
        assert len(zalo.broadcasts("4000000024")) == 1
        # Started again (a rerun of the demo): the same channels, nothing sent twice.
        graph.stop()
        zalo.stop()
        graph, zalo = start_fake_channels(said.append)
        assert ChannelLink.objects.current().count() == 2 * len(CONNECTED)
        assert Delivery.objects.count() == 2
    finally:
        graph.stop()
        zalo.stop()
    assert "connected" in said[0]
