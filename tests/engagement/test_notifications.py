"""Notifications: new posts reach followers in batches by the worker's sweep, replies reach the
author replied to, staff see what waits on them, and the daily digest goes out once."""

from __future__ import annotations

import datetime
import json
import math

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from congdong.accounts.models import AccountKind, Membership, User
from congdong.accounts.roles import Role
from congdong.engagement import models, tasks
from congdong.engagement import notifications as reads
from congdong.engagement.actions import notifications as actions
from congdong.engagement.context import bell as bell_context
from congdong.pages.models import Page
from congdong.posts import actions as post_actions
from congdong.posts.models import Post
from congdong.privacy.models import ConsentPurpose, ConsentRecord
from congdong.worker.jobs import JOBS
from congdong.worker.loop import Loop
from tests.conftest import client_for, unit_2025
from tests.posts.conftest import grant, write

pytestmark = pytest.mark.django_db
NOTIFY = next(job for job in JOBS if job.name == "notify-followers")
DIGESTS = next(job for job in JOBS if job.name == "send-digests")


def staff(username: str, page: Page, role: Role) -> User:
    held = Membership.objects.filter(user__username=username, unit=page.unit, role=role).first()
    return held.user if held else grant(username, page.unit, role)


def publish(page: Page, title: str = "Ra quân làm sạch môi trường khu dân cư") -> Post:
    editor = staff("notify.bientap", page, Role.EDITOR)
    approver = staff("notify.duyettin", page, Role.APPROVER)
    draft = write(editor, page, title=title)
    post_actions.submit(editor, draft.pk)
    post_actions.approve(approver, draft.pk)
    return post_actions.publish_or_schedule(editor, draft.pk)


def followers(page: Page, count: int, prefix: str, since: datetime.datetime, notify=True):
    """`count` citizens following `page` since `since`, written in two bulk INSERTs."""
    users = User.objects.bulk_create(
        User(username=f"{prefix}{i}", kind=AccountKind.CITIZEN, full_name=f"{prefix} {i}")
        for i in range(count)
    )
    if not users or users[0].pk is None:  # SQLite before 3.35 gives no ids back
        users = list(User.objects.filter(username__startswith=prefix).order_by("pk"))
    models.Follow.objects.bulk_create(
        models.Follow(user=user, page=page, notify=notify, created_at=since) for user in users
    )
    return users


@pytest.fixture
def an(personas) -> User:
    """The demo citizen Nguyễn Văn An, with a verified mobile number."""
    citizen = User.objects.get(phone="+84912345678")
    citizen.phone_verified_at = timezone.now()
    citizen.save(update_fields=["phone_verified_at"])
    return citizen


def tell(user: User, post: Post, count: int = 1) -> None:
    """`count` unread new-post notifications for `user` (on `post` and copies of it)."""
    for i in range(count):
        target = post if i == 0 else publish(post.page, title=f"Tin thứ {i}")
        models.Notification.objects.create(
            recipient=user,
            kind=models.NotificationKind.NEW_POST,
            post=target,
            created_at=timezone.now(),
        )


# --- new posts: the batched sweep --------------------------------------------------------------


def test_a_new_post_reaches_each_follower_who_asked_once_in_batches(pages):
    page = pages.kinh_bac
    before = timezone.now() - datetime.timedelta(days=3)
    wanting = followers(page, 2500, "theo", before)
    quiet = followers(page, 30, "im", before, notify=False)
    post = publish(page)
    late = followers(page, 30, "muon", post.published_at + datetime.timedelta(seconds=1))

    assert actions.open_notices() == 1
    steps = 0
    while models.PostNotice.objects.filter(post=post, done_at=None).exists():
        actions.advance_notices(batch=1000)
        steps += 1
        assert steps <= 10

    told = models.Notification.objects.filter(post=post, kind=models.NotificationKind.NEW_POST)
    assert steps == math.ceil(2500 / 1000)
    assert told.count() == 2500
    assert set(told.values_list("recipient_id", flat=True)) == {user.pk for user in wanting}
    assert not told.filter(recipient__in=[*quiet, *late]).exists()
    notice = models.PostNotice.objects.get(post=post)
    assert notice.sent == 2500

    # The worker's task again, and a step replayed from the start: nothing doubles.
    assert tasks.notify_followers() == 0
    models.PostNotice.objects.filter(pk=notice.pk).update(cursor=0, sent=0, done_at=None)
    assert tasks.notify_followers(batch=1000) == 2500  # taken again...
    assert told.count() == 2500  # ...and written once


