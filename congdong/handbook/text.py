"""Handbook text: Markdown rendered to sanitised HTML, and what changed between revisions."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import nh3
from markdown_it import MarkdownIt

from congdong.posts.rich_text import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES

# Raw HTML in the source is shown as text (html=False); nh3 then keeps only the tags a
# handbook needs, as for posts plus the ones Markdown makes for headings and code.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
HANDBOOK_TAGS = ALLOWED_TAGS | {"h1", "h5", "h6", "code", "pre"}


def render_markdown(source: str) -> str:
    """`source` (Markdown) as HTML safe to put on a page."""
    return nh3.clean(
        _MARKDOWN.render(source or ""),
        tags=HANDBOOK_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    ).strip()


@dataclass(frozen=True)
class Line:
    """One line of a diff: kept ("equal"), added ("insert") or removed ("delete"), with its
    number in the old and the new text (None on the side it is not in)."""

    kind: str
    text: str
    old: int | None
    new: int | None


def line_diff(old: str, new: str, context: int = 2) -> list[Line | None]:
    """`old` → `new` line by line; unchanged stretches longer than `context` lines around a
    change are cut, and each cut is a None. Plain strings: the template escapes them."""
    a, b = old.splitlines(), new.splitlines()
    out: list[Line | None] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        if out:
            out.append(None)
        for op, i1, i2, j1, j2 in group:
            if op == "equal":
                out.extend(Line("equal", a[i1 + k], i1 + k + 1, j1 + k + 1) for k in range(i2 - i1))
                continue
            if op in ("delete", "replace"):
                out.extend(Line("delete", a[i], i + 1, None) for i in range(i1, i2))
            if op in ("insert", "replace"):
                out.extend(Line("insert", b[j], None, j + 1) for j in range(j1, j2))
    return out
