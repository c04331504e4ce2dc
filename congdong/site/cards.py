"""Post cards of a page's list, rendered once and kept in the cache.

A card (picture, title, origin, date, category, excerpt) changes only when its post is edited,
so its HTML is kept under the post's id and `updated_at`, per language: a page of ten cards
costs one cache read instead of ten renders, for signed-in people too (who never get the
whole-page cache). Counts under each card are not in it; they are rendered fresh. A card whose
campaign source is hidden later keeps its "From …" line until it expires (CARD_SECONDS).
"""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from congdong.campaigns.queries import origins_of
from congdong.pages.models import Page
from congdong.posts.models import Post
from congdong.posts.rich_text import excerpt

CARD_SECONDS = 600


def _key(post: Post, language: str) -> str:
    stamp = post.updated_at.timestamp() if post.updated_at else 0
    return f"congdong:card:{language}:{post.pk}:{stamp}"


def with_cards(posts: list[Post], page: Page) -> list[Post]:
    """Set `card_html` (and `url`) on each post; only missing cards are rendered, with their
    pictures and campaign origins read for them alone."""
    language = translation.get_language() or "vi"
    for post in posts:
        post.url = reverse("posts:public", args=[page.slug, post.pk])
    keys = {post.pk: _key(post, language) for post in posts}
    found = cache.get_many(list(keys.values())) if keys else {}
    missing = [post for post in posts if keys[post.pk] not in found]
    if missing:
        prefetch_related_objects(missing, "images")
        origins = origins_of(missing)
        made = {}
        for post in missing:
            post.summary = excerpt(post.body)
            post.origin = origins.get(post.pk)
            made[keys[post.pk]] = render_to_string(
                "posts/_public_card.html", {"post": post, "page": page}
            )
        cache.set_many(made, timeout=CARD_SECONDS)
        found |= made
    for post in posts:
        post.card_html = found[keys[post.pk]]
    return posts