def test_the_worker_cycle_notifies_followers_of_a_post_just_published(pages):
    wanting = followers(pages.bac_ninh, 5, "tinh", timezone.now() - datetime.timedelta(hours=1))
    post = publish(pages.bac_ninh)

    (outcome,) = Loop([NOTIFY]).run_once()

    assert outcome.error == ""
    assert outcome.result == 5
    assert set(
        models.Notification.objects.filter(post=post).values_list("recipient_id", flat=True)
    ) == {user.pk for user in wanting}
    assert Loop([NOTIFY]).run_once()[0].result == 0  # a second sweep writes nothing


def test_posts_published_days_ago_start_no_notice(pages):
    followers(pages.kinh_bac, 3, "cu", timezone.now() - datetime.timedelta(days=10))
    post = publish(pages.kinh_bac)
    Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - datetime.timedelta(days=3))

    assert tasks.notify_followers() == 0
    assert not models.PostNotice.objects.filter(post=post).exists()
    assert not models.Notification.objects.filter(post=post).exists()


def test_a_new_post_notification_is_written_once_even_when_inserted_twice(pages, an):
    post = publish(pages.kinh_bac)
    row = {"recipient": an, "kind": models.NotificationKind.NEW_POST, "post": post}
    for _ in range(2):
        models.Notification.objects.bulk_create(
            [models.Notification(**row, created_at=timezone.now())], ignore_conflicts=True
        )
    assert models.Notification.objects.filter(**row).count() == 1


# --- replies -----------------------------------------------------------------------------------


def test_a_reply_notifies_the_author_of_the_comment_once_and_not_for_their_own(pages, an):
    post = publish(pages.kinh_bac)
    binh = User.objects.create(
        username="cd84987654321", kind=AccountKind.CITIZEN, phone="+84987654321"
    )
    now = timezone.now()
    question = models.Comment.objects.create(
        post=post, author=an, body="Mấy giờ bắt đầu?", created_at=now
    )
    answer = models.Comment.objects.create(
        post=post, author=binh, parent=question, body="7 giờ sáng.", created_at=now
    )
    own = models.Comment.objects.create(
        post=post, author=an, parent=question, body="Cảm ơn.", created_at=now
    )

    first = actions.notify_reply(answer.pk)
    again = actions.notify_reply(answer.pk)

    assert first is not None and again is not None and first.pk == again.pk
    assert (first.recipient_id, first.kind, first.comment_id) == (
        an.pk,
        models.NotificationKind.REPLY,
        answer.pk,
    )
    assert actions.notify_reply(own.pk) is None
    assert actions.notify_reply(question.pk) is None  # not a reply
    assert models.Notification.objects.filter(recipient=an).count() == 1
    assert models.Notification.objects.filter(recipient=binh).count() == 0


# --- the bell ------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("engagement:notifications"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:phone-start"))


def test_the_bell_shows_the_unread_count_until_the_list_is_seen(pages, an):
    tell(an, publish(pages.kinh_bac), count=3)
    client = client_for(an)

    # Every page's menu has the bell, which loads its count as the page loads.
    home = client.get("/")
    assert 'id="bell"' in home.text and 'hx-trigger="load, every 120s"' in home.text
    fragment = client.get(reverse("engagement:bell"))
    assert 'data-count="3"' in fragment.text
    # Its name is what it shows, the count read with "new" (no aria-label that differs).
    assert '<span class="badge">3</span><span class="sr-only"> mới</span>' in fragment.text
    # The bell is drawn, hidden from screen readers: an emoji showed as an empty box where
    # the system has no emoji font (Debian's Chromium).
    assert '<svg class="icon" aria-hidden="true"' in fragment.text and "🔔" not in fragment.text

    listing = client.get(reverse("engagement:notifications"))
    assert listing.status_code == 200
    assert listing.text.count('class="notification unread"') == 3
    assert 'id="bell"' in listing.text and 'data-count="0"' in listing.text
    assert not models.Notification.objects.filter(recipient=an, read_at=None).exists()
    assert 'data-count="0"' in client.get(reverse("engagement:bell")).text


