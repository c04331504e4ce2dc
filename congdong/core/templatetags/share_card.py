"""`{% share_card title … %}`: the card a shared link shows (OpenGraph, Twitter, canonical).

One tag for every public view that people share (home, directory, pages, posts, answers…), so
Facebook, Zalo and the rest show the same complete card everywhere. Every address in it is
absolute from the configured site address (core/links.py), never from the request's Host.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.templatetags.static import static
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from congdong.core.links import absolute_url

register = template.Library()

DEFAULT_IMAGE = "congdong/share-card.png"
DEFAULT_IMAGE_SIZE = (1200, 630)
LOCALES = {"vi": "vi_VN", "en": "en_US"}


def _text(value: Any, limit: int) -> str:
    return Truncator(" ".join(strip_tags(str(value or "")).split())).chars(limit)


@register.inclusion_tag("core/_share_card.html", takes_context=True)
def share_card(
    context: template.Context,
    title: str,
    description: str = "",
    path: str = "",
    image: Any = None,
    image_alt: str = "",
    kind: str = "website",
    published: datetime.datetime | None = None,
    site_name: str = "",
) -> dict[str, Any]:
    """The card of the view: `path` is its canonical address (default: the request's path,
    without the query, so `?gt=CODE` referral links share the page's one address); `image` an
    uploaded picture (FieldFile) or nothing for the site's own card picture."""
    request = context.get("request")
    path = path or (request.path if request is not None else "/")
    card: dict[str, Any] = {
        "title": _text(title, 150),
        "description": _text(description, 200)
        or _("Official community pages of the Vietnam Fatherland Front at every level."),
        "url": absolute_url(path),
        "site_name": _text(site_name, 150) or _("Community pages"),
        "kind": kind,
        "locale": LOCALES.get((get_language() or "vi")[:2], "vi_VN"),
        "published": published,
        "image_alt": _text(image_alt or title, 200),
    }
    if image:
        card["image"] = absolute_url(image)
    else:
        card["image"] = absolute_url(static(DEFAULT_IMAGE))
        card["image_width"], card["image_height"] = DEFAULT_IMAGE_SIZE
    return card
