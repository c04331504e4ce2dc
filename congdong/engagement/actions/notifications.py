"""Notifications: replies, new posts of followed pages (in batches), read marks, settings and
the daily digest by email or SMS.

New-post notifications are pushed by a sweep, never one job or one query per follower: a
`PostNotice` row per published post holds a cursor over the page's followers in id order, and
each step writes the next batch with one INSERT and moves the cursor with a conditional UPDATE.
"""

from __future__ import annotations

import datetime
import functools
import logging
from collections.abc import Collection
from typing import Literal

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from congdong.accounts.models import User
from congdong.accounts.queries import AnyUser
from congdong.accounts.sms import get_backend
from congdong.core import ratelimit
from congdong.core.errors import ActionError
from congdong.core.links import absolute_url
from congdong.engagement.models import (
    Comment,
    CommentState,
    DigestChoice,
    Follow,
    Notification,
    NotificationKind,
    NotificationSettings,
    PostNotice,
)
from congdong.posts.models import Post, PostState

logger = logging.getLogger(__name__)

# Posts published longer ago than this get no notice: a sweep started on an old database (the
# demo's, a restore) must not tell everyone about last year's posts.
NOTICE_WINDOW = datetime.timedelta(days=2)
NOTICE_BATCH = 2000
# "Daily" with some slack, so an hourly sweep that ran a little early does not skip a day.
DIGEST_EVERY = datetime.timedelta(hours=20)
DIGEST_LISTED = 10  # items written out in an email; the rest are counted


def _account(user: AnyUser) -> User:
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in first."))
    return user


# --- replies ----------------------------------------------------------------------------------


def notify_reply(comment_id: int) -> Notification | None:
    """Tell the author of the comment replied to, unless they replied to themselves or the reply
    is not visible (yet). Safe to call again: it writes the notification once.

    Callers run it after the reply is committed (and again when a held reply is shown).
    """
    reply = (
        Comment.objects.select_related("parent")
        .filter(pk=comment_id, parent__isnull=False, state=CommentState.VISIBLE)
        .first()
    )
    if reply is None or reply.parent.author_id == reply.author_id:
        return None
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=reply.parent.author_id,
                kind=NotificationKind.REPLY,
                post_id=reply.post_id,
                comment_id=reply.pk,
                created_at=timezone.now(),
            )
        ],
        ignore_conflicts=True,  # already told: a retry or the held reply being shown
    )
    return Notification.objects.get(
        recipient_id=reply.parent.author_id, kind=NotificationKind.REPLY, comment_id=reply.pk
    )


# --- read marks and settings --------------------------------------------------------------------


def mark_read(user: AnyUser, ids: Collection[int] | Literal["all"]) -> int:
    """Mark `user`'s notifications `ids` (or all of them) read; returns how many changed."""
    account = _account(user)
    unread = Notification.objects.filter(recipient=account, read_at=None)
    if ids != "all":
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def check_settings(user: AnyUser, digest: str, email: str) -> tuple[User, str, str]:
    """The account, digest choice and cleaned email, if they make a digest that can be sent."""
    account = _account(user)
    if digest not in DigestChoice.values:
        raise ActionError(_("Choose how to receive the digest."), field="digest")
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ActionError(_("Enter a valid email address."), field="email") from None
    if digest == DigestChoice.EMAIL and not email:
        raise ActionError(_("Give the email address the daily digest should go to."), field="email")
    if digest == DigestChoice.SMS and not (account.phone and account.phone_verified_at):
        raise ActionError(
            _(
                "The SMS digest goes to your verified mobile number, and this account has none. "
                "Choose the email digest instead."
            ),
            field="digest",
        )
    return account, digest, email


def save_settings(user: AnyUser, digest: str, email: str) -> NotificationSettings:
    """Save how `user` wants the digest; ActionError (with the field) when it cannot be sent.

    A new address is saved unconfirmed and a link to confirm it is sent to it (after the
    commit); the email digest waits for the confirmation. Saving an unconfirmed address again
    sends the link again (at most VERIFY_SENDS_PER_HOUR an hour).
    """
    account, digest, email = check_settings(user, digest, email)
    with transaction.atomic():
        before = NotificationSettings.objects.select_for_update().filter(user=account).first()
        kept = before is not None and before.email == email
        row, _created = NotificationSettings.objects.update_or_create(
            user=account,
            defaults={
                "digest": digest,
                "email": email,
                "email_verified_at": before.email_verified_at if kept else None,
            },
        )
        if digest == DigestChoice.EMAIL and row.awaiting_confirmation:
            send = functools.partial(
                _send_confirmation, account.pk, email, translation.get_language()
            )
            transaction.on_commit(send)
    return row


