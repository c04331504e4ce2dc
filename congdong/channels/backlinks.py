"""Does a channel point back to our page? Proof two of a link (proof one is OAuth)."""

from __future__ import annotations

import ipaddress
import re
import socket
from html.parser import HTMLParser
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.urls import reverse

from congdong.core.links import absolute_url
from congdong.pages.models import Page

WEBSITE_TIMEOUT = 3.0  # seconds: a website check runs while a person waits
WEBSITE_MAX_BYTES = 512 * 1024


def page_address(page: Page) -> str:
    """The absolute address of the page's public side, as a channel should quote it."""
    return absolute_url(reverse("pages:public", kwargs={"slug": page.slug}))


def _bare(url: str) -> str:
    return re.sub(r"^https?://", "", url.strip()).rstrip("/").lower()


def mentions(text: str, page: Page) -> bool:
    """`text` (a Page's website or about field, an OA's description) holds the page's
    address, with or without the scheme and the trailing slash."""
    target = _bare(page_address(page))
    for found in re.findall(r"(?:https?://)?[^\s\"'<>]+", text or ""):
        if _bare(found) == target:
            return True
    return False


class _RelMe(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("a", "link"):
            return
        values = dict(attrs)
        if "me" in (values.get("rel") or "").lower().split() and values.get("href"):
            self.hrefs.append(values["href"] or "")


def rel_me_links(html: str) -> list[str]:
    parser = _RelMe()
    parser.feed(html)
    return parser.hrefs


def _public_host(url: str) -> bool:
    """The address's host resolves to public addresses only: a staff member linking a
    "website" must not make the server read its own network (127.0.0.1:6379, 10.0.0.0/8 …).
    `CHANNEL_WEBSITE_PRIVATE_OK` (DEBUG by default; tests) lifts it for a laptop."""
    if getattr(settings, "CHANNEL_WEBSITE_PRIVATE_OK", settings.DEBUG):
        return True
    host = urlsplit(url).hostname
    if not host:
        return False
    try:
        found = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (OSError, UnicodeError):
        return False
    return bool(found) and all(ipaddress.ip_address(a.split("%")[0]).is_global for a in found)


def website_points_back(url: str, page: Page) -> tuple[bool, str]:
    """(ok, why not) for a website: its HTML must hold `rel="me"` to the page's address.
    Read with a short timeout, no redirects (each hop would need the same host check); any
    failure is "not verified", never an error page."""
    if not _public_host(url):
        return False, "not a public address"
    try:
        with httpx.Client(timeout=WEBSITE_TIMEOUT, follow_redirects=False) as client:
            response = client.get(url, headers={"User-Agent": "congdong-channel-check"})
        html = response.text[:WEBSITE_MAX_BYTES]
    except httpx.HTTPError as exc:
        return False, type(exc).__name__
    if response.status_code != 200:
        return False, f"HTTP {response.status_code}"
    target = _bare(page_address(page))
    if any(_bare(href) == target for href in rel_me_links(html)):
        return True, ""
    return False, "no rel=me link back"
