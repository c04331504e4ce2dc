"""Published posts made in bulk, for the benchmarks and the scenario (not the write path a
person takes: no approval, no events), with the row and the transition row the real path
leaves. Imported after Django is set up."""

from __future__ import annotations

import datetime

from congdong.accounts.models import User
from congdong.pages.models import Page
from congdong.posts.models import Category, Post, PostState, PostTransition, Regulation
from congdong.posts.search import searchable


def published(
    page: Page,
    author: User,
    category: Category | None,
    regulation: Regulation | None,
    title: str,
    body: str,
    at: datetime.datetime,
    tags: str = "",
) -> Post:
    """An unsaved post, published at `at`, with its search text."""
    return Post(
        page=page,
        author=author,
        category=category,
        title=title,
        body=body,
        search_text=searchable(title, body, tags),
        tags=tags,
        state=PostState.PUBLISHED,
        publish_at=at,
        published_at=at,
        regulation=regulation,
    )


def save_published(posts: list[Post], batch_size: int | None = None) -> list[Post]:
    """`posts` (from `published`) saved, each with its transition row into published."""
    created = Post.objects.bulk_create(posts, batch_size=batch_size)
    steps = []
    for post in created:
        assert post.published_at is not None  # as `published` made it
        steps.append(
            PostTransition(
                post=post, from_state="", to_state=PostState.PUBLISHED, at=post.published_at
            )
        )
    PostTransition.objects.bulk_create(steps, batch_size=batch_size)
    return created