def stop_digest(user_id: int) -> int:
    """No digest for `user_id` any more, and their address erased: the digest consent was
    withdrawn (congdong.privacy). In the caller's transaction; returns the rows changed."""
    return NotificationSettings.objects.filter(user_id=user_id).update(
        digest=DigestChoice.NONE, email=""
    )


def save_instant(user: AnyUser, sms: bool, email: bool) -> NotificationSettings:
    """Save whether `user` is told at once, by SMS (to their verified mobile number) and by
    email (to the confirmed address of their settings), of each step of what they wait for or
    must act on (`INSTANT_KINDS`). An address not confirmed yet gets its confirmation link."""
    account = _account(user)
    with transaction.atomic():
        row, _created = NotificationSettings.objects.update_or_create(
            user=account, defaults={"instant_sms": bool(sms), "instant_email": bool(email)}
        )
        # The digest's own save sends the link when the digest goes by email.
        if email and row.awaiting_confirmation and row.digest != DigestChoice.EMAIL:
            send = functools.partial(
                _send_confirmation, account.pk, row.email, translation.get_language()
            )
            transaction.on_commit(send)
    return row


# --- confirming the digest's email address ------------------------------------------------------

VERIFY_SALT = "congdong.engagement.digest-email"
VERIFY_DAYS = 3
VERIFY_SENDS_PER_HOUR = 5


def confirmation_token(user_id: int, email: str) -> str:
    return signing.dumps({"u": user_id, "e": email}, salt=VERIFY_SALT, compress=True)


def _send_confirmation(user_id: int, email: str, language: str | None) -> None:
    if ratelimit.sliding_take("digest-confirm", user_id, VERIFY_SENDS_PER_HOUR, 3600):
        return  # the links sent this hour are still valid: no more mail to that inbox now
    url = absolute_url(
        reverse("engagement:confirm-email", args=[confirmation_token(user_id, email)])
    )
    with translation.override(language or settings.LANGUAGE_CODE):
        send_mail(
            _("congdong: confirm your email address for the digest"),
            render_to_string(
                "engagement/notifications/confirm_email.txt", {"url": url, "days": VERIFY_DAYS}
            ),
            None,
            [email],
        )


