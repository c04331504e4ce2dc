"""Every page of the URL map reads Vietnamese in Vietnamese: rendered as the persona who uses it
(the staff pages of `congdong bench staff-pages`; the public pages as the demo citizen and
anonymously) with Accept-Language vi, its visible text holds no common English UI word and no
raw identifier (a URL name like "posts:approve", an object id like "post #2473", a snake_case
field or state, an ISO timestamp, a Python repr like "0:00:03.953029").

Visible text is the text between tags (not scripts or styles) plus the attributes a person
reads or hears: alt, title, aria-label, placeholder, and the value of buttons. The Django admin
(for the technical administrator, Django's own translations) and the JSON API are not pages.

The sample demo is built once for the module, inside a transaction rolled back at the end.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from congdong.accounts.models import User
from congdong_tools.bench.staff_pages.pages import PAGES, Params, unmapped
from congdong_tools.demo.build import build
from congdong_tools.demo.personas import CITIZEN

# The words a page shows come from its templates and the catalogue, whichever database holds
# the rows: CI reads them once, in the SQLite pass. Every route's answer on PostgreSQL is
# checked by tests/security (audit targets, out-of-scope 404s, cache headers), in both passes.
pytestmark = [pytest.mark.slow, pytest.mark.backend_neutral]

ANONYMOUS, CITIZEN_PERSONA = "", "citizen"


@dataclass(frozen=True)
class StaffPage:
    """A page of the URL map as a persona ("" anonymous, "citizen" the demo citizen, else a
    username) sees it: congdong_tools.bench.staff_pages.pages.StaffPage, with a query that may come
    from the demo too."""

    name: str
    persona: str
    params: Params = field(default=lambda: {})
    query: str | Callable[[], str] = ""

    @property
    def url(self) -> str:
        query = self.query() if callable(self.query) else self.query
        return reverse(self.name, kwargs=self.params()) + query


# --- the public pages, with where their parameters come from in the demo ----------------------


def _page() -> dict[str, Any]:
    from congdong.pages.models import Page
    from congdong_tools.demo.personas import find_unit

    return {"slug": Page.objects.filter(unit=find_unit("24/Kinh Bắc")).order_by("pk")[0].slug}


def _public_post() -> dict[str, Any]:
    from congdong.posts.models import Post, PostState

    post = (
        Post.objects.filter(state=PostState.PUBLISHED, comments__isnull=False)
        .select_related("page")
        .latest("pk")
    )
    return {"slug": post.page.slug, "post_id": post.pk}


def _unit() -> dict[str, Any]:
    from congdong_tools.demo.personas import find_unit

    return {"unit_id": find_unit("24/Kinh Bắc").pk}


def _citizen() -> User:
    return User.objects.get(phone=CITIZEN["phone"])


def _own_feedback() -> dict[str, Any]:
    from congdong.feedback.models import Feedback

    return {"feedback_id": Feedback.objects.filter(citizen=_citizen()).latest("pk").pk}


def _a_comment() -> dict[str, Any]:
    from congdong.engagement.models import Comment, CommentState
    from congdong.posts.models import PostState

    visible = Comment.objects.filter(state=CommentState.VISIBLE, post__state=PostState.PUBLISHED)
    return {"comment_id": visible.exclude(author=_citizen()).latest("pk").pk}


def _a_post() -> dict[str, Any]:
    return {"post_id": _public_post()["post_id"]}


def _page_id() -> dict[str, Any]:
    from congdong.pages.models import Page

    return {"page_id": Page.objects.get(slug=_page()["slug"]).pk}


def _post_query() -> str:
    return f"?tin={_public_post()['post_id']}"


def _policy_version() -> dict[str, Any]:
    from congdong.privacy.policy import current

    return {"version": current().version}


PUBLIC_EVERYONE = (
    StaffPage("site:home", ""),
    StaffPage("core:citizen-needed", ""),
    StaffPage("units:detail", "", _unit),
    StaffPage("pages:public", "", _page),
    StaffPage("posts:public", "", _public_post),
    StaffPage("engagement:search", "", query="?q=Kinh+B%E1%BA%AFc"),
    StaffPage("insights:privacy", ""),
    StaffPage("feedback:track", ""),
    StaffPage("feedback:public-answers", "", _page),
    StaffPage("feedback:public-answers", "", _page, "?phan-doan=1"),  # the section (htmx)
    StaffPage("engagement:share", "", _page_id),  # the share box (htmx)
    StaffPage("engagement:share", "", _page_id, _post_query),
    StaffPage("privacy:policy", ""),
    StaffPage("privacy:policy-version", "", _policy_version),
    StaffPage("channels:official", "", _page),
    StaffPage("channels:report-fake", "", _page),
    StaffPage("channels:directory", "", _unit),
    StaffPage("channels:directory", "", _unit, "?kenh=facebook"),
)
PUBLIC_ANONYMOUS = (
    StaffPage("accounts:staff-login", ""),
    StaffPage("accounts:phone-start", ""),
)
PUBLIC_CITIZEN = (
    StaffPage("engagement:feed", ""),
    StaffPage("engagement:leaderboard", ""),
    StaffPage("engagement:notifications", ""),
    StaffPage("engagement:bell", ""),
    StaffPage("engagement:notification-settings", ""),
    StaffPage("feedback:send", ""),  # the place chooser
    StaffPage("feedback:send", "", query=lambda: f"?don-vi={_unit()['unit_id']}"),
    StaffPage("feedback:mine", ""),
    StaffPage("feedback:item", "", _own_feedback),
    StaffPage("moderation:report-comment", "", _a_comment),
    StaffPage("moderation:report-post", "", _a_post),
    StaffPage("moderation:mine", ""),
    StaffPage("privacy:mine", ""),
    StaffPage("privacy:correct", ""),
    StaffPage("privacy:delete", ""),
)


# Public routes that are not pages a person reads: actions (POST), files, redirects, and steps
# that need a session in the middle of something (a code just sent).
NOT_PAGES = {
    "core:language": "redirects back",
    "set_language": "redirects back (POST)",
    "accounts:logout": "POST",
    "accounts:phone-verify": "needs a code just sent",
    "accounts:citizen-profile": "the first sign-in's step; redirects once done",
    "twofactor:code": "needs a password just accepted",
    "admin-login": "the Django admin",
    "posts:image": "a file",
    "posts:document": "a file",
    "feedback:attachment": "a file",
    "privacy:download": "a file",
    "insights:beacon": "an event (POST)",
    "insights:seen-pixel": "an image",
    "engagement:confirm-email": "a signed link: confirms and redirects",
    "listening:facebook-webhook": "the platform's signed calls (JSON)",
    "listening:zalo-webhook": "the platform's signed calls (JSON)",
    **{
        name: "POST"
        for name in (
            "engagement:follow",
            "engagement:shared",
            "engagement:react",
            "engagement:comment",
            "engagement:comment-reply",
            "engagement:comment-edit",
            "engagement:comment-delete",
            "engagement:comment-show",
            "engagement:comment-hide",
            "engagement:notifications-read",
            "feedback:reopen",
            "feedback:close",
            "moderation:appeal",
            "privacy:new-request",
            "privacy:give-digest",
            "privacy:withdraw",
        )
    },
}


def _public_routes() -> set[str]:
    """Named routes outside /lam-viec/, the admin and the API."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: set[str] = set()

    def walk(resolver: URLResolver, prefix: str, namespace: str | None) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                if str(entry.pattern) not in {"api/v1/", "admin/"}:
                    walk(entry, prefix + str(entry.pattern), entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                route = prefix + str(entry.pattern)
                if not route.startswith("lam-viec/"):
                    found.add(f"{namespace}:{entry.name}" if namespace else entry.name)

    walk(get_resolver(), "", None)
    return found


def _as(pages: tuple[StaffPage, ...], persona: str) -> list[StaffPage]:
    return [StaffPage(page.name, persona, page.params, page.query) for page in pages]


def _bac_ninh() -> str:
    from congdong_tools.demo.personas import find_unit

    return f"?mo={find_unit('24').pk}"


ALL_PAGES = [
    *(StaffPage(page.name, page.persona, page.params, page.query) for page in PAGES),
    # The target picker with a province opened (htmx), beside the bench's search.
    StaffPage("campaigns:picker", "tw.bientap", query=_bac_ninh),
    *_as(PUBLIC_EVERYONE, ANONYMOUS),
    *_as(PUBLIC_EVERYONE, CITIZEN_PERSONA),
    *_as(PUBLIC_ANONYMOUS, ANONYMOUS),
    *_as(PUBLIC_CITIZEN, CITIZEN_PERSONA),
]


# --- what a person reads on a page -------------------------------------------------------------

SPOKEN_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder"}


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0  # depth inside <script>/<style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._hidden += 1
        values = dict(attrs)
        for name in SPOKEN_ATTRIBUTES:
            if values.get(name):
                self.parts.append(values[name] or "")
        if tag == "input" and values.get("type") in {"submit", "button", "reset"}:
            self.parts.append(values.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    return parser.parts


# Words of an English interface: none is a Vietnamese word, with or without its marks (nor a
# loanword Vietnamese interfaces use as it is, like "menu").
ENGLISH = re.findall(
    r"\S+",
    """
minute minutes hour hours day days week weeks month months year years second seconds ago
just now today yesterday tomorrow
save delete submit edit cancel search none true false next previous page pages post posts
back close open send reply comment comments share follow followers unfollow like report
login logout sign password username profile settings notifications dashboard queue
campaign campaigns unit units province commune central citizen staff role admin approve
reject publish published draft approved rejected pending submitted status state action
actions download upload export figures error required field this that the and with your
you for from not yes enter valid invalid unknown loading name title date time feedback
answer answered overdue received transferred request requests breach breaches handbook
board revision revisions moderation appeal appeals takedown audit entry entries view views
created updated changed by of on at filter show hide more confirm continue welcome home
help attachment attachments file files image picture message messages public private
category level total count read unread everyone
""",
)
ENGLISH_WORD = re.compile(r"(?<![\w@./-])(" + "|".join(ENGLISH) + r")(?![\w@-])", re.IGNORECASE)
RAW = {
    "URL name": re.compile(r"\b[a-z]+:[a-z]+(?:-[a-z]+)*\b"),
    "object id": re.compile(r"(?<![&\w])#\d+"),
    "snake_case": re.compile(r"\b[a-z]+_[a-z_]+\b"),
    "ISO timestamp": re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2})?"),
    # A timedelta's str ("0:00:03.953029", "5 days, 19:00:00"): hours without a leading zero
    # or a fraction of a second (a time of day reads "08:09:16").
    "Python repr": re.compile(
        r"(?<![\d:])\d:\d{2}:\d{2}\b|\b\d+:\d{2}:\d{2}\.\d+|<[A-Za-z]+: |\bdatetime\."
    ),
}
# Proper names and brands, written the same way in Vietnamese.
ALLOWED = re.compile(
    r"\b(?:Facebook|Zalo|YouTube|TikTok|PDF|CSV|XLSX|API|SMS|E-?mail|OTP|TOTP|MTTQ|URL|"
    r"Google Authenticator|Microsoft Authenticator|Authenticator|Do Not Track|"
    r"Global Privacy Control)\b",
    re.IGNORECASE,
)