def test_mark_all_read(pages, an):
    tell(an, publish(pages.kinh_bac), count=2)
    response = client_for(an).post(reverse("engagement:notifications-read"))
    assert response.status_code == 302
    assert not models.Notification.objects.filter(recipient=an, read_at=None).exists()


def test_a_citizens_bell_costs_three_queries_and_pages_none(
    pages, an, django_assert_max_num_queries
):
    tell(an, publish(pages.kinh_bac), count=2)
    with django_assert_max_num_queries(1):
        bell = reads.bell(an)
    assert (bell.unread, bell.staff.total, bell.total) == (2, 0, 2)
    client = client_for(an)
    with django_assert_max_num_queries(3):  # the session, the account, the count
        assert 'data-count="2"' in client.get(reverse("engagement:bell")).text
    with django_assert_max_num_queries(0):
        context = bell_context(RequestFactory().get("/"))
        assert context["bell"] is not None  # lazy: nothing read yet


def test_an_approver_sees_the_post_waiting_for_them_and_another_province_does_not(pages, personas):
    province_approver = grant("bacninh.duyettin", unit_2025("24"), Role.APPROVER)
    other_approver = grant("hanoi.duyettin", unit_2025("01"), Role.APPROVER)
    editor = personas["kinhbac.canbo"]
    post_actions.submit(editor, write(editor, pages.kinh_bac).pk)

    assert reads.staff_items(province_approver).approvals == 1
    assert reads.staff_items(other_approver).approvals == 0
    client = client_for(province_approver)
    mine = client.get(reverse("engagement:notifications"))
    assert 'id="staff-approvals" data-count="1"' in mine.text
    assert 'id="bell"' in mine.text and 'data-count="1"' in mine.text
    # Other pages render the bell uncounted; it loads its counts by itself.
    workspace = client.get(reverse("accounts:workspace"))
    assert 'hx-trigger="load, every 120s"' in workspace.text
    assert 'data-count="1"' in client.get(reverse("engagement:bell")).text
    theirs = client_for(other_approver).get(reverse("engagement:notifications"))
    assert 'id="staff-approvals"' not in theirs.text


# --- settings ------------------------------------------------------------------------------------


def refused_and_nothing_saved(user: User, digest: str, error_id: str) -> None:
    url = reverse("engagement:notification-settings")
    response = client_for(user).post(url, {"digest": digest, "email": ""})
    assert response.status_code == 400
    assert f'id="{error_id}"' in response.text
    assert not models.NotificationSettings.objects.filter(user=user).exists()


def test_an_email_digest_without_an_address_is_refused_and_nothing_saved(an):
    refused_and_nothing_saved(an, models.DigestChoice.EMAIL, "id_email_error")


def test_an_sms_digest_needs_a_verified_mobile_number(personas):
    staff = personas["tiendu.canbo"]  # a staff account: no phone
    refused_and_nothing_saved(staff, models.DigestChoice.SMS, "id_digest_error")


def test_the_digest_choice_is_saved(an):
    client = client_for(an)
    url = reverse("engagement:notification-settings")
    assert client.get(url).status_code == 200
    response = client.post(url, {"digest": models.DigestChoice.EMAIL, "email": " an@example.vn "})
    assert response.status_code == 302
    saved = models.NotificationSettings.objects.get(user=an)
    assert (saved.digest, saved.email) == (models.DigestChoice.EMAIL, "an@example.vn")


def test_a_citizen_choosing_a_digest_gives_its_consent_and_choosing_none_withdraws_it(an):
    client = client_for(an)
    url = reverse("engagement:notification-settings")
    digest = ConsentRecord.objects.filter(user=an, purpose=ConsentPurpose.DIGEST)
    client.post(url, {"digest": models.DigestChoice.EMAIL, "email": "an@example.vn"})
    client.post(
        url, {"digest": models.DigestChoice.SMS, "email": ""}
    )  # another channel, same consent
    assert digest.count() == 1 and digest.get().active

    assert client.post(url, {"digest": models.DigestChoice.NONE, "email": ""}).status_code == 302

    assert not digest.get().active
    saved = models.NotificationSettings.objects.get(user=an)
    assert (saved.digest, saved.email) == (models.DigestChoice.NONE, "")


