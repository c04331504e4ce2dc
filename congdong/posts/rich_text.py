"""Safe rich text for post bodies: sanitised with nh3 (ammonia), and its plain-text reading."""

from __future__ import annotations

import html
import re

import nh3

# What the editor's toolbar can produce; everything else (script, style, iframes, event
# handlers, inline styles) is dropped. nh3 removes <script>/<style> with their content.
ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "blockquote", "ul", "ol", "li",
    "h2", "h3", "h4", "a", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"colspan", "rowspan"}, "td": {"colspan"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

# Block-level tags separate words; inline tags do not ("kho<b>ản</b>" is one word), so
# phrase checks cannot be dodged by splitting a word with markup.
_BLOCK_TAG = re.compile(
    r"</?(?:p|br|blockquote|ul|ol|li|h[1-6]|hr|table|thead|tbody|tr|th|td|div)\b[^>]*>", re.I
)
_ANY_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")


def clean_html(body: str) -> str:
    """`body` with only the allowed tags and attributes; links get rel="noopener noreferrer"."""
    return nh3.clean(
        body or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    ).strip()


def plain_text(body: str) -> str:
    """The text a reader sees in `body` (HTML), entities decoded, spaces collapsed."""
    text = _ANY_TAG.sub("", _BLOCK_TAG.sub(" ", clean_html(body)))
    return _SPACES.sub(" ", html.unescape(text)).strip()


def excerpt(body: str, length: int = 280) -> str:
    """The start of the text of `body` (stored, already sanitised HTML), cut at a word."""
    text = _SPACES.sub(" ", html.unescape(_ANY_TAG.sub("", _BLOCK_TAG.sub(" ", body)))).strip()
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0] + "…"
