"""Every page a person can open has a sound outline and honest names, as a screen reader reads
it: exactly one h1, no heading level skipped (h2 then h4), and every link or button whose
`aria-label` replaces its visible text still contains that text (WCAG 2.5.3 "label in name":
a person who says what they see must reach the control). Plus a favicon, so no first visit
asks for a missing /favicon.ico.

The URLs are every GET route of the site (the admin and the API aside), filled with a unit,
page and post of the test data, each opened by the first of anonymous, the persona citizen
and the demo's staff personas who may see it."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from congdong.accounts.models import User
from congdong.accounts.roles import Role
from congdong.engagement.models import Notification, NotificationKind
from congdong.engagement.notifications import COUNT_CAP
from congdong.pages.actions import do_establish_many
from congdong.pages.models import Page
from congdong.posts import actions
from congdong_tools.demo.personas import CITIZEN, PERSONAS
from tests.conftest import client_for, unit_2025
from tests.posts.conftest import approved, grant

pytestmark = pytest.mark.django_db

SKIPPED_PREFIXES = ("admin/", "api/", "^media/", "i18n/", "ngon-ngu/", "su-kien/", "dang-xuat/")


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class Outline(HTMLParser):
    """The headings (level, text) and the named controls (aria-label, visible text).

    Visible text is what is on the screen: with `aria-hidden` parts (a badge is seen), without
    `hidden` ones and the `.sr-only` words that only screen readers hear."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[tuple[int, str]] = []
        self.controls: list[tuple[str, str]] = []
        # Every open element: tag, unseen (itself or above), aria-label, text (for h*, a, button).
        self._stack: list[tuple[str, bool, str | None, list[str] | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        a = dict(attrs)
        unseen = (
            (bool(self._stack) and self._stack[-1][1])
            or "hidden" in a
            or "sr-only" in (a.get("class") or "").split()
        )
        named = re.fullmatch(r"h[1-6]", tag) or tag in ("a", "button")
        self._stack.append((tag, unseen, a.get("aria-label"), [] if named else None))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID or not any(open_tag == tag for open_tag, *_rest in self._stack):
            return
        while self._stack:
            open_tag, _unseen, label, text = self._stack.pop()
            if text is not None:
                visible = " ".join("".join(text).split())
                if open_tag[0] == "h":
                    self.headings.append((int(open_tag[1]), visible))
                elif label is not None:
                    self.controls.append((label, visible))
            if open_tag == tag:
                return

    def handle_data(self, data: str) -> None:
        if not self._stack or self._stack[-1][1]:
            return
        for _tag, _unseen, _label, text in self._stack:
            if text is not None:
                text.append(data)


def _words(text: str) -> str:
    # As axe compares them: lower case, letters and digits only (symbols such as 🔔 dropped).
    return " ".join(re.findall(r"\w+", text.lower()))


def problems_of(html: str, page: bool = True) -> list[str]:
    """What is wrong in `html`: its outline (for a whole page) and its controls' names."""
    outline = Outline()
    outline.feed(html)
    found = []
    levels = [level for level, _text in outline.headings]
    if page and levels.count(1) != 1:
        found.append(f"{levels.count(1)} h1 (one wanted)")
    previous = 0
    for level, text in outline.headings if page else []:
        if level > previous + 1:
            found.append(f"h{level} “{text[:40]}” after h{previous}")
        previous = level
    for label, visible in outline.controls:
        if _words(visible) and _words(visible) not in _words(label):
            found.append(f"aria-label “{label}” does not contain the visible “{visible}”")
    return found


def _routes(patterns, prefix: str = ""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and not route.startswith(SKIPPED_PREFIXES):
            yield route


@pytest.fixture
def site(personas, pages):
    """The URLs to open, and who opens them (in order of preference)."""
    kinh_bac = pages.kinh_bac
    author = personas["kinhbac.canbo"]
    approver = grant("kinhbac.duyettin", kinh_bac.unit, Role.APPROVER)
    post = actions.publish_or_schedule(author, approved(author, approver, kinh_bac).pk)
    # National news on the home page: a post of the central page.
    central = unit_2025("TW")
    do_establish_many([central], opened_at=timezone.now())
    national = Page.objects.get(unit=central)
    central_approver = grant("tw.duyettin", central, Role.APPROVER)
    editor = personas["tw.bientap"]
    actions.publish_or_schedule(editor, approved(editor, central_approver, national).pk)
    values = {
        "unit_id": kinh_bac.unit_id,
        "page_id": kinh_bac.pk,
        "slug": kinh_bac.slug,
        "post_id": post.pk,
    }
    urls = []
    for route in sorted(set(_routes(get_resolver().url_patterns))):
        names = re.findall(r"<(?:\w+:)?(\w+)>", route)
        if any(name not in values for name in names):
            continue  # an object these data do not have
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m[1]]), route)
        urls.append("/" + url)
    citizen = User.objects.get(phone=CITIZEN["phone"])
    people = [Client(), client_for(citizen)]
    people += [client_for(personas[p.username]) for p in PERSONAS]
    return urls, people


@pytest.mark.slow  # renders every page of the URL map
def test_every_page_has_one_h1_no_skipped_heading_level_and_labels_holding_their_text(site):
    urls, people = site
    seen, problems = 0, {}
    for url in urls:
        for client in people:
            response = client.get(url)
            if response.status_code == 405:
                break  # a POST-only address
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            html = response.content.decode()
            fragment = "<html" not in html  # htmx: only its controls' names are checked
            seen += not fragment
            if found := problems_of(html, page=not fragment):
                problems[url] = found
            break
    assert seen > 40  # most of the site was opened
    assert problems == {}


def test_the_bell_past_its_cap_is_named_by_what_it_shows(personas):
    citizen = User.objects.get(phone=CITIZEN["phone"])
    # Unread notices (counted only: the bell does not list them) up to the cap, "99+".
    Notification.objects.bulk_create(
        Notification(
            recipient=citizen,
            kind=NotificationKind.FEEDBACK_LATE_ACCEPT,
            created_at=timezone.now(),
        )
        for _ in range(COUNT_CAP)
    )
    fragment = client_for(citizen).get("/thong-bao/chuong/").content.decode()
    assert f">{COUNT_CAP - 1}+<" in fragment
    assert problems_of(fragment, page=False) == []


def test_the_favicon_is_served_and_every_page_names_it(client):
    response = client.get("/favicon.ico")
    assert response.status_code in (200, 301, 302)
    if response.status_code != 200:
        response = client.get(response["Location"])
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/")
    home = client.get("/").content.decode()
    assert re.search(r'<link rel="icon" href="/static/congdong/favicon.svg"', home)


def test_the_checker_finds_what_it_looks_for():
    bad = (
        "<html><h1>A</h1><h3>skipped</h3><h1>B</h1>"
        '<a aria-label="Notifications: 120 new">🔔 Notifications <span aria-hidden="true">99+'
        '</span></a><a aria-label="Notifications: 3 new">🔔 Notifications 3</a>'
        '<button>Remove<span class="sr-only"> editor</span></button></html>'
    )
    found = problems_of(bad)
    assert any("2 h1" in f for f in found)
    assert any("h3 “skipped” after h1" in f for f in found)
    assert sum("aria-label" in f for f in found) == 1
