"""Safe rich text for post bodies: sanitised with nh3 (ammonia), and its plain-text reading."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit, urlunsplit

import nh3

# What the editor's toolbar can produce; everything else (script, style, iframes, event
# handlers, inline styles) is dropped. nh3 removes <script>/<style> with their content.
ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "blockquote", "ul", "ol", "li",
    "h2", "h3", "h4", "a", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"colspan", "rowspan"}, "td": {"colspan"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

# A post's text may also hold its own pictures (the editor uploads them, see
# `congdong.posts.actions.check_upload_inline_picture`): <img> whose address is one of our
# picture addresses (posts/urls.py "posts:image"), with a description. Any other picture
# (a pasted Word picture, a tracking pixel) is dropped; Facebook's emoji pictures become the
# emoji they show.
# Only posts take pictures in the text: the handbook imports the lists above, not these.
POST_TAGS = ALLOWED_TAGS | {"img"}
POST_ATTRIBUTES = ALLOWED_ATTRIBUTES | {"img": {"src", "alt"}}
INLINE_PICTURE_SRC = re.compile(r"^/tep/tin-bai/anh/([0-9]{1,12})/$")
_IMG = re.compile(r"<img\b([^>]*)>")
_IMG_SRC = re.compile(r'\bsrc="([^"]*)"')
_IMG_ALT = re.compile(r'\balt="([^"]*)"')

# Block-level tags separate words; inline tags do not ("kho<b>ản</b>" is one word), so
# phrase checks cannot be dodged by splitting a word with markup.
_BLOCK_TAG = re.compile(
    r"</?(?:p|br|blockquote|ul|ol|li|h[1-6]|hr|table|thead|tbody|tr|th|td|div)\b[^>]*>", re.I
)
_ANY_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")


# Facebook sends links through its redirector and tags hashtags with tracking parameters.
_FACEBOOK_REDIRECT = {"l.facebook.com", "lm.facebook.com"}
_FACEBOOK_TRACKING = re.compile(r"^(__[a-z]+__(\[\d+\])?|fbclid|__tn__)$")


def _plain_link(value: str) -> str:
    """A link without Facebook's redirector and tracking parameters; others unchanged."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return value
    host = (parts.hostname or "").lower()
    if host in _FACEBOOK_REDIRECT and parts.path == "/l.php":
        target = parse_qs(parts.query).get("u", [""])[0]
        if target.startswith(("https://", "http://")):
            return _plain_link(target)
    if host.endswith("facebook.com") or "fbclid=" in parts.query:
        kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                if not _FACEBOOK_TRACKING.match(k)]  # fmt: skip
        return urlunsplit(parts._replace(query=urlencode(kept)))
    return value


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if INLINE_PICTURE_SRC.match(value) else None
    if tag == "img" and attribute == "alt":
        return " ".join(value.split())[:300]
    if tag == "a" and attribute == "href":
        return _plain_link(value)
    if attribute == "title" and not value.strip():
        return None  # the editor's link dialog sends an empty one
    return value


def _is_emoji(text: str) -> bool:
    """Symbols only (an emoji with its joiners and variation selectors), no letter or digit."""
    text = html.unescape(text).strip()
    return bool(text) and all(
        unicodedata.category(c) in ("So", "Sk", "Sm", "Mn", "Cf", "Zs") for c in text
    )


def _picture_or_its_emoji(match: re.Match[str]) -> str:
    """An <img> of nh3's output (attributes double-quoted, values escaped): kept if it has our
    address; Facebook's emoji pictures become the emoji; any other picture goes (a picture
    in a post is uploaded and described in the editor)."""
    attributes = match.group(1)
    if _IMG_SRC.search(attributes):
        return match.group(0)
    alt = _IMG_ALT.search(attributes)
    return alt.group(1) if alt and _is_emoji(alt.group(1)) else ""


# Word marks the bullet or number of its own list paragraphs (and other fallbacks) with
# conditional sections; the bullet is decoration, not text.
_WORD_LIST_MARKER = re.compile(r"<!\[if !supportLists\]>.*?<!\[endif\]>", re.S | re.I)
_DIV = re.compile(r"<(/?)div>")
_EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|&nbsp;|<br>)*</p>\s*")


def clean_html(body: str) -> str:
    """`body` with only the allowed tags and attributes; links get rel="noopener noreferrer";
    pictures only of our own addresses (see POST_TAGS). The one sanitiser of post text: the
    editor in the browser produces a subset of what it keeps, and whatever else a browser
    sends (pasted Word or Facebook markup, a hand-made request) is cut down to it here."""
    body = _WORD_LIST_MARKER.sub("", body or "")
    if "<div" in body or "<DIV" in body:
        # Facebook and web pages write their lines as <div>s: each becomes a paragraph (a
        # second pass mends the nesting), rather than the lines running into one another.
        divs = _nh3(body, POST_TAGS | {"div"})
        body = _EMPTY_PARAGRAPH.sub("", _nh3(_DIV.sub(r"<\1p>", divs), POST_TAGS))
    cleaned = _IMG.sub(_picture_or_its_emoji, _nh3(body, POST_TAGS))
    return _EMPTY_PARAGRAPH.sub("", cleaned).strip()


def _nh3(body: str, tags: set[str]) -> str:
    return nh3.clean(
        body,
        tags=tags,
        attributes=POST_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


@dataclass(frozen=True)
class InlinePicture:
    image_id: int
    alt: str  # as written in the HTML (escaped)


def inline_pictures(body: str) -> list[InlinePicture]:
    """The pictures of our own in `body` (HTML cleaned by `clean_html`), in order."""
    found = []
    for match in _IMG.finditer(body or ""):
        src = _IMG_SRC.search(match.group(1))
        address = INLINE_PICTURE_SRC.match(html.unescape(src.group(1))) if src else None
        if address:
            alt = _IMG_ALT.search(match.group(1))
            found.append(InlinePicture(int(address.group(1)), alt.group(1) if alt else ""))
    return found


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
