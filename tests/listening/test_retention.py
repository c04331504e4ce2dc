"""What people write to the linked Pages and OAs is personal data with a keeping time: past
`CHANNEL_MESSAGES_RETENTION_DAYS` the daily job erases each message's text and author and
deletes the webhook bodies; the audit trail (reads, answers) stays, pointing at the erased row."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from congdong.core.errors import ActionError
from congdong.insights import topics
from congdong.insights.figures import Period
from congdong.listening import actions
from congdong.listening.models import (
    ChannelMessage,
    ChannelMessageAccess,
    EventState,
    WebhookEvent,
)
from congdong.worker.jobs import JOBS
from tests.conftest import client_for
from tests.listening.conftest import OA, ZALO_HOOK, comment_in, forward

pytestmark = pytest.mark.django_db

OLD_TEXT = "Rác thải bốc mùi gây ô nhiễm nguồn nước của xóm"
NEW_TEXT = "Đèn đường ngõ 5 hỏng đã lâu"


def age(message: ChannelMessage, days: int) -> None:
    at = timezone.now() - datetime.timedelta(days=days)
    ChannelMessage.objects.filter(pk=message.pk).update(sent_at=at)
    if message.event_id:
        WebhookEvent.objects.filter(pk=message.event_id).update(received_at=at)


@pytest.fixture
def messages(channels, catcher, settings, personas):
    """An old comment (400 days) read and answered by the page's admin, an old Zalo message,
    and a fresh comment; the keeping time is 365 days."""
    settings.CHANNEL_MESSAGES_RETENTION_DAYS = 365
    old_fb, _answer = comment_in(channels.graph, catcher, message=OLD_TEXT, from_id="111")
    channels.zalo.send_user_text(OA, to_url=catcher.url, user_id="222", text=OLD_TEXT)
    forward(catcher.last(), ZALO_HOOK)
    actions.process_pending()
    new_fb, _answer = comment_in(channels.graph, catcher, message=NEW_TEXT, from_id="333")
    old = ChannelMessage.objects.get(external_id=old_fb.id)
    old_zalo = ChannelMessage.objects.get(platform="zalo")
    admin = personas["bacninh.quantri"]
    page = client_for(admin).get(f"/lam-viec/trang/{old.page_id}/lang-nghe/")
    assert OLD_TEXT in page.content.decode()
    actions.answer(admin, old.pk, "Cảm ơn bác, đã báo công ty môi trường.")
    age(old, 400)
    age(old_zalo, 400)
    return old, old_zalo, ChannelMessage.objects.get(external_id=new_fb.id)


def test_messages_past_their_keeping_time_are_erased_and_the_trail_kept(messages):
    old, old_zalo, new = messages
    accesses = ChannelMessageAccess.objects.filter(message=old).count()
    assert accesses >= 1

    assert actions.erase_old_messages() == 2

    for message in (old, old_zalo):
        message.refresh_from_db()
        assert (message.text, message.author_name, message.author_id) == ("", "", "")
        assert message.erased_at is not None
    new.refresh_from_db()
    assert new.text == NEW_TEXT and new.author_id == "333" and new.erased_at is None
    # The reads and the answer still point at the (erased) message.
    assert ChannelMessageAccess.objects.filter(message=old).count() == accesses
    assert old.actions.count() == 1
    # The webhook bodies holding the old texts are gone; the fresh one's stays.
    bodies = list(WebhookEvent.objects.values_list("body", flat=True))
    assert bodies and all(OLD_TEXT not in body for body in bodies)
    # Run again: nothing more to erase.
    assert actions.erase_old_messages() == 0


def test_an_erased_message_leaves_the_inbox_and_the_keywords(messages, personas, settings):
    old, _old_zalo, _new = messages
    settings.OPINION_MIN_SENDERS = 1
    actions.erase_old_messages()
    admin = personas["bacninh.quantri"]
    page = client_for(admin).get(f"/lam-viec/trang/{old.page_id}/lang-nghe/").content.decode()
    assert NEW_TEXT in page and OLD_TEXT not in page
    with pytest.raises(ActionError):
        actions.answer(admin, old.pk, "Trả lời muộn")
    found = topics.keywords(old.page.unit, Period.last(500, timezone.localdate()))
    assert found.channel_total == 1  # the fresh comment only
    assert "rác thải" not in {k.word for k in found.keywords}


def test_a_late_edit_does_not_bring_an_erased_text_back(messages, channels, catcher):
    old, _old_zalo, _new = messages
    actions.erase_old_messages()
    channels.graph.send_feed_comment(
        channels.fb.external_id,
        to_url=catcher.url,
        message=OLD_TEXT,
        verb="edited",
        comment_id=old.external_id,
        post_id=old.post_id,
        from_id="111",
    )
    forward(catcher.last(), "/webhook/facebook/")
    actions.process_pending()
    old.refresh_from_db()
    assert old.text == ""


def test_failed_webhook_bodies_are_deleted_past_the_keeping_time(messages):
    old, _old_zalo, _new = messages
    WebhookEvent.objects.filter(pk=old.event_id).update(state=EventState.FAILED)
    actions.erase_old_messages()
    assert not WebhookEvent.objects.filter(pk=old.event_id).exists()


def test_the_erasure_runs_daily_in_the_worker():
    [job] = [job for job in JOBS if job.name == "prune-channel-messages"]
    assert job.every == 86_400
    assert job.callable()() == 0
