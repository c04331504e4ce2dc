"""Follow and unfollow a page."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congdong import events
from congdong.accounts.queries import AnyUser
from congdong.engagement.actions import counters
from congdong.engagement.actions.eligibility import check_can_engage, limit
from congdong.engagement.models import Follow, ReferralOpen
from congdong.engagement.queries import access_public_page, referral_for_follow
from congdong.events import EventKind


def follow(actor: AnyUser, page_id: int, referral_open_id: int | None = None) -> Follow:
    """`actor` follows the page (again: nothing changes). A referral opened by them in the last
    7 days (the one their browser remembers, else their own) gets the follow attributed."""
    user = check_can_engage(actor)
    page = access_public_page(page_id)
    existing = Follow.objects.filter(user=user, page=page).first()
    if existing is not None:
        return existing  # a double click or a second tab: already following
    limit(user, "follow", _("follows"))
    now = timezone.now()
    since = now - datetime.timedelta(days=settings.REFERRAL_FOLLOW_DAYS)
    referral = referral_for_follow(page, f"u{user.pk}", referral_open_id, since)
    try:
        with transaction.atomic():
            made = Follow.objects.create(user=user, page=page, created_at=now, referral=referral)
            counters.bump(page.pk, followers=1)
            if referral is not None:
                ReferralOpen.objects.filter(pk=referral.pk, followed_at__isnull=True).update(
                    followed_at=now
                )
    except IntegrityError:  # the same follow from a parallel request won
        return Follow.objects.get(user=user, page=page)
    events.record(None, EventKind.FOLLOW, page_id=page.pk, user_id=user.pk)
    if referral is not None:
        events.record(None, EventKind.REFERRAL_FOLLOW, page_id=page.pk, user_id=user.pk)
    return made


def unfollow(actor: AnyUser, page_id: int) -> bool:
    """Stop following; False when `actor` was not following."""
    user = check_can_engage(actor)
    with transaction.atomic():
        deleted, _rows = Follow.objects.filter(user=user, page_id=page_id).delete()
        if deleted:
            counters.bump(page_id, followers=-1)
    if deleted:
        events.record(None, EventKind.UNFOLLOW, page_id=page_id, user_id=user.pk)
    return bool(deleted)


def remove_all(user: AnyUser) -> int:
    """Take away every follow of `user` (their account is being deleted): each page's count
    one fewer, and an UNFOLLOW event for each once committed, so the dashboards' followers
    stay those the public pages show. Inside the caller's transaction; returns how many."""
    removed = []
    for page_id in list(Follow.objects.filter(user=user).values_list("page_id", flat=True)):
        deleted, _rows = Follow.objects.filter(user=user, page_id=page_id).delete()
        if deleted:
            counters.bump(page_id, followers=-1)
            removed.append((page_id, None))
    if removed:
        transaction.on_commit(
            lambda: events.record_many(None, EventKind.UNFOLLOW, removed, user_id=user.pk)
        )
    return len(removed)


def set_notify(actor: AnyUser, page_id: int, notify: bool) -> bool:
    """Turn new-post notifications of a followed page on or off; False if not following."""
    user = check_can_engage(actor)
    return bool(Follow.objects.filter(user=user, page_id=page_id).update(notify=notify))
