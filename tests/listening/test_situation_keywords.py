"""What people write to the linked Facebook Pages and Zalo OAs feeds the people's situation
keywords, under the same aggregate-only rule as feedback: a word shows only when at least k
different people wrote it (each author known by their platform id)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from congdong.insights import topics
from congdong.insights.figures import Period
from congdong.listening.actions import process_pending
from tests.conftest import client_for
from tests.listening.conftest import FB_HOOK, FB_PAGE, OA, ZALO_HOOK, forward

pytestmark = pytest.mark.django_db

TEXT = "Rác thải bốc mùi gây ô nhiễm nguồn nước của xóm"


def _comment(channels, catcher, author: str) -> None:
    channels.graph.send_feed_comment(
        FB_PAGE, to_url=catcher.url, message=TEXT, from_id=author, from_name=f"Người {author}"
    )
    assert forward(catcher.last(), FB_HOOK).status_code == 200


def test_channel_texts_count_only_once_k_different_people_wrote_a_word(channels, catcher, settings):
    settings.OPINION_MIN_SENDERS = 3
    period = Period.last(7, timezone.localdate())
    unit = channels.fb.page.unit
    _comment(channels, catcher, "111")
    _comment(channels, catcher, "111")  # the same person twice is still one person
    channels.zalo.send_user_text(OA, to_url=catcher.url, user_id="222", text=TEXT)
    forward(catcher.last(), ZALO_HOOK)
    process_pending()

    found = topics.keywords(unit, period)
    assert "rác thải" not in {k.word for k in found.keywords}
    assert found.channel_read == "< 3" and found.channel_total == "< 3"

    _comment(channels, catcher, "333")
    process_pending()
    found = topics.keywords(unit, period)
    by_word = {k.word: k.items for k in found.keywords}
    assert by_word["rác thải"] == 4 and by_word["ô nhiễm"] == 4
    assert (found.channel_read, found.channel_total) == (4, 4)
    assert "Facebook" in found.note


def test_a_facebook_id_and_a_zalo_id_alike_are_two_people(channels, catcher, settings):
    settings.OPINION_MIN_SENDERS = 2
    period = Period.last(7, timezone.localdate())
    _comment(channels, catcher, "777")
    channels.zalo.send_user_text(OA, to_url=catcher.url, user_id="777", text=TEXT)
    forward(catcher.last(), ZALO_HOOK)
    process_pending()
    found = topics.keywords(channels.fb.page.unit, period)
    assert "rác thải" in {k.word for k in found.keywords}


def test_the_situation_api_reports_channel_texts_read_as_aggregates(
    channels, catcher, settings, personas
):
    settings.OPINION_MIN_SENDERS = 2
    _comment(channels, catcher, "111")
    process_pending()
    unit = channels.fb.page.unit
    answer = client_for(personas["bacninh.thongke"]).get(
        f"/api/v1/feedback/situation/{unit.pk}/keywords"
    )
    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert (data["channel_read"], data["channel_total"]) == ("< 2", "< 2")
    assert TEXT not in answer.content.decode()
