"""Accent-free, ranked search over published posts."""

from __future__ import annotations

from congdong.core.text import fold
from congdong.posts.rich_text import plain_text


def searchable(title: str, body: str, tags: str) -> str:
    """What `Post.search_text` holds: the folded title on the first line (ranking reads it),
    then tags and text."""
    return "\n".join(fold(part) for part in (title, tags, plain_text(body)))[:20000]