def problems(html: str, places: frozenset[str] = frozenset()) -> list[str]:
    """What an English reader's eye would catch; `places`: words of unit names that happen
    to be English words as well ("xã Khoen On")."""
    found: list[str] = []
    for text in visible_text(html):
        text = ALLOWED.sub(" ", text)
        for match in ENGLISH_WORD.finditer(text):
            if match.group(0) not in places:
                found.append(f"English {match.group(0)!r} in {text[:120]!r}")
        for kind, pattern in RAW.items():
            for match in pattern.finditer(text):
                found.append(f"{kind} {match.group(0)!r} in {text[:120]!r}")
    return found


# --- the demo, once for the module -------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[frozenset[str]]:
    """The sample demo (and the analyst's export), rolled back after the module; yields the
    words of unit names that are English words too."""
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            MEDIA_ROOT=media,
            EVENTS_FLUSH_SECONDS=0,
        ),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            # One day of page views: the dashboards have figures, the module stays short.
            build(lambda _text: None, import_units=False, sample=True, days=1)
            _start_export()
            yield _place_words()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _start_export() -> None:
    """The analyst's export, as `congdong bench staff-pages` starts it, for its pages."""
    from congdong.insights.exports.jobs import run_exports
    from congdong_tools.demo.personas import find_unit

    response = _client("tw.thongke").post(
        "/lam-viec/thong-ke/xuat/",
        {"kind": "dashboard", "unit": find_unit("TW").pk, "format": "csv"},
    )
    assert response.status_code == 302
    run_exports()


