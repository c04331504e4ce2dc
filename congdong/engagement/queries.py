"""Reads for the public site and citizens: what they may act on, feeds, counts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value
from django.http import Http404
from django.utils import timezone

from congdong.accounts.models import AccountKind
from congdong.accounts.queries import AnyUser, Scope, scope_units, within
from congdong.accounts.roles import Permission
from congdong.core import public_cache
from congdong.engagement.models import (
    REACTION_EMOJI,
    Follow,
    PageCounter,
    Reaction,
    ReactionKind,
    ReferralOpen,
)
from congdong.pages.models import Page, PageStatus
from congdong.pages.queries import public_page_ref
from congdong.posts.models import Post, PostState
from congdong.units.models import Unit


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


@dataclass(frozen=True)
class ReactionCount:
    kind: str
    label: str
    emoji: str
    count: int
    mine: bool


def reaction_counts(post: Post, user: AnyUser) -> list[ReactionCount]:
    """Every reaction kind with its count on `post` and whether `user` chose it (one query)."""
    mine_filter = Q(user=user) if user.is_authenticated else Q(pk__in=[])
    rows = (
        Reaction.objects.filter(post=post)
        .values_list("kind")
        .annotate(n=Count("pk"), mine=Count("pk", filter=mine_filter))
        .order_by()
    )
    counts = {kind: n for kind, n, _mine in rows}
    mine = {kind for kind, _n, chose in rows if chose}
    return [
        ReactionCount(kind, label, REACTION_EMOJI[kind], counts.get(kind, 0), kind in mine)
        for kind, label in ReactionKind.choices
    ]


def with_reaction_totals(posts: list[Post]) -> list[Post]:
    """Set `reaction_total` on each post of a list (one query)."""
    if not posts:
        return posts
    rows = dict(
        Reaction.objects.filter(post_id__in=[p.pk for p in posts])
        .values_list("post_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for post in posts:
        post.reaction_total = rows.get(post.pk, 0)
    return posts


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


def public_page_header(page_id: int) -> Page:
    """The page with its unit and the unit's parent, as the page header shows them.

    Kept in the cache under the page's public version, which every change of its profile,
    pictures or status bumps (core/public_cache.py): on most visits this reads no row.
    """
    key = f"congdong:page-header:{page_id}:{public_cache.version_of(('page', page_id))}"
    page = cache.get(key)
    if page is None:
        # The unit's whole line up to the root comes in the same query (the tree is at most
        # four levels deep: centre, province, district, commune): the breadcrumb is free.
        page = Page.objects.select_related(
            "unit", "unit__parent", "unit__parent__parent", "unit__parent__parent__parent"
        ).get(pk=page_id)
        line, unit = [], page.unit.parent
        while unit is not None:
            line.insert(0, unit)
            unit = unit.parent if unit.depth > 1 else None
        page.ancestors = line
        cache.set(key, page, timeout=3600)
    return page


def public_page_with_counts(slug: str, user: AnyUser, page_id: int | None = None) -> Page:
    """The established page at `slug` (404 otherwise) with `followers`, `referrals`,
    `posts_count` and `following` (False for visitors): one small query, two signed in, and
    the page itself from the cache."""
    if page_id is None:
        page_id, _status = public_page_ref(slug)
    page = public_page_header(page_id)
    counts = Page.objects.filter(pk=page_id).annotate(
        n=Count("posts", filter=Q(posts__state=PostState.PUBLISHED))
    )
    if user.is_authenticated:
        counts = counts.annotate(
            following=Exists(Follow.objects.filter(page=OuterRef("pk"), user=user))
        )
    else:
        counts = counts.annotate(following=Value(False))
    row = counts.values_list("counter__followers", "counter__referrals", "n", "following").first()
    followers, referrals, posts, following = row or (0, 0, 0, False)
    page.followers, page.referrals, page.posts_count = followers or 0, referrals or 0, posts or 0
    page.following = bool(following)
    return page


def referral_summary(user: AnyUser) -> dict[str, int]:
    """How many people `user` referred to any page, and how many of them followed."""
    if not user.is_authenticated:
        return {"opened": 0, "followed": 0}
    rows = ReferralOpen.objects.filter(referrer=user).aggregate(
        opened=Count("pk"), followed=Count("pk", filter=Q(followed_at__isnull=False))
    )
    return {"opened": rows["opened"] or 0, "followed": rows["followed"] or 0}


def top_pages_by_referrals(within: Unit | None = None, limit: int = 20) -> list[PageCounter]:
    """The leaderboard of units: pages with the most referrals (inside `within` if given)."""
    counters = PageCounter.objects.filter(referrals__gt=0, page__status=PageStatus.ACTIVE)
    if within is not None:
        counters = counters.filter(page__unit__path__startswith=within.path)
    return list(
        counters.select_related("page", "page__unit").order_by("-referrals", "page__name")[:limit]
    )


@dataclass(frozen=True)
class Referrer:
    user_id: int
    name: str
    opened: int
    followed: int


def staff_scope(user: AnyUser) -> tuple[Scope, list[Unit]]:
    """Where `user` works as staff (every role sees the units of its subtree; a superuser
    every structure) and the units at its tops, from one query."""
    return scope_units(user, Permission.VIEW_UNIT)


def top_staff_referrers(where: Scope, limit: int = 20) -> list[Referrer]:
    """The leaderboard of operators: staff whose links brought people to pages in `where`."""
    if not where:
        return []
    rows = (
        within(ReferralOpen.objects.filter(referrer__kind=AccountKind.STAFF), where, "page__unit")
        .values("referrer_id", "referrer__full_name", "referrer__username")
        .annotate(opened=Count("pk"), followed=Count("pk", filter=Q(followed_at__isnull=False)))
        .order_by("-opened", "referrer_id")[:limit]
    )
    return [
        Referrer(
            r["referrer_id"],
            r["referrer__full_name"] or r["referrer__username"],
            r["opened"],
            r["followed"],
        )
        for r in rows
    ]


def _published_in_structure(structure_id: int) -> QuerySet[Post]:
    """The published posts of the active pages of a structure, with what a post card shows."""
    return Post.objects.filter(
        state=PostState.PUBLISHED,
        page__status=PageStatus.ACTIVE,
        page__unit__structure_id=structure_id,
    ).select_related("page", "page__unit", "category")


def national_posts(structure_id: int | None, limit: int = 4) -> list[Post]:
    """The newest posts of the central page of a structure (the home page's first section)."""
    if structure_id is None:
        return []
    posts = _published_in_structure(structure_id).filter(page__unit__depth=1)
    return list(posts.order_by("-published_at", "-pk")[:limit])


def featured_posts(structure_id: int | None, days: int = 30, limit: int = 6) -> list[Post]:
    """Posts from pages below the centre that people engaged with most in the last `days`."""
    if structure_id is None:
        return []
    since = timezone.now() - datetime.timedelta(days=days)
    posts = (
        _published_in_structure(structure_id)
        .filter(page__unit__depth__gt=1, published_at__gte=since)
        .annotate(reaction_total=Count("reactions"))
        .order_by("-reaction_total", "-published_at", "-pk")
    )
    return list(posts[:limit])
