"""Delete my account: the page says what is erased and what is kept; a confirmed deletion
de-identifies the account through one write path, keeps what the law requires, and signs the
citizen out."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from congdong.accounts.models import ApiToken, User
from congdong.accounts.tokens import do_issue_token
from congdong.engagement.models import (
    Comment,
    CommentState,
    Follow,
    PageCounter,
    Reaction,
    ReferralCode,
    Share,
)
from congdong.feedback.models import Feedback
from congdong.moderation import actions as moderation_actions
from congdong.moderation.models import Case, Lock, LockKind, Strike
from congdong.privacy import actions
from congdong.privacy.models import ConsentRecord, DataRequest, RequestKind
from tests.conftest import client_for
from tests.posts.conftest import grant
from tests.privacy.conftest import AN_FEEDBACK, BINH_COMMENT

DELETE = "/cong-dan/du-lieu-ca-nhan/xoa-tai-khoan/"
CONFIRM = {"understood": "on", "word": "xóa"}


@pytest.mark.django_db
def test_the_page_says_what_is_erased_and_what_is_kept(world):
    page = client_for(world.an).get(DELETE).content.decode()
    assert 'id="erased"' in page and 'id="kept"' in page
    assert 'name="understood"' in page and 'name="word"' in page


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"word": "xóa"}, "understood"), ({"understood": "on", "word": "xin"}, "word")],
)
@pytest.mark.django_db
def test_an_unconfirmed_deletion_changes_nothing(world, fields, field):
    client = client_for(world.an)
    response = client.post(DELETE, fields)
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()
    world.an.refresh_from_db()
    assert world.an.is_active and world.an.phone == "+84912000101"
    assert not DataRequest.objects.exists()


@pytest.mark.django_db
def test_deleting_de_identifies_the_account_and_erases_what_is_not_required(world):
    an, page = world.an, world.pages.kinh_bac
    followers_before = PageCounter.objects.get(page=page).followers
    token = do_issue_token(an, "điện thoại")
    client = client_for(an)

    response = client.post(DELETE, CONFIRM)

    assert response.status_code == 302
    an.refresh_from_db()
    assert (an.full_name, an.phone, an.date_of_birth, an.email) == ("", None, None, "")
    assert an.username == f"deleted-{an.pk}"
    assert not an.is_active and not an.has_usable_password()
    # Signed out here, and the app's key no longer works.
    assert client.get("/cong-dan/du-lieu-ca-nhan/").status_code == 302
    assert ApiToken.objects.get(pk=token.token.pk).revoked_at is not None
    # Erased.
    assert not Follow.objects.filter(user=an).exists()
    assert PageCounter.objects.get(page=page).followers == followers_before - 1
    assert not Reaction.objects.filter(user=an).exists()
    assert not ReferralCode.objects.filter(user=an).exists()
    comment = Comment.objects.get(pk=world.an_comment.pk)
    assert (comment.state, comment.body) == (CommentState.DELETED, "")
    # Kept: the feedback (the handling record) with its text, other people's content, the
    # shares (page figures), consents (withdrawn) and the register.
    feedback = Feedback.objects.get(pk=world.an_feedback.pk)
    assert feedback.citizen_id == an.pk and feedback.text == AN_FEEDBACK
    assert Comment.objects.get(pk=world.binh_comment.pk).body == BINH_COMMENT
    assert Share.objects.filter(user=an).count() == 1
    assert not ConsentRecord.objects.filter(user=an, withdrawn_at__isnull=True).exists()
    assert ConsentRecord.objects.filter(user=an).count() == 2
    item = DataRequest.objects.get(citizen=an)
    assert (item.kind, item.state, item.self_service) == (RequestKind.DELETE, "answered", True)


def an_comment_removed_by_a_moderator(world) -> None:
    """Bình reports An's comment; Kinh Bắc's moderator removes it (a strike for An)."""
    moderator = grant("kinhbac.kiemduyet", world.pages.kinh_bac.unit, "moderator")
    moderation_actions.report(world.binh, "comment", world.an_comment.pk, "abuse")
    case = Case.objects.get(comment=world.an_comment)
    moderation_actions.decide(moderator, case.pk, "remove", "Lời lẽ xúc phạm người khác")


@pytest.mark.django_db
def test_a_comment_that_is_evidence_of_a_moderation_decision_keeps_its_text(world, personas):
    an_comment_removed_by_a_moderator(world)

    actions.delete_account(world.an, True, "XOA")

    comment = Comment.objects.get(pk=world.an_comment.pk)
    assert comment.body and comment.state == CommentState.DELETED
    assert Strike.objects.filter(user=world.an).count() == 1  # kept (Decree 147/2024)


@pytest.mark.django_db
def test_a_locked_account_cannot_be_deleted_by_self_service(world, personas):
    an_comment_removed_by_a_moderator(world)
    Lock.objects.create(
        user=world.an,
        kind=LockKind.TEMPORARY,
        strike=Strike.objects.get(user=world.an),
        starts_at=timezone.now(),
        ends_at=timezone.now() + datetime.timedelta(days=7),
        reason="Vi phạm nhiều lần",
    )
    response = client_for(world.an).post(DELETE, CONFIRM)
    assert response.status_code == 400
    world.an.refresh_from_db()
    assert world.an.is_active and world.an.phone == "+84912000101"


@pytest.mark.django_db
def test_the_same_number_can_sign_up_again_as_a_new_account(world, sms_outbox):
    from tests.privacy.test_consents import verified_client

    actions.delete_account(world.an, True, "xoa")
    client = verified_client(sms_outbox, "0912 000 101")
    client.post(
        "/cong-dan/ho-so/",
        {"full_name": "Nguyễn Văn An", "date_of_birth": "1990-05-19", "consent": "on"},
    )
    fresh = User.objects.get(phone="+84912000101")
    assert fresh.pk != world.an.pk
    assert not Follow.objects.filter(user=fresh).exists()
