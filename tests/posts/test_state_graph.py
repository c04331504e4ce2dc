"""The post state graph: allowed moves work and are recorded; forbidden ones change nothing."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.utils import timezone

from congdong.core.errors import ActionError
from congdong.posts import actions
from congdong.posts.models import POST_STATES, Post, PostState, PostTransition
from tests.posts.conftest import approved, moves, submitted, write

pytestmark = pytest.mark.django_db
S = PostState


def assert_all_refused(post: Post, state: str, *attempts: Callable[[], object]) -> None:
    """Every attempt is refused, and `post` is still in `state`."""
    for attempt in attempts:
        with pytest.raises(ActionError):
            attempt()
    assert Post.objects.get(pk=post.pk).state == state


def test_the_graph_is_the_one_the_issue_declares():
    declared = {(a, b) for a, targets in POST_STATES.moves.items() for b in targets}
    assert declared == {
        (S.DRAFT, S.SUBMITTED),
        (S.SUBMITTED, S.APPROVED),
        (S.SUBMITTED, S.REJECTED),
        (S.REJECTED, S.DRAFT),
        (S.APPROVED, S.SCHEDULED),
        (S.APPROVED, S.PUBLISHED),
        (S.SCHEDULED, S.PUBLISHED),
        (S.PUBLISHED, S.HIDDEN),
        (S.PUBLISHED, S.ARCHIVED),
        (S.HIDDEN, S.PUBLISHED),
    }
    assert POST_STATES.needs_reason == {(S.SUBMITTED, S.REJECTED), (S.PUBLISHED, S.HIDDEN)}
    assert not POST_STATES.allowed_for_person(S.SCHEDULED, S.PUBLISHED)


def test_a_post_goes_from_draft_through_rejection_to_archive_and_every_move_is_a_row(
    personas, pages, commune_approver
):
    editor = personas["kinhbac.canbo"]
    post = write(editor, pages.kinh_bac)
    assert post.state == S.DRAFT and post.author == editor
    actions.submit(editor, post.pk)
    actions.reject(commune_approver, post.pk, "Thiếu thời gian, địa điểm cụ thể")
    revised = {
        "category": "hoat-dong-mat-tran",
        "title": "Ra quân sáng Chủ nhật 7/12",
        "body": "<p>Tại khu dân cư số 3, 7 giờ sáng.</p>",
    }
    post = actions.edit_draft(editor, post.pk, revised)
    assert post.state == S.DRAFT and post.title == "Ra quân sáng Chủ nhật 7/12"
    actions.submit(editor, post.pk)
    actions.approve(commune_approver, post.pk)
    post = actions.publish_or_schedule(editor, post.pk)
    assert post.state == S.PUBLISHED and post.published_at is not None
    actions.hide(editor, post.pk, "Đang xác minh lại số liệu")
    actions.unhide(editor, post.pk)
    post = actions.archive(editor, post.pk)

    assert post.state == S.ARCHIVED
    assert moves(post) == [
        ("", S.DRAFT),
        (S.DRAFT, S.SUBMITTED),
        (S.SUBMITTED, S.REJECTED),
        (S.REJECTED, S.DRAFT),
        (S.DRAFT, S.SUBMITTED),
        (S.SUBMITTED, S.APPROVED),
        (S.APPROVED, S.PUBLISHED),
        (S.PUBLISHED, S.HIDDEN),
        (S.HIDDEN, S.PUBLISHED),
        (S.PUBLISHED, S.ARCHIVED),
    ]
    rows = list(post.transitions.order_by("at", "pk"))
    assert rows[2].actor == commune_approver
    assert rows[2].reason == "Thiếu thời gian, địa điểm cụ thể"
    assert rows[7].reason == "Đang xác minh lại số liệu"
    assert {row.actor for row in rows} == {editor, commune_approver}


def test_an_approved_post_with_a_future_time_is_scheduled(personas, pages, commune_approver):
    editor = personas["kinhbac.canbo"]
    post = approved(editor, commune_approver, pages.kinh_bac)
    at = timezone.now() + datetime.timedelta(hours=3)
    post = actions.publish_or_schedule(editor, post.pk, publish_at=at)
    assert (post.state, post.publish_at, post.published_at) == (S.SCHEDULED, at, None)
    assert moves(post)[-1] == (S.APPROVED, S.SCHEDULED)


def test_an_approved_post_with_a_past_time_is_published_now(personas, pages, commune_approver):
    editor = personas["kinhbac.canbo"]
    post = approved(editor, commune_approver, pages.kinh_bac)
    before = timezone.now()
    post = actions.publish_or_schedule(editor, post.pk, publish_at=before - datetime.timedelta(1))
    assert post.state == S.PUBLISHED and post.published_at >= before


def test_nobody_publishes_a_scheduled_post_by_hand(personas, pages, commune_approver):
    editor = personas["kinhbac.canbo"]
    post = approved(editor, commune_approver, pages.kinh_bac)
    at = timezone.now() + datetime.timedelta(hours=3)
    actions.publish_or_schedule(editor, post.pk, publish_at=at)
    assert_all_refused(
        post,
        S.SCHEDULED,
        lambda: actions.unhide(personas["tw.bientap"], post.pk),
        lambda: actions.publish_or_schedule(editor, post.pk),
    )


def test_a_naive_publishing_time_is_refused(personas, pages, commune_approver):
    editor = personas["kinhbac.canbo"]
    post = approved(editor, commune_approver, pages.kinh_bac)
    with pytest.raises(ActionError) as error:
        actions.publish_or_schedule(editor, post.pk, publish_at=datetime.datetime(2030, 1, 1, 8))
    assert error.value.field == "publish_at"
    assert Post.objects.get(pk=post.pk).state == S.APPROVED


@pytest.mark.parametrize(
    ("state_after", "attempt"),
    [
        (S.DRAFT, lambda e, a, p: actions.approve(a, p)),  # draft → approved
        (S.DRAFT, lambda e, a, p: actions.publish_or_schedule(e, p)),  # draft → published
        (S.DRAFT, lambda e, a, p: actions.archive(e, p)),  # draft → archived
    ],
)
def test_a_draft_cannot_skip_submission(personas, pages, commune_approver, state_after, attempt):
    editor = personas["kinhbac.canbo"]
    post = write(editor, pages.kinh_bac)
    with pytest.raises(ActionError):
        attempt(editor, commune_approver, post.pk)
    assert Post.objects.get(pk=post.pk).state == state_after
    assert moves(post) == [("", S.DRAFT)]


def test_a_submitted_post_is_not_published_nor_edited_nor_submitted_again(
    personas, pages, commune_approver
):
    editor = personas["kinhbac.canbo"]
    post = submitted(editor, pages.kinh_bac)
    assert_all_refused(
        post,
        S.SUBMITTED,
        lambda: actions.publish_or_schedule(editor, post.pk),
        lambda: actions.submit(editor, post.pk),
        lambda: actions.hide(editor, post.pk, "Không phù hợp nữa"),
        lambda: actions.edit_draft(
            editor, post.pk, {"category": "hoat-dong-mat-tran", "title": "X"}
        ),
    )


def test_an_archived_post_stays_archived(personas, pages, commune_approver):
    editor = personas["kinhbac.canbo"]
    post = approved(editor, commune_approver, pages.kinh_bac)
    actions.publish_or_schedule(editor, post.pk)
    actions.archive(editor, post.pk)
    assert_all_refused(
        post,
        S.ARCHIVED,
        lambda: actions.unhide(editor, post.pk),
        lambda: actions.hide(editor, post.pk, "Ẩn bài cũ đi"),
        lambda: actions.submit(editor, post.pk),
    )


@pytest.mark.parametrize("reason", ["", "   ", "sai"])
def test_rejecting_needs_a_reason_of_five_characters(personas, pages, commune_approver, reason):
    editor = personas["kinhbac.canbo"]
    post = submitted(editor, pages.kinh_bac)
    with pytest.raises(ActionError) as error:
        actions.reject(commune_approver, post.pk, reason)
    assert error.value.field == "reason"
    assert Post.objects.get(pk=post.pk).state == S.SUBMITTED
    assert not PostTransition.objects.filter(post=post, to_state=S.REJECTED).exists()


def test_hiding_needs_a_reason(personas, pages, commune_approver):
    editor = personas["kinhbac.canbo"]
    post = approved(editor, commune_approver, pages.kinh_bac)
    actions.publish_or_schedule(editor, post.pk)
    with pytest.raises(ActionError) as error:
        actions.hide(editor, post.pk, "")
    assert error.value.field == "reason"
    assert Post.objects.get(pk=post.pk).state == S.PUBLISHED


def test_a_stale_move_is_refused_when_someone_moved_the_post_first(
    personas, pages, commune_approver
):
    editor = personas["kinhbac.canbo"]
    post = submitted(editor, pages.kinh_bac)
    # Two approvers load the post; the first approves, the second's rejection must not land.
    stale = actions.check_move(Post.objects.get(pk=post.pk), S.REJECTED, "Chưa đạt yêu cầu")
    actions.approve(commune_approver, post.pk)
    with pytest.raises(ActionError):
        actions.do_move(commune_approver, stale)
    assert Post.objects.get(pk=post.pk).state == S.APPROVED
    assert moves(post)[-1] == (S.SUBMITTED, S.APPROVED)
