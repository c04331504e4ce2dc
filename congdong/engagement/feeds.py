"""A citizen's feed: the newest published posts of the pages they follow, assembled on read.

Nothing is written per follower when a page publishes (no fan-out on write): the feed is one
indexed query over the followed pages' posts, newest first, paged by a (time, id) cursor, so a
page with a million followers costs the same to publish on as a page with one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q

from congdong.accounts.models import User
from congdong.engagement.models import Follow
from congdong.pages.models import PageStatus
from congdong.posts.models import Post, PostState

PAGE_SIZE = 20


@dataclass(frozen=True)
class FeedPage:
    posts: list[Post]
    next_cursor: str | None  # pass back as `before` for the next, older page


def parse_cursor(value: str | None) -> tuple[datetime.datetime, int] | None:
    """ "<ISO time>_<post id>" as written by `FeedPage.next_cursor`; None if absent or bad."""
    if not value or "_" not in value:
        return None
    stamp, _sep, pk = value.rpartition("_")
    try:
        return datetime.datetime.fromisoformat(stamp), int(pk)
    except ValueError:
        return None


def feed_for(user: User, before: str | None = None, limit: int = PAGE_SIZE) -> FeedPage:
    """The posts of the pages `user` follows, newest first: two queries whatever the followers."""
    page_ids = list(Follow.objects.filter(user=user).values_list("page_id", flat=True))
    if not page_ids:
        return FeedPage([], None)
    posts = (
        Post.objects.filter(
            page_id__in=page_ids, state=PostState.PUBLISHED, page__status=PageStatus.ACTIVE
        )
        .select_related("page", "page__unit", "category")
        .defer("search_text")  # a feed never shows it
        .order_by("-published_at", "-pk")
    )
    cursor = parse_cursor(before)
    if cursor is not None:
        at, pk = cursor
        posts = posts.filter(Q(published_at__lt=at) | Q(published_at=at, pk__lt=pk))
    found = list(posts[: limit + 1])
    more = len(found) > limit
    found = found[:limit]
    last = found[-1] if found else None
    next_cursor = f"{last.published_at.isoformat()}_{last.pk}" if more and last else None
    return FeedPage(found, next_cursor)
