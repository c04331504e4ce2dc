"""The platforms' webhooks: Facebook's challenge, signatures (good, wrong, missing), replays,
idempotency, and the worker turning stored calls into the inbox's messages. The calls are
what the fake platforms put on the wire (caught, then posted to congdong)."""

from __future__ import annotations

import json
import time

import pytest
from django.test import Client

from congdong.channels.signatures import facebook_signature
from congdong.listening.models import (
    ChannelMessage,
    EventState,
    MessageState,
    WebhookEvent,
    WebhookRefusal,
)
from congdong.worker.jobs import JOBS
from congdong.worker.loop import run_job
from tests.listening.conftest import (
    FB_HOOK,
    FB_PAGE,
    OA,
    OA_SECRET,
    VERIFY_TOKEN,
    ZALO_HOOK,
    comment_in,
    forward,
    zalo_text,
)

pytestmark = pytest.mark.django_db


def refused(reason: str) -> int:
    return sum(WebhookRefusal.objects.filter(reason=reason).values_list("count", flat=True))


def assert_kept_and_ignored(catcher, hook: str, why: str) -> None:
    """The call the fake sent is taken (200) and stored; the worker ignores it, saying `why`,
    and no message comes of it."""
    from congdong.listening.actions import process_pending

    assert forward(catcher.last(), hook).status_code == 200
    process_pending()
    event = WebhookEvent.objects.get()
    assert event.state == EventState.IGNORED and why in event.note
    assert not ChannelMessage.objects.exists()


def assert_refused_once(reason: str) -> None:
    """Nothing was stored, and the refusal was counted once under `reason`."""
    assert not WebhookEvent.objects.exists()
    assert refused(reason) == 1


# ---------------------------------------------------------------------------- Facebook


def test_facebook_subscription_check_echoes_the_challenge_only_with_our_token(hooks):
    client = Client()
    good = client.get(
        FB_HOOK, {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "42"}
    )
    assert (good.status_code, good.content) == (200, b"42")
    wrong = client.get(
        FB_HOOK, {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "42"}
    )
    assert wrong.status_code == 403 and b"42" not in wrong.content
    assert client.get(FB_HOOK, {"hub.challenge": "42"}).status_code == 403


