"""Accent-insensitive, ranked search over active pages and published posts.

Text is matched in its folded form ("bac ninh" finds "Bắc Ninh"): units keep `search_name`,
posts keep `search_text` (title first). Candidates are narrowed in the database, then ranked
here: a page whose own unit matches comes before pages of units inside the place; a post
whose title holds every word comes before one that only mentions them, newer before older.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from congdong.core.text import fold
from congdong.pages.models import Page, PageStatus
from congdong.posts.models import Post, PostState

MAX_WORDS = 8
CANDIDATES = 200


@dataclass(frozen=True)
class Results:
    query: str
    pages: list[Page]
    posts: list[Post]

    @property
    def empty(self) -> bool:
        return not self.pages and not self.posts


def words_of(text: str) -> list[str]:
    return [w for w in fold(text).split(" ") if w][:MAX_WORDS]


def search(text: str, pages: int = 10, posts: int = 20) -> Results:
    """Pages and posts matching every word of `text`, best first (two queries)."""
    words = words_of(text)
    if not words or len("".join(words)) < 2:
        return Results(text, [], [])
    return Results(text, _pages(words, pages), _posts(words, posts))


def _pages(words: list[str], limit: int) -> list[Page]:
    phrase = " ".join(words)
    # The unit's own name, or the place it lies in (a commune of "bac ninh" is found too).
    inside = (
        Q(unit__search_name__contains=phrase)
        | Q(unit__parent__search_name__contains=phrase)
        | Q(unit__parent__parent__search_name__contains=phrase)
    )
    found = list(
        Page.objects.standard()
        .filter(inside, status=PageStatus.ACTIVE)
        .order_by("unit__depth", "unit__path")[:CANDIDATES]
    )

    def rank(page: Page) -> tuple:
        own = page.unit.search_name
        return (
            0 if own.endswith(phrase) else 1 if phrase in own else 2,  # "tinh bac ninh" first
            page.unit.depth,
            page.unit.path,
        )

    return sorted(found, key=rank)[:limit]


def _posts(words: list[str], limit: int) -> list[Post]:
    matches = Q()
    for word in words:
        matches &= Q(search_text__contains=word)
    found = list(
        Post.objects.filter(matches, state=PostState.PUBLISHED, page__status=PageStatus.ACTIVE)
        .select_related("page", "page__unit", "category")
        .order_by("-published_at", "-pk")[:CANDIDATES]
    )
    phrase = " ".join(words)

    def rank(post: Post) -> tuple:
        title = post.search_text.split("\n", 1)[0]
        in_title = sum(word in title for word in words)
        return (
            -(phrase in title) * 2 - (in_title == len(words)),
            -in_title,
            -(phrase in post.search_text),
            -post.published_at.timestamp() if post.published_at else 0,
        )

    return sorted(found, key=rank)[:limit]
