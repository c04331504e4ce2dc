"""The demo connects a handful of pages to fake platforms it runs itself and queues their
newest post there; the worker delivers them. Citizens' comments and messages reach the demo
inbox through the real webhooks, signed as the platforms sign."""

from __future__ import annotations

from congdong.channels.models import ChannelLink
from congdong.insights.models import DayCount
from congdong.listening.actions import answer, process_pending
from congdong.listening.models import ChannelMessage, WebhookRefusal
from congdong.posts.actions import publish_or_schedule
from congdong.syndication.models import Delivery
from congdong_tools.demo.channels import (
    CONNECTED,
    TALKS,
    converse_when_up,
    seed_conversations,
    start_fake_channels,
)
from tests.listening.conftest import Catcher, forward
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


def test_the_demo_inbox_gets_citizens_comments_and_messages_through_the_webhooks(
    personas, tree, settings
):
    settings.ZALO_OA_SECRET = "restored after the test"  # the demo sets its own
    said: list[str] = []
    catcher = Catcher()
    graph, zalo = start_fake_channels(said.append)
    try:
        talks = seed_conversations(graph, zalo)
        assert len(talks) == len(TALKS)
        # As `congdong demo` does: a thread waits for the server to answer, then sends.
        converse_when_up(graph, zalo, talks, catcher.url.rstrip("/")).join(timeout=30)
        assert len(catcher.caught) == len(TALKS)
        # What the fakes put on the wire, signed, reaches congdong's real webhooks.
        for caught in catcher.caught:
            hook = (
                "/webhook/zalo/"
                if "x-zevent-signature" in map(str.lower, caught.headers)
                else "/webhook/facebook/"
            )
            assert forward(caught, hook).status_code == 200
        process_pending()
        messages = ChannelMessage.objects.all()
        assert messages.count() == len(TALKS)
        assert {m.platform for m in messages} == {"facebook", "zalo"}
        bac_ninh = messages.filter(page=tree.bac_ninh)
        assert bac_ninh.count() == 3 and all(m.text for m in bac_ninh)
        assert WebhookRefusal.objects.count() == 0

        # An operator answers a comment and a message as the page.
        admin = personas["bacninh.quantri"]
        comment = bac_ninh.get(platform="facebook", author_name="Nguyễn Thị Hoa")
        answer(admin, comment.pk, "Cảm ơn chị, Mặt trận tỉnh đã chuyển ý kiến tới Sở Xây dựng.")
        assert graph.comments_on(comment.external_id)[0].from_id == "100000024"
        message = bac_ninh.get(platform="zalo")
        answer(admin, message.pk, "Mặt trận tỉnh đã báo điện lực, cảm ơn bác.")

        # Started again (a rerun): nothing is sent twice, and the old ones can still be answered.
        graph.stop()
        zalo.stop()
        graph, zalo = start_fake_channels(said.append)
        assert seed_conversations(graph, zalo) == []
        answer(admin, comment.pk, "Sở đã hẹn lịch sửa đường.")
        answer(admin, message.pk, "Điện đã có lại chưa bác?")
        assert ChannelMessage.objects.count() == len(TALKS)
    finally:
        catcher.stop()
        graph.stop()
        zalo.stop()
