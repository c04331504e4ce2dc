"""Intake, act and refuse through `congdong.takedown.actions`, with a fixed `now`. Messages
are asserted as people read them (Vietnamese, the site's language)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from congdong.core.errors import ActionError
from congdong.engagement.actions import comments
from congdong.engagement.models import CommentState, CommentTransition
from congdong.posts.models import PostState
from congdong.takedown import actions
from congdong.takedown.models import TakedownRequest, TakedownState
from tests.clock import vn
from tests.posts.conftest import write
from tests.takedown.conftest import BASIS, COMMENT_TEXT, RECEIVED, fields, record

pytestmark = pytest.mark.django_db
S = TakedownState


def test_the_deadline_is_24_wall_clock_hours_through_the_weekend(world):
    item = record(world.commune_mod, world.comment)
    # Received Saturday 22:00: due Sunday 22:00, not Tuesday (the law's hours are not
    # working hours); the central unit is alarmed after 48 hours.
    assert item.due_at == vn(2026, 3, 8, 22, 0)
    assert item.alarm_central_at == vn(2026, 3, 9, 22, 0)
    assert item.unit == world.kinh_bac.unit
    assert item.target_snapshot == COMMENT_TEXT
    assert item.target_url.endswith(f"#c{world.comment.pk}")
    assert list(item.transitions.values_list("from_state", "to_state", "actor")) == [
        ("", S.RECEIVED, world.commune_mod.pk)
    ]


def test_the_hours_are_configurable(world, settings):
    settings.TAKEDOWN_HOURS = 12
    item = record(world.commune_mod, world.comment)
    assert item.due_at == RECEIVED + datetime.timedelta(hours=12)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"legal_basis": "   "}, "legal_basis", "căn cứ pháp lý"),
        ({"authority": ""}, "authority", "tên cơ quan gửi yêu cầu"),
        ({"reference": ""}, "reference", "số, ký hiệu văn bản"),
        ({"target_kind": "page"}, "target_kind", "tin bài hay bình luận"),
        ({"target_id": "abc"}, "target_id", "chỉ gồm chữ số"),
        ({"target_id": 987654}, "target_id", "Không tìm thấy bình luận số 987654"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_recorded(world, change, field, words):
    with pytest.raises(ActionError) as refused:
        actions.intake(world.commune_mod, fields("comment", world.comment.pk) | change, RECEIVED)
    assert refused.value.field == field
    assert words in str(refused.value.message)
    assert TakedownRequest.objects.count() == 0


def test_a_request_cannot_be_received_in_the_future(world):
    with pytest.raises(ActionError) as refused:
        actions.intake(
            world.commune_mod,
            fields("comment", world.comment.pk, received_at=RECEIVED + datetime.timedelta(hours=1)),
            RECEIVED,
        )
    assert refused.value.field == "received_at"


@pytest.mark.parametrize("who", ["sibling_mod", "hanoi_mod"])
def test_content_of_a_unit_outside_ones_scope_is_refused(world, who):
    with pytest.raises(ActionError) as refused:
        record(getattr(world, who), world.comment)
    assert refused.value.status == 403
    assert "ngoài phạm vi các đơn vị bạn phụ trách" in str(refused.value.message)
    assert TakedownRequest.objects.count() == 0


def test_an_editor_who_does_not_moderate_cannot_record_one(world):
    with pytest.raises(ActionError):
        record(world.people["kinhbac.canbo"], world.comment)


def test_acting_hides_the_comment_through_its_own_move_and_the_visitor_no_longer_sees_it(world):
    page_url = f"/trang/{world.kinh_bac.slug}/tin/{world.post.pk}/"
    assert COMMENT_TEXT in Client().get(page_url).content.decode()
    item = record(world.people["bacninh.quantri"], world.comment)
    done = actions.act(
        world.people["bacninh.quantri"],
        item.pk,
        "Đã ẩn bình luận, báo cáo Sở TT&TT bằng văn bản.",
        now=RECEIVED + datetime.timedelta(hours=3),
    )
    assert done.state == S.ACTIONED
    world.comment.refresh_from_db()
    assert world.comment.state == CommentState.HIDDEN
    hidden = CommentTransition.objects.get(comment=world.comment, to_state=CommentState.HIDDEN)
    assert "123/STTTT-TTĐT" in hidden.reason
    assert hidden.actor == world.people["bacninh.quantri"]
    assert COMMENT_TEXT not in Client().get(page_url).content.decode()
    stored = TakedownRequest.objects.get(pk=item.pk)
    assert "Đã ẩn bình luận" in stored.action_taken and "báo cáo Sở" in stored.action_taken
    assert stored.decided_at == RECEIVED + datetime.timedelta(hours=3)
    assert stored.decided_by == world.people["bacninh.quantri"]
    assert [(t.from_state, t.to_state) for t in stored.transitions.all()] == [
        ("", S.RECEIVED),
        (S.RECEIVED, S.ACTIONED),
    ]


def test_acting_on_a_post_takes_it_off_the_page(world):
    url = f"/trang/{world.kinh_bac.slug}/tin/{world.post.pk}/"
    assert Client().get(url).status_code == 200
    item = record(world.commune_mod, world.post)
    actions.act(world.commune_mod, item.pk, "Đã ẩn tin bài theo yêu cầu.", now=RECEIVED)
    world.post.refresh_from_db()
    assert world.post.state == PostState.HIDDEN
    assert Client().get(url).status_code == 404


def test_an_already_hidden_comment_is_recorded_as_such(world):
    item = record(world.commune_mod, world.comment)
    comments.hide(world.people["bacninh.quantri"], world.comment.pk, "Vi phạm nội quy trang")
    done = actions.act(world.commune_mod, item.pk, "Kiểm tra lại: đã ẩn từ trước.", now=RECEIVED)
    assert done.state == S.ACTIONED
    assert "đã không còn hiển thị" in done.action_taken


def test_acting_needs_a_note_and_refusing_a_legal_reason(world):
    item = record(world.commune_mod, world.comment)
    with pytest.raises(ActionError) as refused:
        actions.act(world.commune_mod, item.pk, "  ", now=RECEIVED)
    assert refused.value.field == "note"
    with pytest.raises(ActionError) as refused:
        actions.refuse(world.commune_mod, item.pk, "", now=RECEIVED)
    assert refused.value.field == "reason"
    world.comment.refresh_from_db()
    assert world.comment.state == CommentState.VISIBLE
    assert TakedownRequest.objects.get(pk=item.pk).state == S.RECEIVED


def test_refusing_keeps_the_content_and_records_the_reason(world):
    item = record(world.commune_mod, world.comment)
    reason = "Nội dung là góp ý hợp pháp, không thuộc " + BASIS
    done = actions.refuse(world.province_mod, item.pk, reason, now=RECEIVED)
    assert (done.state, done.refuse_reason) == (S.REFUSED, reason)
    world.comment.refresh_from_db()
    assert world.comment.state == CommentState.VISIBLE
    assert item.transitions.last().reason == reason


def test_a_request_is_decided_once(world):
    item = record(world.commune_mod, world.comment)
    actions.act(world.commune_mod, item.pk, "Đã ẩn bình luận.", now=RECEIVED)
    with pytest.raises(ActionError) as refused:
        actions.refuse(world.province_mod, item.pk, "Không có căn cứ pháp lý", now=RECEIVED)
    assert "đã được xử lý" in str(refused.value.message)
    assert item.transitions.count() == 2


def test_a_post_never_published_is_not_taken_in(world):
    draft = write(world.people["kinhbac.canbo"], world.kinh_bac, title="Bản nháp chưa đăng")
    with pytest.raises(ActionError) as refused:
        record(world.commune_mod, draft)
    assert refused.value.field == "target_id"
    assert "chưa được đăng" in str(refused.value.message)
    assert TakedownRequest.objects.count() == 0
