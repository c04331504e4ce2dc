"""A fake Facebook Graph API (and Login dialog) for tests and the demo.

Seed it with `add_user` and `add_page`; point `CONGDONG_FACEBOOK_GRAPH_URL` and
`CONGDONG_FACEBOOK_DIALOG_URL` at `.url`. It checks tokens, permissions and `appsecret_proof`,
answers in Graph's shapes (`{"data": [...], "paging": ...}`, `{"error": {...}}`) and sends usage
headers on every answer. Faults (`fail(kind, times=, after=, target=page_id, path=)`):

- "token_expired": (#190, subcode 463) — the token is refused.
- "permission_missing": (#200) "Requires <permission> permission" (option `permission`;
  option `code=10` for the (#10) wording).
- "rate_limited": option `code` 80001 (default; `X-Business-Use-Case-Usage` at 100 %), 4
  (`X-App-Usage`), 32 (`X-Page-Usage`), 17 or 613; option `regain_minutes` (default 1).
- "server_error": HTTP 500 with code 1 and `is_transient`, or option `html=True` for a bare 502.
- "timeout": hold the call `seconds` (default 30) — option `after_action=True` does the work
  first and then holds the answer, as when a post is made but its answer is lost.
- "slow": hold the call `seconds` (default 1), then answer it as usual.
- "invalid_metric": (#100) on the next insights call whatever the metrics (option `message`
  for another (#100), e.g. about the dates).

Photos: `POST /{page}/photos` with `published=false` keeps an unpublished photo and answers its
id alone; `POST /{page}/feed` with `attached_media[i]={"media_fbid": id}` makes one post showing
them — each photo of that Page, once (an unknown, foreign, published or already attached photo,
or a `link` beside photos, is refused with (#100)); bytes that are no image: (#324).
`photos(page_id)` lists the uploads, `FakePost.photos` a post's; `forget_photo(id)` plays
Facebook clearing an unpublished photo away.

Metrics: `retire_metric(name, since_version=None)` makes a metric fail the *whole* request with
(#100), as Graph does. `rate_limit(calls, window)` enforces a real limit per Page (80001) or
per app (4). Webhooks out: `send_feed_comment(page_id, to_url=...)`, signed with the app secret.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from html import escape
from typing import Any, Unpack
from urllib.parse import urlencode

import httpx

from congdong.channels.clients.facebook import PAGE_SCOPES
from congdong.channels.signatures import facebook_signature
from congdong_tools.fakes import server
from congdong_tools.fakes.server import RateWindow, Request, Response, html, redirect

__all__ = ["ALL_PERMISSIONS", "RETIRED_METRICS", "FakeGraph"]

# What a person grants by default: every permission congdong asks for, and the public profile.
ALL_PERMISSIONS = (*PAGE_SCOPES, "public_profile")
ALL_TASKS = ("ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE")
# Metrics Facebook retired for every version (CHANNELS.md: 14 Mar 2024, 15 Jun 2025, 15 Nov 2025).
RETIRED_METRICS: dict[str, str | None] = {
    "page_engaged_users": None,
    "page_fans_online": None,
    "page_fans_gender_age": None,
    "page_impressions_unique": None,
    "post_impressions_unique": None,
    "page_fans": None,
    "page_fans_city": None,
}
KNOWN_METRICS = frozenset(
    {
        "page_follows",
        "page_follows_city",
        "page_daily_follows",
        "page_daily_unfollows",
        "page_total_media_view_unique",
        "page_media_view",
        "page_post_engagements",
        "page_views_total",
        "page_impressions",
        "post_total_media_view_unique",
        *RETIRED_METRICS,
    }
)
# What each call needs (CHANNELS.md, "Auth / tokens").
NEEDS = {
    "accounts": "pages_show_list",
    "publish": "pages_manage_posts",
    "insights": "read_insights",
    "read_feed": "pages_read_engagement",
    "read_comments": "pages_read_user_engagement",
    "moderate": "pages_manage_engagement",
    "subscribe": "pages_manage_metadata",
}
INVALID_METRIC_MESSAGE = "(#100) The value must be a valid insights metric"
# The image formats Graph takes (JPEG, PNG, GIF, BMP, TIFF, WebP), by their first bytes.
IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"BM", b"II*\x00", b"MM\x00*", b"RIFF")


@dataclass
class FakeUser:
    id: str
    name: str
    permissions: dict[str, str]


@dataclass
class FakeToken:
    value: str
    kind: str  # "user" | "page"
    user_id: str
    page_id: str | None = None
    long_lived: bool = False
    expired: bool = False


@dataclass
class FakePost:
    id: str
    page_id: str
    message: str
    link: str | None
    created_time: str
    published: bool = True
    scheduled_publish_time: int | None = None
    photo: bool = False
    image_bytes: int = 0
    # The unpublished photos attached to it (`attached_media`), in order.
    photos: list[str] = field(default_factory=list)


@dataclass
class FakePhoto:
    id: str
    page_id: str
    published: bool
    image_bytes: int = 0
    url: str | None = None
    alt_text: str = ""
    created_time: str = ""
    # The feed post it was attached to (an unpublished photo), or that shows it (published).
    post_id: str | None = None


@dataclass
class FakeComment:
    id: str
    object_id: str
    message: str
    from_id: str
    from_name: str
    created_time: str
    is_hidden: bool = False


@dataclass
class FakePage:
    id: str
    name: str
    website: str = ""
    about: str = ""
    followers: int = 0
    fans: int = 0
    link: str = ""
    admins: dict[str, tuple[str, ...]] = field(default_factory=dict)
    subscribed_fields: list[str] = field(default_factory=list)
    insights: dict[str, dict[date, Any]] = field(default_factory=dict)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.lstrip("v").split(".") if part.isdigit())


def _error(status: int, code: int, message: str, **extra: Any) -> Response:
    body = {
        "error": {
            "message": message,
            "type": extra.pop("type", "OAuthException"),
            "code": code,
            "fbtrace_id": secrets.token_urlsafe(8),
            **extra,
        }
    }
    return Response(status, body)


class FakeGraph(server.FakeServer):
    """Facebook's Graph API and Login dialog, for one app."""

    name = "fake-graph"
    control_methods = (
        "add_user",
        "add_page",
        "token_for",
        "expire_token",
        "grant",
        "set_insight",
        "add_post",
        "retire_metric",
        "rate_limit",
        "fail",
        "clear_faults",
        "release_held",
        "posts",
        "photos",
        "forget_photo",
        "post_count",
        "duplicate_posts",
        "add_comment",
        "comments_on",
    )

    def __init__(
        self,
        *,
        app_id: str = "fake-app",
        app_secret: str = "fake-app-secret",
        page_size: int = 25,
        require_proof: bool = False,
        **listen: Unpack[server.Listen],
    ) -> None:
        super().__init__(**listen)
        self.app_id = app_id
        self.app_secret = app_secret
        self.page_size = page_size
        self.require_proof = require_proof
        self.users: dict[str, FakeUser] = {}
        self.pages: dict[str, FakePage] = {}
        self.tokens: dict[str, FakeToken] = {}
        self.page_tokens: dict[tuple[str, str, bool], FakeToken] = {}
        self.codes: dict[str, tuple[str, str]] = {}
        self.dialog_user: str | None = None
        self.retired: dict[str, str | None] = dict(RETIRED_METRICS)
        self.feed: list[FakePost] = []
        self.feed_by_page: dict[str, list[FakePost]] = {}
        self.uploaded: dict[str, FakePhoto] = {}
        self.comments: dict[str, FakeComment] = {}
        self.page_window: RateWindow | None = None
        self.app_window: RateWindow | None = None
        self.rate_code = 80001
        self._ids = itertools.count(1000)
        v = r"(?P<version>v\d+\.\d+)"
        self.route("GET", rf"/{v}/dialog/oauth", self.dialog)
        self.route("POST", rf"/{v}/dialog/oauth", self.dialog_confirm)
        self.route("GET", rf"/{v}/oauth/access_token", self.access_token)
        self.route("POST", rf"/{v}/oauth/access_token", self.access_token)
        self.route("GET", rf"/{v}/me", self.me)
        self.route("GET", rf"/{v}/me/accounts", self.me_accounts)
        self.route("GET", rf"/{v}/me/permissions", self.me_permissions)
        self.route("DELETE", rf"/{v}/me/permissions", self.me_revoke)
        self.route("POST", rf"/{v}/(?P<page_id>\d+)/feed", self.page_publish)
        self.route("GET", rf"/{v}/(?P<page_id>\d+)/feed", self.page_feed)
        self.route("POST", rf"/{v}/(?P<page_id>\d+)/photos", self.page_photo)
        # A Page's insights, or a post's ("{page_id}_{post_id}").
        self.route("GET", rf"/{v}/(?P<object_id>[\d_]+)/insights", self.page_insights)
        self.route(
            "GET", rf"/{v}/(?P<object_id>[\d_]+)/insights/(?P<metric>\w+)", self.page_insights
        )
        self.route("POST", rf"/{v}/(?P<page_id>\d+)/subscribed_apps", self.page_subscribe)
        self.route("GET", rf"/{v}/(?P<object_id>[\d_]+)/comments", self.object_comments)
        self.route("POST", rf"/{v}/(?P<object_id>[\d_]+)/comments", self.object_reply)
        self.route("GET", rf"/{v}/(?P<object_id>[\d_]+)", self.object_get)
        self.route("POST", rf"/{v}/(?P<object_id>[\d_]+)", self.object_update)

    # --- seeding ---------------------------------------------------------------------------

    def add_user(
        self, user_id: str, name: str = "", *, permissions: list[str] | None = None
    ) -> str:
        """A person who can log in; returns a (short-lived) user token for them."""
        granted = ALL_PERMISSIONS if permissions is None else permissions
        with self.lock:
            self.users[user_id] = FakeUser(
                user_id, name or f"User {user_id}", {p: "granted" for p in granted}
            )
            return self._issue("user", user_id).value

    def add_page(
        self,
        page_id: str,
        name: str,
        *,
        website: str = "",
        about: str = "",
        followers: int = 0,
        fans: int | None = None,
        admins: list[str] | dict[str, list[str]] | None = None,
    ) -> FakePage:
        """A Page; `admins` are user ids (all tasks) or {user_id: [tasks]}."""
        if isinstance(admins, dict):
            admin_tasks = {user: tuple(tasks) for user, tasks in admins.items()}
        else:
            admin_tasks = {user: ALL_TASKS for user in admins or ()}
        page = FakePage(
            id=str(page_id),
            name=name,
            website=website,
            about=about,
            followers=followers,
            fans=followers if fans is None else fans,
            link=f"https://www.facebook.com/{page_id}",
            admins=admin_tasks,
        )
        with self.lock:
            self.pages[page.id] = page
        return page

    def grant(self, user_id: str, permission: str, status: str = "granted") -> None:
        """Set one permission of a user ("declined" takes it away)."""
        with self.lock:
            self.users[user_id].permissions[permission] = status

    def token_for(self, user_id: str, *, page_id: str | None = None) -> str:
        """A fresh user token, or a page token if `page_id`."""
        with self.lock:
            return self._issue("page" if page_id else "user", user_id, page_id).value

    def expire_token(self, token: str) -> None:
        with self.lock:
            self.tokens[token].expired = True

    def add_post(self, page_id: str, message: str, created: str) -> str:
        """A post already on the Page, made at `created` (ISO, e.g. "2026-03-01T02:00:00+0000"
        or a date); returns its id."""
        when = _parse_time(created)
        assert when is not None
        post = FakePost(
            id=f"{page_id}_{next(self._ids)}",
            page_id=page_id,
            message=message,
            link=None,
            created_time=when.strftime("%Y-%m-%dT%H:%M:%S+0000"),
        )
        with self.lock:
            self._add_post(post)
        return post.id

    def set_insight(self, page_id: str, metric: str, day: str | date, value: Any) -> None:
        day = date.fromisoformat(day) if isinstance(day, str) else day
        with self.lock:
            self.pages[page_id].insights.setdefault(metric, {})[day] = value

    def retire_metric(self, metric: str, since_version: str | None = None) -> None:
        """From `since_version` on (every version if None) asking for `metric` fails with (#100)."""
        with self.lock:
            self.retired[metric] = since_version

    def rate_limit(self, calls: int, window: float, *, code: int = 80001) -> None:
        """At most `calls` calls per `window` seconds per Page (80001, 32) or for the app (4)."""
        with self.lock:
            self.rate_code = code
            limiter = RateWindow(calls, window)
            if code == 4:
                self.app_window, self.page_window = limiter, None
            else:
                self.page_window, self.app_window = limiter, None

    # --- inspection ------------------------------------------------------------------------

    def posts(self, page_id: str) -> list[FakePost]:
        with self.lock:
            return list(self.feed_by_page.get(page_id, ()))

    def photos(self, page_id: str) -> list[FakePhoto]:
        """Every photo uploaded to the Page, published or not, in upload order."""
        with self.lock:
            return [p for p in self.uploaded.values() if p.page_id == page_id]

    def forget_photo(self, photo_id: str) -> None:
        """Facebook no longer has this photo (an unpublished upload it cleared away)."""
        with self.lock:
            self.uploaded.pop(photo_id, None)

    def post_count(self, page_id: str, message: str) -> int:
        """How many times this exact message went to this Page (to assert "exactly once")."""
        return sum(1 for post in self.posts(page_id) if post.message == message)

    def duplicate_posts(self) -> dict[tuple[str, str], int]:
        """Every (page_id, message) posted more than once, with how many times."""
        with self.lock:
            return server.repeated((post.page_id, post.message) for post in self.feed)

    def comments_on(self, object_id: str) -> list[FakeComment]:
        with self.lock:
            return [c for c in self.comments.values() if c.object_id == object_id]

    def add_comment(
        self,
        page_id: str,
        *,
        message: str = "Xin chào",
        post_id: str | None = None,
        from_id: str = "555000111",
        from_name: str = "Nguyễn Văn A",
        comment_id: str | None = None,
    ) -> FakeComment:
        """A citizen's comment on a post of the Page (its latest post if `post_id` is None);
        `comment_id` gives it a known id (the demo seeds the same comments at every start)."""
        with self.lock:
            if post_id is None:
                posts = self.posts(page_id)
                post_id = posts[-1].id if posts else f"{page_id}_{next(self._ids)}"
            comment = FakeComment(
                id=comment_id or f"{post_id.split('_')[-1]}_{next(self._ids)}",
                object_id=post_id,
                message=message,
                from_id=from_id,
                from_name=from_name,
                created_time=_now(),
            )
            self.comments[comment.id] = comment
        return comment

    # --- webhooks out ----------------------------------------------------------------------

    def send_feed_comment(
        self,
        page_id: str,
        *,
        to_url: str,
        message: str = "Xin chào",
        post_id: str | None = None,
        from_id: str = "555000111",
        from_name: str = "Nguyễn Văn A",
        verb: str = "add",
        secret: str | None = None,
        retries: int = 0,
        timeout: float = 5,
        comment_id: str | None = None,
    ) -> tuple[FakeComment, httpx.Response | None]:
        """A citizen comments on a post of the Page: record it and POST the `feed` webhook.

        Signed with the app secret (or `secret`, to test a wrong one). Facebook retries failed
        deliveries; here only if `retries` > 0. Returns the comment and the last answer."""
        comment = self.add_comment(
            page_id,
            message=message,
            post_id=post_id,
            from_id=from_id,
            from_name=from_name,
            comment_id=comment_id,
        )
        post_id = comment.object_id
        now = int(time.time())
        payload = {
            "object": "page",
            "entry": [
                {
                    "id": page_id,
                    "time": now,
                    "changes": [
                        {
                            "field": "feed",
                            "value": {
                                "from": {"id": from_id, "name": from_name},
                                "post_id": post_id,
                                "comment_id": comment.id,
                                "parent_id": post_id,
                                "created_time": now,
                                "item": "comment",
                                "message": message,
                                "verb": verb,
                            },
                        }
                    ],
                }
            ],
        }
        return comment, self.deliver(
            to_url, payload, secret=secret, retries=retries, timeout=timeout
        )

    def deliver(
        self,
        to_url: str,
        payload: dict[str, Any],
        *,
        secret: str | None = None,
        retries: int = 0,
        timeout: float = 5,
    ) -> httpx.Response | None:
        """POST a webhook body as Facebook does (JSON, `X-Hub-Signature-256`)."""
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        key = self.app_secret if secret is None else secret
        headers = {
            "Content-Type": "application/json",
            "X-Hub-Signature-256": facebook_signature(key, body),
            "X-Hub-Signature": "sha1=" + hmac.new(key.encode(), body, hashlib.sha1).hexdigest(),
        }
        return self.post_webhook(to_url, body, headers, retries, timeout)

    def verify_webhook(self, to_url: str, verify_token: str) -> httpx.Response:
        """Facebook's subscription check: GET with hub.mode, hub.challenge, hub.verify_token."""
        params = {
            "hub.mode": "subscribe",
            "hub.challenge": str(secrets.randbelow(10**9)),
            "hub.verify_token": verify_token,
        }
        return self.http.get(to_url, params=params, timeout=5)

    # --- plumbing --------------------------------------------------------------------------

    def _add_post(self, post: FakePost) -> None:
        self.feed.append(post)
        self.feed_by_page.setdefault(post.page_id, []).append(post)

    def _page_token(self, user_token: FakeToken, page_id: str) -> FakeToken:
        """The Page's token for this person: the same one each time while it is valid."""
        key = (user_token.user_id, page_id, user_token.long_lived)
        token = self.page_tokens.get(key)
        if token is None or token.expired:
            token = self._issue("page", user_token.user_id, page_id)
            token.long_lived = user_token.long_lived
            self.page_tokens[key] = token
        return token

    def _issue(self, kind: str, user_id: str, page_id: str | None = None) -> FakeToken:
        prefix = "EAAP" if kind == "page" else "EAAU"
        token = FakeToken(f"{prefix}{secrets.token_urlsafe(24)}", kind, user_id, page_id)
        self.tokens[token.value] = token
        return token

    def _usage_headers(self, page_id: str | None) -> dict[str, str]:
        app_pct = self.app_window.percent("app") if self.app_window else 1
        page_key = page_id or "app"
        page_pct = self.page_window.percent(page_key) if self.page_window else 1
        regain = 0.0
        if self.page_window:
            regain = self.page_window.regain_seconds(page_key)
        if self.app_window:
            regain = max(regain, self.app_window.regain_seconds("app"))
        app = {"call_count": app_pct, "total_cputime": max(1, app_pct // 2), "total_time": app_pct}
        headers = {"X-App-Usage": json.dumps(app)}
        if page_id:
            entry = {
                "type": "pages",
                "call_count": page_pct,
                "total_cputime": max(1, page_pct // 2),
                "total_time": page_pct,
                # Facebook gives minutes; the fake's windows may be seconds long, so a fraction.
                "estimated_time_to_regain_access": round(regain / 60, 4),
            }
            headers["X-Business-Use-Case-Usage"] = json.dumps({page_id: [entry]})
            headers["X-Page-Usage"] = json.dumps(
                {k: entry[k] for k in ("call_count", "total_cputime", "total_time")}
                | {"estimated_time_to_regain_access": entry["estimated_time_to_regain_access"]}
            )
        return headers

    def dispatch(self, request: Request) -> Response:
        response = super().dispatch(request)
        if self.held(request):
            return Response(0)
        if request.path.startswith("/_fake/") or "dialog" in request.path:
            return response
        page_id = getattr(request, "page_id", None)
        with self.lock:
            usage = self._usage_headers(page_id)
        response.headers = usage | response.headers
        return response

    def _token(self, request: Request) -> FakeToken | Response:
        auth = request.header("authorization") or ""
        value = auth.split(" ", 1)[1] if " " in auth else request.param("access_token")
        token = self.tokens.get(value or "")
        if token is None:
            return _error(400, 190, "Invalid OAuth access token - Cannot parse access token")
        if token.expired:
            return _error(
                400, 190, "Error validating access token: Session has expired.", error_subcode=463
            )
        proof = request.param("appsecret_proof")
        if proof is not None or self.require_proof:
            expected = hmac.new(
                self.app_secret.encode(), token.value.encode(), hashlib.sha256
            ).hexdigest()
            if not hmac.compare_digest(expected, proof or ""):
                return _error(
                    400,
                    100,
                    "Invalid appsecret_proof provided in the API argument",
                    type="GraphMethodException",
                )
        return token

    def _guard(
        self, request: Request, need: str | None, page_id: str | None = None
    ) -> FakeToken | Response:
        """Faults, rate limits, the token and the permission, in Facebook's order."""
        request.page_id = page_id  # type: ignore[attr-defined]
        fault = self.take_fault(request, page_id)
        if fault is not None:
            answer = self._fault(fault, request, page_id)
            if answer is not None:
                return answer
        token = self._token(request)
        if isinstance(token, Response):
            return token
        with self.lock:
            if self.app_window and not self.app_window.hit("app"):
                return self._throttled(4, page_id)
            if self.page_window and page_id and not self.page_window.hit(page_id):
                return self._throttled(self.rate_code, page_id)
            user = self.users.get(token.user_id)
        if need and (user is None or user.permissions.get(need) != "granted"):
            return _error(403, 200, f"(#200) Requires {need} permission to manage the object")
        if page_id and token.kind == "page" and token.page_id != page_id:
            return _error(403, 200, "(#200) The page token does not belong to this Page")
        return token

    def _throttled(self, code: int, page_id: str | None) -> Response:
        messages = {
            4: "(#4) Application request limit reached",
            17: "(#17) User request limit reached",
            32: "(#32) Page request limit reached",
            613: "(#613) Calls to this api have exceeded the rate limit.",
        }
        message = messages.get(
            code,
            f"(#{code}) There have been too many calls to this Page account. "
            "Wait a bit and try again.",
        )
        return _error(400, code, message, is_transient=True)

    def _fault(self, fault: server.Fault, request: Request, page_id: str | None) -> Response | None:
        kind = fault.kind
        if kind == "token_expired":
            return _error(
                400, 190, "Error validating access token: Session has expired.", error_subcode=463
            )
        if kind == "permission_missing":
            permission = fault.options.get("permission", "pages_manage_posts")
            if fault.options.get("code") == 10:
                return _error(
                    403, 10, f"(#10) This endpoint requires the '{permission}' permission"
                )
            return _error(403, 200, f"(#200) Requires {permission} permission to manage the object")
        if kind == "rate_limited":
            code = int(fault.options.get("code", 80001))
            minutes = float(fault.options.get("regain_minutes", 1))
            response = self._throttled(code, page_id)
            full = {"call_count": 100, "total_cputime": 40, "total_time": 100}
            headers = {"X-App-Usage": json.dumps(full if code == 4 else {"call_count": 10})}
            if code == 32:
                headers["X-Page-Usage"] = json.dumps(
                    full | {"estimated_time_to_regain_access": minutes}
                )
            elif code != 4:
                key = page_id or "0"
                headers["X-Business-Use-Case-Usage"] = json.dumps(
                    {key: [{"type": "pages", **full, "estimated_time_to_regain_access": minutes}]}
                )
            response.headers = headers
            return response
        if kind == "server_error":
            if fault.options.get("html"):
                return Response(
                    502, "<html><body>Bad Gateway</body></html>", content_type="text/html"
                )
            return _error(500, 1, "An unknown error has occurred.", is_transient=True)
        if kind == "timeout":
            return self.timeout(fault, request)
        if kind == "slow":
            self.slow(fault)
            return None
        if kind == "invalid_metric" and "/insights" in request.path:
            message = fault.options.get("message", INVALID_METRIC_MESSAGE)
            return _error(400, 100, message, type="OAuthException")
        return None

    # --- login -----------------------------------------------------------------------------

    def dialog(self, request: Request, version: str) -> Response:
        """The Login dialog: pick who logs in (or `dialog_user` logs in at once)."""
        client_id = request.param("client_id")
        redirect_uri = request.param("redirect_uri") or ""
        state = request.param("state") or ""
        if client_id != self.app_id or not redirect_uri:
            return html("<h1>Invalid App ID or redirect_uri</h1>", 400)
        if self.dialog_user:
            return self._consent(self.dialog_user, redirect_uri, state)
        buttons = "".join(
            f'<button name="user" value="{escape(u.id)}">Continue as {escape(u.name)}</button>'
            for u in self.users.values()
        )
        hidden = "".join(
            f'<input type="hidden" name="{k}" value="{escape(v)}">'
            for k, v in {
                "client_id": client_id,
                "redirect_uri": redirect_uri,
                "state": state,
                "scope": request.param("scope") or "",
            }.items()
        )
        page = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            "<title>Log in with Facebook (fake)</title></head><body><main>"
            "<h1>Log in with Facebook (fake)</h1>"
            f'<form method="post">{hidden}{buttons}</form>'
            '<form method="post">'
            f'{hidden}<button name="cancel" value="1">Cancel</button></form></main></body></html>'
        )
        return html(page)

    def dialog_confirm(self, request: Request, version: str) -> Response:
        redirect_uri = request.param("redirect_uri") or ""
        state = request.param("state") or ""
        if request.param("cancel"):
            query = urlencode(
                {"error": "access_denied", "error_reason": "user_denied", "state": state}
            )
            return redirect(f"{redirect_uri}?{query}")
        user_id = request.param("user") or ""
        if user_id not in self.users:
            return html("<h1>Unknown user</h1>", 400)
        return self._consent(user_id, redirect_uri, state)

    def _consent(self, user_id: str, redirect_uri: str, state: str) -> Response:
        code = secrets.token_urlsafe(16)
        with self.lock:
            self.codes[code] = (user_id, redirect_uri)
        sep = "&" if "?" in redirect_uri else "?"
        return redirect(f"{redirect_uri}{sep}{urlencode({'code': code, 'state': state})}")

    def access_token(self, request: Request, version: str) -> Response:
        if (
            request.param("client_id") != self.app_id
            or request.param("client_secret") != self.app_secret
        ):
            return _error(400, 101, "Error validating client secret.")
        if request.param("grant_type") == "fb_exchange_token":
            with self.lock:
                old = self.tokens.get(request.param("fb_exchange_token") or "")
                if old is None or old.expired or old.kind != "user":
                    return _error(400, 190, "Invalid OAuth access token.")
                token = self._issue("user", old.user_id)
                token.long_lived = True
            return Response(
                200, {"access_token": token.value, "token_type": "bearer", "expires_in": 5183944}
            )
        with self.lock:
            grant = self.codes.pop(request.param("code") or "", None)
            if grant is None or grant[1] != request.param("redirect_uri"):
                return _error(400, 100, "Invalid verification code format.", error_subcode=36007)
            token = self._issue("user", grant[0])
        return Response(
            200, {"access_token": token.value, "token_type": "bearer", "expires_in": 5400}
        )

    # --- me --------------------------------------------------------------------------------

    def me(self, request: Request, version: str) -> Response:
        token = self._guard(request, None)
        if isinstance(token, Response):
            return token
        if token.kind == "page":
            page = self.pages[token.page_id or ""]
            return Response(200, {"id": page.id, "name": page.name})
        return Response(200, {"id": token.user_id, "name": self.users[token.user_id].name})

    def me_accounts(self, request: Request, version: str) -> Response:
        token = self._guard(request, NEEDS["accounts"])
        if isinstance(token, Response):
            return token
        with self.lock:
            mine = [
                (p, p.admins[token.user_id])
                for p in self.pages.values()
                if token.user_id in p.admins
            ]

        def row(item: tuple[FakePage, tuple[str, ...]]) -> dict[str, Any]:
            page, tasks = item
            with self.lock:
                page_token = self._page_token(token, page.id)
            return {
                "id": page.id,
                "name": page.name,
                "access_token": page_token.value,
                "category": "Government Organization",
                "tasks": list(tasks),
            }

        return self._page_of(request, mine, row)

    def me_permissions(self, request: Request, version: str) -> Response:
        token = self._guard(request, None)
        if isinstance(token, Response):
            return token
        user = self.users[token.user_id]
        rows = [{"permission": p, "status": s} for p, s in user.permissions.items()]
        return Response(200, {"data": rows})

    def me_revoke(self, request: Request, version: str) -> Response:
        token = self._guard(request, None)
        if isinstance(token, Response):
            return token
        with self.lock:
            for other in self.tokens.values():
                if other.user_id == token.user_id:
                    other.expired = True
        return Response(200, {"success": True})

    def _page_of(
        self, request: Request, rows: list[Any], make: Callable[[Any], Any] | None = None
    ) -> Response:
        """One page of a list with Graph's cursors (`after` is the offset, base64-free)."""
        limit = min(int(request.param("limit") or self.page_size), self.page_size)
        start = int(request.param("after") or 0)
        chunk = rows[start : start + limit]
        if make is not None:
            chunk = [make(item) for item in chunk]
        body: dict[str, Any] = {"data": chunk}
        paging: dict[str, Any] = {"cursors": {"before": str(start), "after": str(start + limit)}}
        if start + limit < len(rows):
            query = urlencode({"limit": limit, "after": start + limit})
            paging["next"] = f"{self.url}{request.path}?{query}"
        body["paging"] = paging
        return Response(200, body)

    # --- pages -----------------------------------------------------------------------------

    def object_get(self, request: Request, version: str, object_id: str) -> Response:
        page = self.pages.get(object_id)
        token = self._guard(request, None, page.id if page else None)
        if isinstance(token, Response):
            return token
        if page is None:
            return _error(
                400,
                100,
                f"(#100) Unsupported get request. Object with ID '{object_id}' does not exist",
                error_subcode=33,
            )
        fields = (request.param("fields") or "id,name").split(",")
        values = {
            "id": page.id,
            "name": page.name,
            "link": page.link,
            "website": page.website,
            "about": page.about,
            "followers_count": page.followers,
            "fan_count": page.fans,
        }
        return Response(200, {f: values[f] for f in fields if f in values and values[f] != ""})

    def page_publish(self, request: Request, version: str, page_id: str) -> Response:
        token = self._guard(request, NEEDS["publish"], page_id)
        if isinstance(token, Response):
            return token
        if page_id not in self.pages:
            return _error(400, 100, "(#100) Invalid page id")
        message = request.param("message") or ""
        link = request.param("link")
        media = _attached_media(request)
        if isinstance(media, Response):
            return media
        if not message and not link and not media:
            return _error(400, 100, "(#100) Missing message or attachment")
        if media and link:
            return _error(400, 100, "(#100) A post with attached_media cannot also carry a link")
        post = FakePost(
            id=f"{page_id}_{next(self._ids)}",
            page_id=page_id,
            message=message,
            link=link,
            created_time=_now(),
            photos=list(media),
        )
        if request.param("published") == "false":
            post.published = False
            scheduled = request.param("scheduled_publish_time")
            post.scheduled_publish_time = int(scheduled) if scheduled else None
        with self.lock:
            for index, photo_id in enumerate(media):
                photo = self.uploaded.get(photo_id)
                if photo is None or photo.page_id != page_id:
                    return _error(
                        400,
                        100,
                        f"(#100) param attached_media[{index}] has an invalid media_fbid "
                        f"'{photo_id}'",
                    )
                if photo.published or photo.post_id is not None:
                    return _error(
                        400,
                        100,
                        f"(#100) The photo '{photo_id}' in attached_media[{index}] is already "
                        "published or attached to another post",
                    )
            for photo_id in media:
                self.uploaded[photo_id].post_id = post.id
            self._add_post(post)
        return Response(200, {"id": post.id})

    def page_photo(self, request: Request, version: str, page_id: str) -> Response:
        token = self._guard(request, NEEDS["publish"], page_id)
        if isinstance(token, Response):
            return token
        image = request.files.get("source")
        if not request.param("url") and not image:
            return _error(400, 324, "(#324) Requires upload file")
        if image is not None and not image.startswith(IMAGE_MAGIC):
            return _error(400, 324, "(#324) Missing or invalid image file")
        if page_id not in self.pages:
            return _error(400, 100, "(#100) Invalid page id")
        photo = FakePhoto(
            id=str(next(self._ids)),
            page_id=page_id,
            published=request.param("published") != "false",
            image_bytes=len(image or b""),
            url=request.param("url"),
            alt_text=request.param("alt_text_custom") or "",
            created_time=_now(),
        )
        if not photo.published:
            # Uploaded to attach to a feed post later: no post, and only the photo's id.
            with self.lock:
                self.uploaded[photo.id] = photo
            return Response(200, {"id": photo.id})
        photo_id = photo.id
        post = FakePost(
            id=f"{page_id}_{next(self._ids)}",
            page_id=page_id,
            message=request.param("caption") or "",
            link=request.param("url"),
            created_time=_now(),
            photo=True,
            image_bytes=len(image or b""),
            photos=[photo_id],
        )
        photo.post_id = post.id
        with self.lock:
            self.uploaded[photo_id] = photo
            self._add_post(post)
        return Response(200, {"id": photo_id, "post_id": post.id})

    def page_feed(self, request: Request, version: str, page_id: str) -> Response:
        token = self._guard(request, NEEDS["read_feed"], page_id)
        if isinstance(token, Response):
            return token
        try:  # Graph's time bounds: Unix seconds or a date (`since` included, `until` not)
            since = _parse_time(request.param("since"))
            until = _parse_time(request.param("until"))
        except ValueError:
            return _error(400, 100, "(#100) The since/until parameters must be times")
        rows = [
            {
                "id": p.id,
                "message": p.message,
                "created_time": p.created_time,
                "permalink_url": f"https://www.facebook.com/{p.id.replace('_', '/posts/')}",
            }
            for p in sorted(self.posts(page_id), key=lambda p: p.created_time, reverse=True)
            if p.published
            and (since is None or _parse_time(p.created_time) >= since)
            and (until is None or _parse_time(p.created_time) < until)
        ]
        return self._page_of(request, rows)

    def page_subscribe(self, request: Request, version: str, page_id: str) -> Response:
        token = self._guard(request, NEEDS["subscribe"], page_id)
        if isinstance(token, Response):
            return token
        if token.kind != "page":
            return _error(
                400, 210, "(#210) A page access token is required to request this resource."
            )
        fields = [f for f in (request.param("subscribed_fields") or "").split(",") if f]
        if not fields:
            return _error(400, 100, "(#100) The parameter subscribed_fields is required.")
        with self.lock:
            self.pages[page_id].subscribed_fields = fields
        return Response(200, {"success": True})

    # --- insights --------------------------------------------------------------------------

    def page_insights(
        self, request: Request, version: str, object_id: str, metric: str | None = None
    ) -> Response:
        page_id = self._object_page(object_id)
        token = self._guard(request, NEEDS["insights"], page_id)
        if isinstance(token, Response):
            return token
        if page_id is None:
            return _error(400, 100, f"(#100) Object with ID '{object_id}' does not exist")
        names = [metric] if metric else (request.param("metric") or "").split(",")
        names = [n for n in names if n]
        if not names:
            return _error(400, 100, "(#100) The parameter metric is required")
        for name in names:
            since_version = self.retired.get(name, "missing")
            if name not in KNOWN_METRICS and name not in self.retired:
                return _error(400, 100, INVALID_METRIC_MESSAGE)
            if name in self.retired and (
                since_version is None or _version_key(version) >= _version_key(since_version)
            ):
                return _error(400, 100, INVALID_METRIC_MESSAGE)
        try:
            since = _parse_day(request.param("since"))
            until = _parse_day(request.param("until"))
        except ValueError:
            return _error(400, 100, "(#100) The since/until parameters must be dates")
        if since is None or until is None:
            until = until or datetime.now(UTC).date()
            since = since or until - timedelta(days=2)
        if (until - since).days > 93:
            return _error(
                400,
                100,
                "(#100) There cannot be more than 93 days (8035200 s) between since and until",
            )
        period = request.param("period") or "day"
        page = self.pages[page_id]
        data = []
        for name in names:
            values = []
            day = since
            while day < until:
                end = (day + timedelta(days=1)).strftime("%Y-%m-%dT08:00:00+0000")
                value = self._value(page, object_id, name, day)
                values.append({"value": value, "end_time": end})
                day += timedelta(days=1)
            data.append(
                {
                    "name": name,
                    "period": period,
                    "values": values,
                    "title": name.replace("_", " ").title(),
                    "description": f"Daily: {name}",
                    "id": f"{object_id}/insights/{name}/{period}",
                }
            )
        return Response(200, {"data": data, "paging": {}})

    @staticmethod
    def _value(page: FakePage, object_id: str, metric: str, day: date) -> Any:
        seeded = page.insights.get(metric, {}) if object_id == page.id else {}
        if day in seeded:
            return seeded[day]
        if metric.endswith("_city"):
            return {"Bac Ninh, Bac Ninh, Vietnam": page.followers // 3 or 1}
        if metric == "page_follows":
            return page.followers
        # Stable pseudo-random figures: the same page, metric and day give the same value.
        digest = hashlib.sha256(f"{object_id}:{metric}:{day}".encode()).digest()
        return int.from_bytes(digest[:2], "big") % max(10, page.followers // 10 or 100)

    # --- comments --------------------------------------------------------------------------

    def _object_page(self, object_id: str) -> str | None:
        if object_id in self.pages:
            return object_id
        comment = self.comments.get(object_id)
        if comment is not None:
            object_id = comment.object_id
        prefix = object_id.split("_")[0]
        return prefix if prefix in self.pages else None

    def object_comments(self, request: Request, version: str, object_id: str) -> Response:
        token = self._guard(request, NEEDS["read_comments"], self._object_page(object_id))
        if isinstance(token, Response):
            return token
        rows = [
            {
                "id": c.id,
                "message": c.message,
                "from": {"id": c.from_id, "name": c.from_name},
                "created_time": c.created_time,
                "is_hidden": c.is_hidden,
            }
            for c in self.comments_on(object_id)
        ]
        return self._page_of(request, rows)

    def object_reply(self, request: Request, version: str, object_id: str) -> Response:
        page_id = self._object_page(object_id)
        token = self._guard(request, NEEDS["moderate"], page_id)
        if isinstance(token, Response):
            return token
        posts = self.posts(object_id.split("_")[0])
        if object_id not in self.comments and not any(p.id == object_id for p in posts):
            return _error(400, 100, f"(#100) Object with ID '{object_id}' does not exist")
        message = request.param("message") or ""
        if not message:
            return _error(400, 100, "(#100) Missing message")
        page = self.pages.get(page_id or "")
        reply = FakeComment(
            id=f"{object_id.split('_')[-1]}_{next(self._ids)}",
            object_id=object_id,
            message=message,
            from_id=page.id if page else token.user_id,
            from_name=page.name if page else "",
            created_time=_now(),
        )
        with self.lock:
            self.comments[reply.id] = reply
        return Response(200, {"id": reply.id})

    def object_update(self, request: Request, version: str, object_id: str) -> Response:
        page_id = self._object_page(object_id)
        token = self._guard(request, NEEDS["moderate"], page_id)
        if isinstance(token, Response):
            return token
        comment = self.comments.get(object_id)
        if comment is None:
            return _error(400, 100, f"(#100) Object with ID '{object_id}' does not exist")
        hidden = request.param("is_hidden")
        if hidden is None:
            return _error(400, 100, "(#100) Nothing to update")
        with self.lock:
            comment.is_hidden = hidden.lower() == "true"
        return Response(200, {"success": True})


def _attached_media(request: Request) -> list[str] | Response:
    """The photo ids of `attached_media[i]={"media_fbid": id}` (form fields, in index order),
    or of a JSON list `attached_media=[{...}, ...]`."""
    raw: list[tuple[int, str]] = []
    for name, value in {**request.query, **request.form}.items():
        if name.startswith("attached_media[") and name.endswith("]"):
            index = name[len("attached_media[") : -1]
            if not index.isdigit():
                return _error(400, 100, f"(#100) Invalid parameter {name}")
            raw.append((int(index), value))
    items: list[Any] = [json.loads(v) if _is_json(v) else v for _i, v in sorted(raw)]
    whole = request.param("attached_media")
    if whole:
        listed = json.loads(whole) if _is_json(whole) else None
        if not isinstance(listed, list):
            return _error(400, 100, "(#100) param attached_media must be an array")
        items.extend(listed)
    ids = []
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not str(item.get("media_fbid") or "").isdigit():
            return _error(
                400, 100, f'(#100) param attached_media[{index}] must be {{"media_fbid": id}}'
            )
        ids.append(str(item["media_fbid"]))
    if len(set(ids)) != len(ids):
        return _error(400, 100, "(#100) The same photo is attached twice")
    return ids


def _is_json(value: str) -> bool:
    try:
        json.loads(value)
    except ValueError:
        return False
    return True


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    if value.isdigit():
        return datetime.fromtimestamp(int(value), UTC)
    if len(value) == 10:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")


def _parse_day(value: str | None) -> date | None:
    if not value:
        return None
    if value.isdigit():
        return datetime.fromtimestamp(int(value), UTC).date()
    return date.fromisoformat(value[:10])


def main() -> None:
    server.standalone(
        FakeGraph, "A fake Facebook Graph API on 127.0.0.1 for congdong's demo and tests."
    )


if __name__ == "__main__":
    main()
