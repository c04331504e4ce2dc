"""The demo connects a handful of pages to fake platforms it runs itself and queues their
newest post there; the worker delivers them."""

from __future__ import annotations

from congdong.channels.models import ChannelLink
from congdong.demo.channels import CONNECTED, start_fake_channels
from congdong.insights.models import DayCount
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
        # The fake Page also holds the weeks of posts seeded for its figures.
        sent = [p for p in graph.posts("100000024") if "tin ngày" not in p.message]
        assert len(sent) == 1
        # Its figures are imported beside congdong's, per source.
        assert DayCount.objects.filter(source="facebook").exists()
        assert DayCount.objects.filter(source="zalo").exists()
        figures_before = list(DayCount.objects.exclude(source="site").order_by("pk").values())
        assert len(zalo.broadcasts("4000000024")) == 1
        # Started again (a rerun of the demo): the same channels, nothing sent twice.
        graph.stop()
        zalo.stop()
        graph, zalo = start_fake_channels(said.append)
        assert ChannelLink.objects.current().count() == 2 * len(CONNECTED)
        assert Delivery.objects.count() == 2
        # …and no figure is imported twice.
        assert list(DayCount.objects.exclude(source="site").order_by("pk").values()) == (
            figures_before
        )
    finally:
        graph.stop()
        zalo.stop()
    assert "connected" in said[0]
