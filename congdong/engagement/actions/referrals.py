"""Referral links and shares: every person's links carry their code; a distinct person opening
one counts one referral for the page (the first referrer gets it)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congdong import events
from congdong.accounts.models import User
from congdong.accounts.queries import AnyUser
from congdong.core import ratelimit
from congdong.core.errors import ActionError
from congdong.core.text import line
from congdong.engagement.actions import counters
from congdong.engagement.actions.eligibility import limit
from congdong.engagement.models import ReferralCode, ReferralOpen, Share, ShareChannel
from congdong.events import EventKind
from congdong.pages.models import Page
from congdong.posts.models import Post

ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud or typed from paper


def code_for(user: User) -> str:
    """`user`'s referral code, made on first use."""
    found = ReferralCode.objects.filter(user=user).values_list("code", flat=True).first()
    if found:
        return found
    for _attempt in range(5):
        code = "".join(secrets.choice(ALPHABET) for _ in range(8))
        try:
            with transaction.atomic():
                return ReferralCode.objects.create(user=user, code=code).code
        except IntegrityError:
            found = ReferralCode.objects.filter(user=user).values_list("code", flat=True).first()
            if found:  # a parallel request made it
                return found
    raise ActionError(_("Could not make a referral code; try again."))


def open_referral(
    code: str,
    page: Page,
    post: Post | None,
    recipient_key: str,
    address: str | None = None,
) -> ReferralOpen | None:
    """Count a referral if `code` is someone's and this person has not opened the page through
    a referral before; the new row, or None when nothing was counted.

    `recipient_key` is "u<id>" for an account, else the anonymous visitor's key of the day
    (one per network address a day, events.visitors): so a page counts each account once
    and each address at most once a day. `address` (anonymous openers only) is held to
    REFERRAL_OPEN_LIMIT new referrals an hour, whatever pages they are for."""
    code = line(code).lower()[:16]
    if not code:
        return None
    referrer_id = ReferralCode.objects.filter(code=code).values_list("user_id", flat=True).first()
    if referrer_id is None or recipient_key == f"u{referrer_id}":
        return None  # unknown code, or someone opening their own link
    if address is not None:
        if ReferralOpen.objects.filter(page=page, recipient_key=recipient_key).exists():
            return None  # counted already: it must not use up the address's allowance
        limit_per_hour = settings.REFERRAL_OPEN_LIMIT
        if limit_per_hour and ratelimit.allow("referral-open", address, limit_per_hour, 3600):
            return None  # the page is shown all the same; the open is not counted
    try:
        with transaction.atomic():
            made = ReferralOpen.objects.create(
                referrer_id=referrer_id,
                page=page,
                post=post,
                recipient_key=recipient_key,
                opened_at=timezone.now(),
            )
            counters.bump(page.pk, referrals=1)
    except IntegrityError:
        return None  # this person was referred to this page before
    events.record(
        None,
        EventKind.REFERRAL_OPEN,
        page_id=page.pk,
        post_id=post.pk if post else None,
        user_id=int(recipient_key[1:]) if recipient_key.startswith("u") else None,
        visitor=None if recipient_key.startswith("u") else recipient_key,
    )
    return made


def share(actor: AnyUser, page: Page, post: Post | None, channel: str) -> Share:
    """Record that `actor` shared the page or post (the link they got carries their code)."""
    if not actor.is_authenticated:
        raise ActionError(_("Sign in to share with your referral link."))
    if channel not in ShareChannel.values:
        raise ActionError(_("Choose how you share the link."), field="channel")
    limit(actor, "share", _("shares"))
    made = Share.objects.create(
        user=actor, page=page, post=post, channel=channel, created_at=timezone.now()
    )
    events.record(
        None,
        EventKind.SHARE,
        page_id=page.pk,
        post_id=post.pk if post else None,
        user_id=actor.pk,
    )
    return made
