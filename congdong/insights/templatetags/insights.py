"""`{% seen_without_js posts %}`: counts feed items as seen in browsers without JavaScript."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from congdong.insights.beacon import MAX_ITEMS

register = template.Library()


@register.simple_tag
def seen_without_js(posts: Iterable[object]) -> str:
    """A <noscript> 1×1 image naming the posts listed (each with `pk` and `page_id`).

    Browsers running JavaScript skip it (beacon.js counts what actually scrolled into view);
    the others load it once, which counts every listed item as seen.
    """
    items = ",".join(f"{post.page_id}.{post.pk}" for post in list(posts)[:MAX_ITEMS])
    if not items:
        return ""
    src = reverse("insights:seen-pixel") + "?" + urlencode({"seen": items})
    return format_html('<noscript><img src="{}" alt="" width="1" height="1"></noscript>', src)
