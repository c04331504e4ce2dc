"""Reads for insights."""

from __future__ import annotations

from collections.abc import Iterable

from congdong.pages.models import PageStatus
from congdong.posts.models import Post, PostState


def public_feed_items(pairs: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The (page id, post id) pairs that name a published post of that active page, in one
    query; the rest (made up, hidden, a post moved to another page) are left out."""
    wanted = set(pairs)
    if not wanted:
        return []
    found = set(
        Post.objects.filter(
            pk__in={post for _page, post in wanted},
            state=PostState.PUBLISHED,
            page__status=PageStatus.ACTIVE,
        ).values_list("page_id", "pk")
    )
    return sorted(wanted & found)