# --- the daily digest ----------------------------------------------------------------------------


def test_the_email_digest_goes_out_once_a_day(pages, an):
    actions.save_settings(an, models.DigestChoice.EMAIL, "an@example.vn")
    # Only to a confirmed address (issue 15; tests/security/test_digest_email_verification.py).
    actions.confirm_email(actions.confirmation_token(an.pk, "an@example.vn"))
    post = publish(pages.kinh_bac, title="Hiến máu nhân đạo")
    tell(an, post)

    (outcome,) = Loop([DIGESTS]).run_once()

    assert outcome.result == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["an@example.vn"]
    assert "Hiến máu nhân đạo" in message.body and "/thong-bao/" in message.body
    assert not models.Notification.objects.filter(recipient=an, digested_at=None).exists()
    assert tasks.send_digests() == 0  # nothing new, and not a day later
    assert len(mail.outbox) == 1

    models.Notification.objects.create(
        recipient=an,
        kind=models.NotificationKind.NEW_POST,
        post=publish(pages.kinh_bac, title="Tin mới"),
        created_at=timezone.now(),
    )
    assert tasks.send_digests() == 0  # something new, but the day is not over
    assert actions.send_digests(timezone.now() + datetime.timedelta(hours=21)) == 1
    assert len(mail.outbox) == 2


def test_the_sms_digest_is_one_short_message_to_the_verified_number(pages, an, sms_outbox):
    actions.save_settings(an, models.DigestChoice.SMS, "")
    tell(an, publish(pages.kinh_bac), count=2)

    assert tasks.send_digests() == 1
    assert tasks.send_digests() == 0

    (line,) = sms_outbox.read_text(encoding="utf-8").splitlines()
    sms = json.loads(line)
    assert sms["phone"] == "+84912345678"
    assert "2" in sms["text"] and "/thong-bao/" in sms["text"]
    assert sms["text"].isascii() and len(sms["text"]) <= 160
    assert models.NotificationSettings.objects.get(user=an).last_digest_at is not None


def test_no_digest_for_people_who_did_not_ask_or_read_everything(pages, an):
    tell(an, publish(pages.kinh_bac))
    assert tasks.send_digests() == 0  # no settings: the bell is enough
    actions.save_settings(an, models.DigestChoice.EMAIL, "an@example.vn")
    actions.mark_read(an, "all")
    assert tasks.send_digests() == 0  # read in the bell already
    assert mail.outbox == []


# --- told at once (issue 16.3): the choice of channels ---------------------------------------


def test_being_told_at_once_is_on_by_default_and_can_be_turned_off(an):
    client = client_for(an)
    url = reverse("engagement:notification-settings")
    page = client.get(url).text
    assert 'id="id_instant_sms" checked' in page and 'id="id_instant_email" checked' in page
    assert "Báo ngay cho tôi qua SMS" in page
    # An unticked box is not sent: SMS off, email kept.
    response = client.post(
        url, {"digest": models.DigestChoice.NONE, "email": "", "instant_email": "on"}
    )
    assert response.status_code == 302
    saved = models.NotificationSettings.objects.get(user=an)
    assert (saved.instant_sms, saved.instant_email) == (False, True)
    assert 'id="id_instant_sms">' in client.get(url).text


def test_staff_told_at_once_by_email_confirm_the_address_first(
    personas, django_capture_on_commit_callbacks
):
    officer = personas["kinhbac.canbo"]
    url = reverse("engagement:notification-settings")
    with_email = {
        "digest": models.DigestChoice.NONE,
        "email": "hung@example.vn",
        "instant_email": "on",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(officer).post(url, with_email).status_code == 302
    saved = models.NotificationSettings.objects.get(user=officer)
    assert (saved.email, saved.email_verified_at, saved.instant_email) == (
        "hung@example.vn",
        None,
        True,
    )
    (message,) = mail.outbox  # the link to confirm it; nothing is sent there before
    assert message.to == ["hung@example.vn"] and "/thong-bao/xac-nhan-email/" in message.body
