"""Accent-free, ranked search over published posts."""

from __future__ import annotations

from congdong.core.text import fold
from congdong.posts.rich_text import plain_text


def searchable(title: str, body: str, tags: str) -> str:
    """What `Post.search_text` holds: the title first (ranking reads it), then tags and text."""
    return fold(f"{title}\n{tags}\n{plain_text(body)}")[:20000]
