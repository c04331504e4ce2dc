"""The staff inbox of what people write to a page's Facebook Page and Zalo OA: who reads it
(operators and moderators of the page's subtree, never a sibling province), the access row
each read leaves, answering as the page and hiding on Facebook — for real, on the fakes."""

from __future__ import annotations

import pytest

from congdong.listening.models import (
    ActionKind,
    ActionOutcome,
    ChannelMessage,
    ChannelMessageAccess,
    ChannelMessageAction,
    MessageState,
)
from tests.conftest import client_for
from tests.listening.conftest import FB_PAGE, OA, ZALO_HOOK, comment_in, forward

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment(channels, catcher):
    """A citizen's comment on Bắc Ninh's Facebook Page, through the webhook and the worker."""
    fake_comment, answer = comment_in(channels.graph, catcher, message="Đèn đường hỏng đã lâu")
    assert answer.status_code == 200
    return fake_comment, ChannelMessage.objects.get(external_id=fake_comment.id)


def test_the_pages_admins_and_the_editors_above_read_the_inbox(comment, personas):
    _fake, message = comment
    for login in ("bacninh.quantri", "tw.bientap", "admin"):
        answer = client_for(personas[login]).get(f"/lam-viec/trang/{message.page_id}/lang-nghe/")
        assert answer.status_code == 200, login
        assert "Đèn đường hỏng đã lâu" in answer.content.decode()
    unit = client_for(personas["bacninh.quantri"]).get(
        f"/lam-viec/don-vi/{message.page.unit_id}/lang-nghe/"
    )
    assert unit.status_code == 200 and "Đèn đường hỏng đã lâu" in unit.content.decode()


def test_a_sibling_province_never_sees_the_inbox_nor_a_message(comment, personas):
    _fake, message = comment
    for login in ("hanoi.quantri", "hanoi.kiemduyet"):
        client = client_for(personas[login])
        assert client.get(f"/lam-viec/trang/{message.page_id}/lang-nghe/").status_code == 404
        assert client.get(f"/lam-viec/don-vi/{message.page.unit_id}/lang-nghe/").status_code == 404
        sent = client.post(f"/lam-viec/lang-nghe/{message.pk}/tra-loi/", {"text": "Chào bạn"})
        assert sent.status_code == 404
        assert client.post(f"/lam-viec/lang-nghe/{message.pk}/an/").status_code == 404
    assert not ChannelMessageAction.objects.exists()
    assert not ChannelMessageAccess.objects.exists()


def test_staff_in_scope_without_the_right_are_refused_with_a_reason(comment, personas):
    _fake, message = comment
    analyst = client_for(personas["bacninh.thongke"])  # reads figures, not people's texts
    answer = analyst.get(f"/lam-viec/trang/{message.page_id}/lang-nghe/")
    assert answer.status_code == 403
    assert analyst.get(f"/lam-viec/don-vi/{message.page.unit_id}/lang-nghe/").status_code == 403
    assert not ChannelMessageAccess.objects.exists()


def test_each_reading_leaves_an_access_row_per_message_shown(channels, catcher, personas):
    comment_in(channels.graph, catcher, message="Một")
    comment_in(channels.graph, catcher, message="Hai")
    lan = personas["bacninh.quantri"]
    client = client_for(lan)
    client.get(f"/lam-viec/trang/{channels.fb.page_id}/lang-nghe/")
    rows = ChannelMessageAccess.objects.filter(user=lan)
    assert rows.count() == 2
    assert set(rows.values_list("message__text", flat=True)) == {"Một", "Hai"}
    assert all(row.ip == "127.0.0.1" for row in rows)
    client.get(f"/lam-viec/don-vi/{channels.fb.page.unit_id}/lang-nghe/?kenh=facebook")
    assert ChannelMessageAccess.objects.filter(user=lan).count() == 4


def test_an_operator_answers_a_facebook_comment_as_the_page(comment, channels, personas):
    fake_comment, message = comment
    client = client_for(personas["bacninh.quantri"])
    answer = client.post(
        f"/lam-viec/lang-nghe/{message.pk}/tra-loi/",
        {"text": "Cảm ơn bạn, chúng tôi đã báo điện lực.", "next": "/lam-viec/"},
    )
    assert answer.status_code == 302 and answer["Location"] == "/lam-viec/"
    replies = channels.graph.comments_on(fake_comment.id)
    assert [(r.message, r.from_id) for r in replies] == [
        ("Cảm ơn bạn, chúng tôi đã báo điện lực.", FB_PAGE)
    ]
    action = ChannelMessageAction.objects.get()
    assert (action.kind, action.outcome, action.external_id) == (
        ActionKind.ANSWER,
        ActionOutcome.DONE,
        replies[0].id,
    )
    page = client.get(f"/lam-viec/trang/{message.page_id}/lang-nghe/").content.decode()
    assert "Cảm ơn bạn, chúng tôi đã báo điện lực." in page


