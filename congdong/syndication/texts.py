"""What a delivery says on the platform: the post's title and the start of its text, the
page's own place name, and the link back to the post on congdong carrying the delivery's marker.

Place names (kept simple on purpose): `{noi}` or `{don_vi}` anywhere in the title or text is
replaced by the page's unit ("Phường Kinh Bắc"); a text without either ends with
"— <page name>". Thousands of pages then never post the very same text.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from django.templatetags.static import static
from django.urls import reverse

from congdong.core.links import absolute_url
from congdong.posts.models import MAX_IMAGES_PER_POST, Post, PostImage
from congdong.posts.rich_text import excerpt

PLACEHOLDERS = ("{noi}", "{don_vi}")
EXCERPT = 600  # characters of the post's text in the external post


@dataclass(frozen=True)
class Text:
    title: str
    summary: str
    url: str  # the post on congdong, with ?kenh=<marker>
    signature: str  # "— <page name>", or "" when a placeholder named the place

    @property
    def message(self) -> str:
        """A Facebook post's message; the marker travels in the link at its end."""
        parts = [self.title, self.summary, self.signature, self.url]
        return "\n\n".join(p for p in parts if p)


def _place(text: str, place: str) -> str:
    for placeholder in PLACEHOLDERS:
        text = text.replace(placeholder, place)
    return text


def compose(post: Post, marker: str) -> Text:
    page = post.page
    place = page.unit.full_name
    raw_title, raw_summary = post.title, excerpt(post.body, EXCERPT)
    placed = any(p in raw_title or p in raw_summary for p in PLACEHOLDERS)
    url = absolute_url(reverse("posts:public", args=[page.slug, post.pk])) + f"?kenh={marker}"
    return Text(
        title=_place(raw_title, place),
        summary=_place(raw_summary, place),
        url=url,
        signature="" if placed else f"— {page.name}",
    )


def article_body(text: Text) -> str:
    """A Zalo article's body (HTML): the summary, the signature and the link."""
    body = f"<p>{escape(text.summary)}</p>"
    if text.signature:
        body += f"<p>{escape(text.signature)}</p>"
    return body + f'<p><a href="{escape(text.url)}">{escape(text.url)}</a></p>'


def pictures(post: Post) -> list[PostImage]:
    """The post's pictures as the post shows them, its gallery then those in its text, at
    most ten (what a post may have)."""
    images = sorted(post.images.all(), key=lambda image: (image.inline, image.order, image.pk))
    return images[:MAX_IMAGES_PER_POST]


def picture_url(image: PostImage) -> str:
    """A picture's public address (served to anyone once its post is published)."""
    return absolute_url(image.url)


def cover_url() -> str:
    """A Zalo article's cover when the post has no picture: the site's share card."""
    return absolute_url(static("congdong/share-card.png"))
