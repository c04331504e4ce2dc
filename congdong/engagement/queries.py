"""Reads for the public site and citizens: what they may act on, feeds, counts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count
from django.http import Http404

from congdong.accounts.queries import AnyUser
from congdong.engagement.models import (
    REACTION_EMOJI,
    Follow,
    PageCounter,
    Reaction,
    ReactionKind,
    ReferralCode,
    ReferralOpen,
)
from congdong.pages.models import Page, PageStatus
from congdong.posts.models import Post, PostState


def access_public_page(page_id: int) -> Page:
    """An active page anyone may follow; 404 otherwise (suspended pages take no new followers)."""
    page = Page.objects.standard().filter(pk=page_id, status=PageStatus.ACTIVE).first()
    if page is None:
        raise Http404
    return page


def access_public_post(post_id: int) -> Post:
    """A published post on an active page, the only kind citizens may react to or comment on."""
    post = (
        Post.objects.standard()
        .filter(pk=post_id, state=PostState.PUBLISHED, page__status=PageStatus.ACTIVE)
        .first()
    )
    if post is None:
        raise Http404
    return post


def page_counts(page: Page) -> PageCounter:
    """Followers and referrals of `page` (zeros before anyone followed)."""
    return PageCounter.objects.filter(page=page).first() or PageCounter(page=page)


def is_following(user: AnyUser, page: Page) -> bool:
    return user.is_authenticated and Follow.objects.filter(user=user, page=page).exists()


@dataclass(frozen=True)
class ReactionCount:
    kind: str
    label: str
    emoji: str
    count: int
    mine: bool


def reaction_counts(post: Post, user: AnyUser) -> list[ReactionCount]:
    """Every reaction kind with its count on `post` and whether `user` chose it (2 queries)."""
    counts = dict(
        Reaction.objects.filter(post=post).values_list("kind").annotate(n=Count("pk")).order_by()
    )
    mine = None
    if user.is_authenticated:
        mine = Reaction.objects.filter(post=post, user=user).values_list("kind", flat=True).first()
    return [
        ReactionCount(kind, label, REACTION_EMOJI[kind], counts.get(kind, 0), kind == mine)
        for kind, label in ReactionKind.choices
    ]


def reaction_totals(post_ids: list[int]) -> dict[int, int]:
    """Total reactions per post, for lists (one query)."""
    rows = (
        Reaction.objects.filter(post_id__in=post_ids)
        .values_list("post_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(rows)


def referral_code(user: AnyUser) -> str | None:
    if not user.is_authenticated:
        return None
    return ReferralCode.objects.filter(user=user).values_list("code", flat=True).first()


def referral_for_follow(
    page: Page, recipient_key: str, open_id: int | None, since: datetime.datetime
) -> ReferralOpen | None:
    """The referral a follow of `page` is attributed to: the one the browser remembers, or the
    account's own, opened since `since` and not yet followed."""
    opens = ReferralOpen.objects.filter(page=page, opened_at__gte=since, followed_at__isnull=True)
    if open_id is not None:
        found = opens.filter(pk=open_id).first()
        if found is not None:
            return found
    return opens.filter(recipient_key=recipient_key).first()