def _place_words() -> frozenset[str]:
    from congdong.units.models import Unit

    english = {word.casefold() for word in ENGLISH}
    words = {w for name in Unit.objects.values_list("name", flat=True) for w in name.split()}
    return frozenset(w for w in words if w.casefold() in english)


def _client(persona: str, language: str = "vi") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if language != "vi":  # pages are Vietnamese whatever the browser says, unless chosen
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if persona == CITIZEN_PERSONA:
        client.force_login(_citizen())
    elif persona:
        client.force_login(User.objects.get(username=persona))
    return client


def _get(page: StaffPage, language: str = "vi"):
    url = page.url
    return url, _client(page.persona, language).get(url)


FORM = re.compile(r"<form\b[^>]*>", re.IGNORECASE)


def _posts_to_itself(html: str, url: str) -> bool:
    """A form on the page that sends a POST back to the page's own address."""
    for tag in FORM.findall(html):
        method = re.search(r'method="(\w+)"', tag, re.IGNORECASE)
        action = re.search(r'action="([^"]*)"', tag)
        target = action.group(1) if action else ""
        if method and method.group(1).lower() == "post" and target in ("", url, url.split("?")[0]):
            return True
    return False


@pytest.mark.parametrize(
    "page", ALL_PAGES, ids=[f"{page.name}[{page.persona or 'anonymous'}]" for page in ALL_PAGES]
)
def test_every_page_reads_vietnamese(demo, db, page):
    url, response = _get(page)
    assert response.status_code == 200, (url, response.status_code, response.get("Location"))
    if "html" not in response.get("Content-Type", ""):
        return  # a file (an export's download)
    html = response.content.decode()
    found = problems(html, places=demo)
    assert not found, "\n".join([url, *found])
    if _posts_to_itself(html, url):
        # The form sent empty: its errors are Vietnamese too (the test's transaction is
        # rolled back, so whatever an empty form may do is undone).
        answer = _client(page.persona).post(url, {})
        if answer.status_code in (200, 400) and "html" in answer.get("Content-Type", ""):
            found = problems(answer.content.decode(), places=demo)
            assert not found, "\n".join([f"POST {url}", *found])