def test_facebook_subscription_check_is_refused_while_no_verify_token_is_set(hooks, settings):
    settings.FACEBOOK_VERIFY_TOKEN = ""
    answer = Client().get(
        FB_HOOK, {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"}
    )
    assert answer.status_code == 403


def test_a_signed_comment_is_stored_at_once_and_becomes_a_message_in_the_worker(channels, catcher):
    fb, fake = channels.fb, channels.graph
    comment, _ = fake.send_feed_comment(
        FB_PAGE, to_url=catcher.url, message="Đường làng bị ngập", from_name="Trần Văn Bình"
    )
    answer = forward(catcher.last(), FB_HOOK)
    assert answer.status_code == 200
    # Stored as it came, no message yet: the worker does that.
    event = WebhookEvent.objects.get()
    assert (event.state, event.external_id) == (EventState.PENDING, FB_PAGE)
    assert json.loads(event.body)["entry"][0]["changes"][0]["value"]["comment_id"] == comment.id
    assert not ChannelMessage.objects.exists()

    job = next(j for j in JOBS if j.name == "process-channel-events")
    outcome = run_job(job)
    assert outcome.result == 1 and not outcome.error
    message = ChannelMessage.objects.get()
    assert (message.page_id, message.link_id) == (fb.page_id, fb.pk)
    assert (message.external_id, message.author_name, message.text) == (
        comment.id,
        "Trần Văn Bình",
        "Đường làng bị ngập",
    )
    assert message.author_id == "555000111" and message.post_id == comment.object_id
    assert WebhookEvent.objects.get().state == EventState.DONE


def test_a_call_without_signature_is_refused_and_counted(channels, catcher):
    channels.graph.send_feed_comment(FB_PAGE, to_url=catcher.url)
    caught = catcher.last()
    answer = Client().post(FB_HOOK, data=caught.body, content_type="application/json")
    assert answer.status_code == 403
    assert_refused_once("unsigned")


def test_a_call_signed_with_another_secret_is_refused_and_counted(channels, catcher):
    fake = channels.graph
    fake.send_feed_comment(FB_PAGE, to_url=catcher.url, secret="not-the-app-secret")
    assert forward(catcher.last(), FB_HOOK).status_code == 403
    assert_refused_once("bad_signature")


def test_a_changed_body_no_longer_matches_its_signature(channels, catcher):
    fake = channels.graph
    fake.send_feed_comment(FB_PAGE, to_url=catcher.url, message="Cảm ơn")
    caught = catcher.last()
    caught.body = caught.body.replace("Cảm ơn".encode(), "Lừa đảo".encode())
    assert forward(caught, FB_HOOK).status_code == 403
    assert not WebhookEvent.objects.exists()


def test_the_same_event_twice_makes_one_message(channels, catcher):
    fake = channels.graph
    fake.send_feed_comment(FB_PAGE, to_url=catcher.url)
    first = forward(catcher.last(), FB_HOOK)
    again = forward(catcher.last(), FB_HOOK)  # Facebook retrying a delivery
    assert first.status_code == again.status_code == 200
    from congdong.listening.actions import process_pending

    process_pending()
    assert WebhookEvent.objects.count() == 1
    assert ChannelMessage.objects.count() == 1
    assert refused("duplicate") == 1


def test_an_old_event_is_a_replay_ignored_with_200_and_counted(channels, settings):
    body = json.dumps(
        {
            "object": "page",
            "entry": [
                {
                    "id": FB_PAGE,
                    "time": int(time.time()) - 3 * 86400,
                    "changes": [
                        {
                            "field": "feed",
                            "value": {
                                "item": "comment",
                                "verb": "add",
                                "comment_id": "1_2",
                                "post_id": f"{FB_PAGE}_1",
                                "from": {"id": "7", "name": "X"},
                                "message": "cũ",
                                "created_time": int(time.time()) - 3 * 86400,
                            },
                        }
                    ],
                }
            ],
        }
    ).encode()
    answer = Client().post(
        FB_HOOK,
        data=body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=facebook_signature(settings.FACEBOOK_APP_SECRET, body),
    )
    # 200 so that the platform stops retrying; nothing stored.
    assert answer.status_code == 200
    assert_refused_once("stale")


def test_a_comment_on_a_page_no_longer_linked_is_ignored_by_the_worker(channels, catcher):
    fake = channels.graph
    fake.add_page("2002", "Someone else's Page")
    fake.send_feed_comment("2002", to_url=catcher.url)
    assert_kept_and_ignored(catcher, FB_HOOK, "2002")


def test_a_comment_removed_by_its_author_leaves_the_inbox(channels, catcher):
    fake = channels.graph
    comment, _ = comment_in(fake, catcher)
    fake.send_feed_comment(
        FB_PAGE, to_url=catcher.url, post_id=comment.object_id, verb="remove"
    )  # the fake makes a new id: rewrite it to the first comment's, re-signed
    body = json.loads(catcher.last().body)
    body["entry"][0]["changes"][0]["value"]["comment_id"] = comment.id
    raw = json.dumps(body).encode()
    from django.conf import settings

    Client().post(
        FB_HOOK,
        data=raw,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=facebook_signature(settings.FACEBOOK_APP_SECRET, raw),
    )
    from congdong.listening.actions import process_pending

    process_pending()
    assert ChannelMessage.objects.get(external_id=comment.id).state == MessageState.REMOVED


# -------------------------------------------------------------------------------- Zalo


def test_a_signed_zalo_message_becomes_a_message_of_the_page(channels, catcher):
    oa, fake = channels.oa, channels.zalo
    event, _ = fake.send_user_text(OA, to_url=catcher.url, user_id="8400001", text="Xin hỏi")
    assert forward(catcher.last(), ZALO_HOOK).status_code == 200
    from congdong.listening.actions import process_pending

    assert process_pending() == 1
    message = ChannelMessage.objects.get()
    assert (message.platform, message.page_id, message.link_id) == ("zalo", oa.page_id, oa.pk)
    assert (message.author_id, message.text) == ("8400001", "Xin hỏi")
    assert message.external_id == event["message"]["msg_id"]


def test_zalo_calls_unsigned_or_signed_with_another_secret_are_refused(channels, catcher):
    fake = channels.zalo
    fake.send_user_text(OA, to_url=catcher.url, secret="another-oa-secret")
    assert forward(catcher.last(), ZALO_HOOK).status_code == 403
    answer = Client().post(ZALO_HOOK, data=catcher.last().body, content_type="application/json")
    assert answer.status_code == 403
    assert not WebhookEvent.objects.exists()
    assert (refused("bad_signature"), refused("unsigned")) == (1, 1)


def test_a_zalo_message_delivered_twice_is_stored_once(channels, catcher):
    fake = channels.zalo
    fake.send_user_text(OA, to_url=catcher.url, msg_id="abc123")
    assert forward(catcher.last(), ZALO_HOOK).status_code == 200
    assert forward(catcher.last(), ZALO_HOOK).status_code == 200
    assert WebhookEvent.objects.count() == 1
    assert refused("duplicate") == 1


def test_a_zalo_event_with_an_old_timestamp_is_a_replay(channels):
    body, signature = zalo_text(OA_SECRET, text="cũ", msg_id="old-1", at=time.time() - 6 * 3600)
    answer = Client().post(
        ZALO_HOOK, data=body, content_type="application/json", HTTP_X_ZEVENT_SIGNATURE=signature
    )
    assert answer.status_code == 200
    assert_refused_once("stale")


def test_follow_events_are_kept_and_left_for_later(channels, catcher):
    channels.zalo.send_follow(OA, to_url=catcher.url, user_id="8400009")
    assert_kept_and_ignored(catcher, ZALO_HOOK, "follow")


def test_the_webhooks_need_no_csrf_token_and_open_no_session(channels, catcher):
    fake = channels.zalo
    fake.send_user_text(OA, to_url=catcher.url)
    client = Client(enforce_csrf_checks=True)
    answer = forward(catcher.last(), ZALO_HOOK, client)
    assert answer.status_code == 200
    assert "sessionid" not in answer.cookies and "csrftoken" not in answer.cookies


# ---------------------------------------------------------------------- the counter shown


def test_refusals_show_in_the_health_view_and_the_cli(channels, catcher, personas):
    from io import StringIO

    from django.core.management import call_command

    from tests.conftest import client_for

    fake = channels.graph
    fake.send_feed_comment(FB_PAGE, to_url=catcher.url, secret="wrong")
    forward(catcher.last(), FB_HOOK)
    forward(catcher.last(), FB_HOOK)
    page = client_for(personas["bacninh.quantri"]).get(
        f"/lam-viec/don-vi/{channels.fb.page.unit_id}/kenh/"
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="health-notes"' in text and ": 2" in text
    out = StringIO()
    call_command("channels", "check", stdout=out)
    assert "Facebook" in out.getvalue() and ": 2" in out.getvalue()


def test_processed_bodies_are_pruned_after_their_keeping_time_messages_stay(channels, catcher):
    import datetime

    from django.utils import timezone

    from congdong.listening.actions import KEEP_EVENTS_DAYS, prune_events

    comment_in(channels.graph, catcher)
    later = timezone.now() + datetime.timedelta(days=KEEP_EVENTS_DAYS + 1)
    assert prune_events(now=timezone.now()) == 0
    assert prune_events(now=later) == 1
    assert not WebhookEvent.objects.exists()
    assert ChannelMessage.objects.count() == 1