def confirm_email(token: str) -> NotificationSettings:
    """Mark the address in the link confirmed; ActionError if the link is broken, expired, or
    for an address that is no longer the saved one."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_DAYS * 86400)
    except signing.SignatureExpired:
        raise ActionError(
            _("This link has expired. Save your email address again to get a new one.")
        ) from None
    except signing.BadSignature:
        raise ActionError(_("This link is not valid.")) from None
    row = NotificationSettings.objects.filter(user_id=data.get("u"), email=data.get("e")).first()
    if row is None:
        raise ActionError(_("This link is for an email address that is no longer saved."))
    NotificationSettings.objects.filter(pk=row.pk, email_verified_at=None).update(
        email_verified_at=timezone.now()
    )
    row.refresh_from_db()
    return row


# --- new posts of followed pages: the sweep ----------------------------------------------------


def open_notices(now: datetime.datetime | None = None) -> int:
    """Start a notice for each post published in the last two days that has none; returns how
    many posts were found without one (a parallel sweep may have started some of them)."""
    now = now or timezone.now()
    fresh = (
        Post.objects.filter(
            state=PostState.PUBLISHED,
            published_at__gte=now - NOTICE_WINDOW,
            published_at__lte=now,
            notice__isnull=True,
        )
        .order_by("published_at", "pk")
        .values_list("pk", flat=True)
    )
    rows = [PostNotice(post_id=post_id, created_at=now) for post_id in fresh]
    # The one-to-one on `post` makes a notice started twice a no-op.
    PostNotice.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _step(notice: PostNotice, batch: int, now: datetime.datetime) -> int:
    """Notify the next `batch` followers of the notice's post; returns how many were taken.

    The cursor moves first, by a conditional UPDATE in the same transaction as the INSERT: a
    second worker on the same step finds the cursor moved and writes nothing (on PostgreSQL it
    waits for the row lock, then its WHERE no longer matches).
    """
    post = notice.post
    followers = list(
        Follow.objects.filter(
            page_id=post.page_id,
            notify=True,
            pk__gt=notice.cursor,
            # Only people who followed before the post came out: a later follower sees it in
            # their feed already.
            created_at__lte=post.published_at,
            user__is_active=True,
        )
        .order_by("pk")
        .values_list("pk", "user_id")[:batch]
    )
    finished = len(followers) < batch
    with transaction.atomic():
        claimed = PostNotice.objects.filter(
            pk=notice.pk, cursor=notice.cursor, done_at=None
        ).update(
            cursor=followers[-1][0] if followers else notice.cursor,
            sent=F("sent") + len(followers),
            done_at=now if finished else None,
        )
        if not claimed:
            return 0
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=user_id,
                    kind=NotificationKind.NEW_POST,
                    post_id=post.pk,
                    created_at=now,
                )
                for _follow_id, user_id in followers
            ],
            batch_size=1000,
            ignore_conflicts=True,  # a replayed batch writes nothing twice
        )
    return len(followers)


def advance_notices(batch: int = NOTICE_BATCH, now: datetime.datetime | None = None) -> int:
    """One step for every open notice of a post still published; returns notifications written.

    A notice of a post hidden meanwhile waits (and goes on if the post is shown again).
    """
    now = now or timezone.now()
    notices = PostNotice.objects.select_related("post").filter(
        done_at=None, post__state=PostState.PUBLISHED
    )
    return sum(_step(notice, batch, now) for notice in notices.order_by("pk"))


def open_notice_count() -> int:
    return PostNotice.objects.filter(done_at=None, post__state=PostState.PUBLISHED).count()


# --- the daily digest ---------------------------------------------------------------------------


def _pending(user_id: int):
    """Notifications not read in the bell and not yet in a digest: what a digest tells."""
    return Notification.objects.filter(recipient_id=user_id, read_at=None, digested_at=None)


def _send_digest(row: NotificationSettings, now: datetime.datetime) -> bool:
    pending = _pending(row.user_id)
    items = list(pending.with_subjects().order_by("-created_at", "-pk")[:DIGEST_LISTED])
    if not items:
        return False
    count = pending.count()
    url = absolute_url(reverse("engagement:notifications"))
    # Citizens read Vietnamese; a sweep has no request to take the language from.
    with translation.override("vi"):
        if row.digest == DigestChoice.EMAIL:
            context = {"items": items, "count": count, "more": count - len(items), "url": url}
            send_mail(
                _("congdong: %(count)s new notifications") % {"count": count},
                render_to_string("engagement/notifications/digest_email.txt", context),
                None,
                [row.email],
            )
        else:
            # Short and without diacritics, like the code SMS: one segment on any phone.
            get_backend().send(
                row.user.phone,
                _("congdong: you have %(count)s new notifications. See %(url)s")
                % {"count": count, "url": url},
            )
    # What the digest counted: the pending ones up to now (newer ones go in the next digest).
    pending.filter(created_at__lte=now).update(digested_at=now)
    return True


def send_digests(now: datetime.datetime | None = None) -> int:
    """Send the daily digest to everyone due one who has something unread; returns how many.

    Each person is claimed by a conditional UPDATE of `last_digest_at` before sending, so two
    workers never send the same digest twice; a failed send gives the claim back.
    """
    now = now or timezone.now()
    due = (
        NotificationSettings.objects.filter(
            Q(digest=DigestChoice.EMAIL, email_verified_at__isnull=False) & ~Q(email="")
            | Q(digest=DigestChoice.SMS, user__phone__isnull=False),
            Q(last_digest_at__isnull=True) | Q(last_digest_at__lte=now - DIGEST_EVERY),
            Exists(_pending(OuterRef("user_id"))),
            user__is_active=True,
        )
        .select_related("user")
        .order_by("pk")
    )
    sent = 0
    for row in due:
        claimed = NotificationSettings.objects.filter(
            pk=row.pk, last_digest_at=row.last_digest_at
        ).update(last_digest_at=now)
        if not claimed:
            continue  # another worker took this one
        try:
            done = _send_digest(row, now)
        except Exception:
            logger.exception("digest for user %s could not be sent", row.user_id)
            done = False
        if done:
            sent += 1
        else:
            NotificationSettings.objects.filter(pk=row.pk, last_digest_at=now).update(
                last_digest_at=row.last_digest_at
            )
    return sent