@pytest.mark.parametrize(
    "name, persona, words",
    [
        ("site:home", ANONYMOUS, ["Community pages", "Privacy"]),
        ("posts:desk", "kinhbac.canbo", ["Editor's desk"]),
        # The audit log's words for actions and objects have their English too.
        ("audit:list", "tw.baovedulieu", ["Audit log", "Grant a role", "unit «"]),
    ],
)
def test_english_still_reads_english(demo, db, name, persona, words):
    """Whoever chose English (the language switch's cookie) reads English."""
    page = next(p for p in ALL_PAGES if p.name == name and p.persona == persona)
    _url, response = _get(page, language="en")
    html = response.content.decode()
    assert '<html lang="en">' in html
    for text in words:
        assert text.replace("'", "&#x27;") in html or text in html


def test_every_public_route_is_read_or_said_why_not():
    read = {page.name for page in ALL_PAGES}
    assert sorted(_public_routes() - read - set(NOT_PAGES)) == []
    assert read & set(NOT_PAGES) == set()
    assert unmapped() == []  # the staff side: congdong bench staff-pages' own walk


def test_the_checker_finds_english_and_raw_identifiers():
    html = (
        "<p>Cập nhật 2 minutes ago</p><td>post #2473</td><td>trang web · POST</td>"
        "<td>posts:approve</td><span title='unit_admin'>x</span><p>0:00:03.953029</p>"
        "<script>var minutes = 2;</script><p>Facebook, Zalo, PDF</p>"
    )
    found = " ".join(problems(html))
    for piece in ("minutes", "ago", "#2473", "POST", "posts:approve", "unit_admin", "0:00:03"):
        assert piece in found
    assert "Facebook" not in found and "var" not in found
    assert _posts_to_itself('<form method="post" novalidate>', "/x/")
    assert _posts_to_itself('<form method="POST" action="/x/">', "/x/?a=1")
    assert not _posts_to_itself('<form method="post" action="/y/">', "/x/")
    assert not _posts_to_itself('<form method="get">', "/x/")