def test_an_empty_answer_is_refused_and_nothing_is_sent(comment, channels, personas):
    fake_comment, message = comment
    client = client_for(personas["bacninh.quantri"])
    answer = client.post(f"/lam-viec/lang-nghe/{message.pk}/tra-loi/", {"text": "  "}, follow=True)
    assert "Hãy viết câu trả lời trước." in answer.content.decode()
    assert channels.graph.comments_on(fake_comment.id) == []
    assert not ChannelMessageAction.objects.exists()


def test_when_facebook_refuses_the_operator_is_told_why(comment, channels, personas):
    fake_comment, message = comment
    channels.graph.fail("token_expired")
    client = client_for(personas["bacninh.quantri"])
    answer = client.post(
        f"/lam-viec/lang-nghe/{message.pk}/tra-loi/", {"text": "Xin chào"}, follow=True
    )
    text = answer.content.decode()
    assert "hết hạn" in text and "kết nối lại" in text
    assert channels.graph.comments_on(fake_comment.id) == []
    failed = ChannelMessageAction.objects.get()
    assert failed.outcome == ActionOutcome.FAILED and "TokenExpired" in failed.error
    # The page's token moves as a check would: the health view says so, the admins are told.
    from congdong.channels.models import ChannelToken, TokenState

    assert ChannelToken.objects.get(link=message.link).state == TokenState.EXPIRED


def test_an_operator_answers_a_zalo_message_with_a_consultation_message(
    channels, catcher, personas
):
    channels.zalo.send_user_text(OA, to_url=catcher.url, user_id="8400001", text="Cho hỏi")
    forward(catcher.last(), ZALO_HOOK)
    from congdong.listening.actions import process_pending

    process_pending()
    message = ChannelMessage.objects.get()
    client = client_for(personas["bacninh.quantri"])
    client.post(f"/lam-viec/lang-nghe/{message.pk}/tra-loi/", {"text": "Xin trả lời bạn"})
    sent = channels.zalo.messages
    assert [(m.user_id, m.text) for m in sent] == [("8400001", "Xin trả lời bạn")]
    assert ChannelMessageAction.objects.get().outcome == ActionOutcome.DONE


def test_a_moderator_hides_a_comment_on_facebook_and_shows_it_again(comment, channels, personas):
    fake_comment, message = comment
    client = client_for(personas["bacninh.quantri"])  # unit admin: moderates too
    client.post(f"/lam-viec/lang-nghe/{message.pk}/an/")
    assert channels.graph.comments[fake_comment.id].is_hidden is True
    message.refresh_from_db()
    assert message.state == MessageState.HIDDEN
    client.post(f"/lam-viec/lang-nghe/{message.pk}/an/", {"an": "0"})
    assert channels.graph.comments[fake_comment.id].is_hidden is False
    message.refresh_from_db()
    assert message.state == MessageState.VISIBLE
    kinds = list(ChannelMessageAction.objects.values_list("kind", "outcome"))
    assert kinds == [(ActionKind.HIDE, ActionOutcome.DONE), (ActionKind.SHOW, ActionOutcome.DONE)]


def test_an_editor_who_does_not_moderate_cannot_hide(comment, channels, personas):
    fake_comment, message = comment
    answer = client_for(personas["tw.bientap"]).post(f"/lam-viec/lang-nghe/{message.pk}/an/")
    assert answer.status_code == 403
    assert channels.graph.comments[fake_comment.id].is_hidden is False
    message.refresh_from_db()
    assert message.state == MessageState.VISIBLE


def test_the_subtree_inbox_costs_the_same_queries_for_one_page_or_many(channels, catcher, personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from congdong.listening.actions import process_pending
    from congdong.pages.actions import do_establish_many
    from congdong.pages.models import Page
    from congdong.units.models import Level, Unit
    from tests.listening.conftest import linked

    province = channels.fb.page.unit
    client = client_for(personas["bacninh.quantri"])
    comment_in(channels.graph, catcher)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/lam-viec/don-vi/{province.pk}/lang-nghe/").status_code == 200
        return len(queries)

    one = count()
    communes = list(Unit.objects.in_subtree(province).filter(level=Level.COMMUNE)[:4])
    do_establish_many(communes, opened_at=timezone.now())
    for n, unit in enumerate(communes):
        page_id = str(3000 + n)
        channels.graph.add_page(page_id, unit.name, admins=["9001"])
        linked(Page.objects.get(unit=unit), external_id=page_id)
        channels.graph.send_feed_comment(page_id, to_url=catcher.url)
        forward(catcher.last(), "/webhook/facebook/")
    process_pending()
    assert ChannelMessage.objects.values("page").distinct().count() == 5
    assert count() == one
