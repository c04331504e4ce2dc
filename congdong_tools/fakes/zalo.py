"""A fake Zalo OA API and its OAuth v4 host, for tests and the demo.

One server answers both hosts: point `CONGDONG_ZALO_OAUTH_URL` and `CONGDONG_ZALO_API_URL` at
`.url`. Seed with `add_oa` (and `add_follower`). It does PKCE (S256; a wrong verifier is
refused), single-use rotating refresh tokens, the OA API's `{"error", "message", "data"}`
answers and token checks. Faults (`fail(kind, times=, after=, target=oa_id, path=)`):

- "token_invalid" (-216) and "token_expired" (-124);
- "permission_missing" (-224);
- "rate_limited" (-32, per minute) and "quota" (-211, out of quota);
- "processing" (-214: the article is still being processed, on verify);
- "server_error": HTTP 500 (option `html=True`: a bare 502 page);
- "timeout": hold the call `seconds` (default 30); `after_action=True` does the work first;
- "slow": hold the call `seconds` (default 1), then answer it as usual.

Articles: `add_article(oa_id, title, created=, views=, shares=)` seeds a verified article with
its figures, `set_article_stats(article_id, views=, shares=)` moves them on; the article list
(`GET /v2.0/article/getslice?offset&limit&type=normal`) answers as Zalo documents it:
`{"data": {"medias": [{"id", "type", "title", "status", "total_view", "total_share",
"create_date" (ms), "update_date", "thumb", "link"}], "total"}}`, newest first, at most 10 a call.

`rate_limit(calls, window)` enforces a real limit per OA; `broadcast_quota` caps broadcasts per
OA. Webhooks out: `send_user_text(oa_id, to_url=...)`, `send_follow(...)`, signed the Zalo way.
"""

from __future__ import annotations

import itertools
import json
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from typing import Any, Unpack
from urllib.parse import urlencode

import httpx

from congdong.channels.clients.zalo import pkce_challenge
from congdong.channels.signatures import zalo_signature
from congdong_tools.fakes import server
from congdong_tools.fakes.server import RateWindow, Request, Response, html, redirect

__all__ = ["FakeZalo"]

ACCESS_SECONDS = 25 * 3600  # 25 hours
CODE_SECONDS = 600
# The OAuth host's error codes. Zalo documents them only loosely; these stand for the cases.
OAUTH_INVALID_CODE = -14003
OAUTH_INVALID_VERIFIER = -14019
OAUTH_INVALID_REFRESH = -14014
OAUTH_INVALID_SECRET = -14002


@dataclass
class FakeArticle:
    token: str
    oa_id: str
    title: str
    author: str
    description: str
    cover_url: str
    body: list[dict[str, Any]]
    id: str | None = None
    # The article list's figures (`/v2.0/article/getslice`): creation time in ms, totals.
    create_date: int = field(default_factory=lambda: int(time.time() * 1000))
    total_view: int = 0
    total_share: int = 0


@dataclass
class FakeBroadcast:
    message_id: str
    oa_id: str
    article_id: str
    target: dict[str, Any]


@dataclass
class FakeMessage:
    message_id: str
    oa_id: str
    user_id: str
    text: str


@dataclass
class FakeOA:
    oa_id: str
    name: str
    description: str = ""
    avatar: str = ""
    oa_secret: str = ""
    followers: list[str] = field(default_factory=list)
    # Users who wrote to the OA (a consultation answer is allowed within 7 days).
    talked: dict[str, float] = field(default_factory=dict)
    broadcasts_left: int | None = None


@dataclass
class FakeGrant:
    oa_id: str
    expires_at: float
    expired: bool = False


def _ok(data: dict[str, Any]) -> Response:
    return Response(200, {"data": data, "error": 0, "message": "Success"})


def _fail(code: int, message: str) -> Response:
    # Zalo answers errors with HTTP 200 and a negative `error`.
    return Response(200, {"error": code, "message": message})


def _oauth_fail(code: int, name: str, reason: str) -> Response:
    return Response(
        200,
        {
            "error": code,
            "error_name": name,
            "error_reason": reason,
            "error_description": reason,
            "ref_doc": "https://developers.zalo.me/docs/official-account/",
        },
    )


class FakeZalo(server.FakeServer):
    """Zalo's OAuth v4 host and OA API, for one app."""

    name = "fake-zalo"
    control_methods = (
        "add_oa",
        "add_follower",
        "note_talk",
        "tokens_for",
        "expire_token",
        "rate_limit",
        "fail",
        "clear_faults",
        "release_held",
        "articles",
        "add_article",
        "set_article_stats",
        "broadcasts",
        "broadcast_count",
        "duplicate_broadcasts",
    )

    def __init__(
        self,
        *,
        app_id: str = "fake-zalo-app",
        secret_key: str = "fake-zalo-secret",
        **listen: Unpack[server.Listen],
    ) -> None:
        super().__init__(**listen)
        self.app_id = app_id
        self.secret_key = secret_key
        self.oas: dict[str, FakeOA] = {}
        self.codes: dict[str, tuple[str, str, float]] = {}
        self.access: dict[str, FakeGrant] = {}
        self.refresh_tokens: dict[str, str] = {}  # live refresh token -> oa_id
        self.used_refresh: set[str] = set()
        self.consent_oa: str | None = None
        self.by_token: dict[str, FakeArticle] = {}
        self.by_id: dict[str, FakeArticle] = {}
        self.sent: list[FakeBroadcast] = []
        self.messages: list[FakeMessage] = []
        self.window: RateWindow | None = None
        self._ids = itertools.count(7_000_000)
        self.route("GET", "/v4/oa/permission", self.permission)
        self.route("POST", "/v4/oa/permission", self.permission_confirm)
        self.route("POST", "/v4/oa/access_token", self.access_token)
        self.route("GET", "/v2.0/oa/getoa", self.getoa)
        self.route("POST", "/v2.0/article/create", self.article_create)
        self.route("POST", "/v2.0/article/verify", self.article_verify)
        self.route("POST", "/v2.0/oa/message", self.broadcast)
        self.route("GET", "/v2.0/oa/getfollowers", self.getfollowers)
        self.route("GET", "/v2.0/article/getslice", self.article_list)
        self.route("POST", "/v3.0/oa/message/cs", self.message_cs)

    # --- seeding ---------------------------------------------------------------------------

    def add_oa(
        self,
        oa_id: str,
        name: str,
        *,
        description: str = "",
        followers: int | list[str] = 0,
        oa_secret: str | None = None,
        broadcast_quota: int | None = None,
    ) -> FakeOA:
        """An OA; `followers` is a count (ids made up) or the user ids."""
        ids = (
            [f"{oa_id}{n:06d}" for n in range(followers)]
            if isinstance(followers, int)
            else list(followers)
        )
        oa = FakeOA(
            oa_id=str(oa_id),
            name=name,
            description=description,
            avatar=f"https://s160-ava-talk.zadn.vn/{oa_id}.jpg",
            oa_secret=oa_secret or f"oa-secret-{oa_id}",
            followers=ids,
            broadcasts_left=broadcast_quota,
        )
        with self.lock:
            self.oas[oa.oa_id] = oa
        return oa

    def add_follower(self, oa_id: str, user_id: str) -> None:
        with self.lock:
            self.oas[oa_id].followers.append(user_id)

    def add_article(
        self,
        oa_id: str,
        title: str,
        *,
        created: str | None = None,
        views: int = 0,
        shares: int = 0,
        article_id: str | None = None,
    ) -> str:
        """A verified article of the OA (created on the day `created`, ISO, at noon UTC);
        returns its id (`article_id`, or a random one)."""
        when = datetime.fromisoformat(created).replace(hour=5, tzinfo=UTC) if created else None
        article = FakeArticle(
            token=secrets.token_hex(16),
            oa_id=oa_id,
            title=title,
            author=self.oas[oa_id].name[:50],
            description=title,
            cover_url=f"https://photo.zalo.me/{oa_id}.jpg",
            body=[{"type": "text", "content": title}],
            id=article_id or secrets.token_hex(16),
            total_view=views,
            total_share=shares,
        )
        if when is not None:
            article.create_date = int(when.timestamp() * 1000)
        with self.lock:
            self.by_token[article.token] = article
            self.by_id[str(article.id)] = article
        return str(article.id)

    def set_article_stats(self, article_id: str, views: int, shares: int = 0) -> None:
        with self.lock:
            article = self.by_id[article_id]
            article.total_view, article.total_share = views, shares

    def tokens_for(self, oa_id: str) -> tuple[str, str]:
        """Fresh (access, refresh) tokens for an OA, as if its admin had consented."""
        with self.lock:
            return self._issue(oa_id)

    def expire_token(self, access_token: str) -> None:
        with self.lock:
            self.access[access_token].expired = True

    def rate_limit(self, calls: int, window: float) -> None:
        """At most `calls` API calls per `window` seconds per OA, then -32."""
        with self.lock:
            self.window = RateWindow(calls, window)

    # --- inspection ------------------------------------------------------------------------

    def articles(self, oa_id: str | None = None) -> list[FakeArticle]:
        with self.lock:
            return [a for a in self.by_token.values() if oa_id is None or a.oa_id == oa_id]

    def broadcasts(self, oa_id: str | None = None) -> list[FakeBroadcast]:
        with self.lock:
            return [b for b in self.sent if oa_id is None or b.oa_id == oa_id]

    def broadcast_count(self, oa_id: str, article_id: str) -> int:
        """How many times this article went out from this OA (to assert "exactly once")."""
        return sum(1 for b in self.broadcasts(oa_id) if b.article_id == article_id)

    def duplicate_broadcasts(self) -> dict[tuple[str, str], int]:
        """Every (oa_id, article_id) broadcast more than once, with how many times."""
        with self.lock:
            return server.repeated((sent.oa_id, sent.article_id) for sent in self.sent)

    # --- webhooks out ----------------------------------------------------------------------

    def note_talk(self, oa_id: str, user_id: str) -> None:
        """`user_id` wrote to the OA just now (the 7-day window for an answer opens), without
        an event: the demo puts back the conversations an earlier start already delivered."""
        with self.lock:
            self.oas[oa_id].talked[user_id] = time.time()

    def send_user_text(
        self,
        oa_id: str,
        *,
        to_url: str,
        user_id: str = "8400000000000001",
        text: str = "Xin chào",
        msg_id: str | None = None,
        secret: str | None = None,
        retries: int = 0,
    ) -> tuple[dict[str, Any], httpx.Response | None]:
        """A user writes to the OA: record it (the 7-day answer window opens) and POST the event."""
        with self.lock:
            self.oas[oa_id].talked[user_id] = time.time()
        timestamp = str(int(time.time() * 1000))
        event = {
            "app_id": self.app_id,
            "oa_id": oa_id,
            "user_id_by_app": f"app{user_id}",
            "event_name": "user_send_text",
            "sender": {"id": user_id},
            "recipient": {"id": oa_id},
            "message": {"text": text, "msg_id": msg_id or secrets.token_hex(16)},
            "timestamp": timestamp,
        }
        return event, self.deliver(oa_id, to_url, event, secret=secret, retries=retries)

    def send_follow(
        self, oa_id: str, *, to_url: str, user_id: str, follow: bool = True
    ) -> tuple[dict[str, Any], httpx.Response | None]:
        """A user follows (or unfollows) the OA: change the list and POST the event."""
        with self.lock:
            followers = self.oas[oa_id].followers
            if follow and user_id not in followers:
                followers.append(user_id)
            elif not follow and user_id in followers:
                followers.remove(user_id)
        event = {
            "app_id": self.app_id,
            "oa_id": oa_id,
            "event_name": "follow" if follow else "unfollow",
            "follower": {"id": user_id},
            "source": "oa_profile",
            "timestamp": str(int(time.time() * 1000)),
        }
        return event, self.deliver(oa_id, to_url, event)

    def deliver(
        self,
        oa_id: str,
        to_url: str,
        event: dict[str, Any],
        *,
        secret: str | None = None,
        retries: int = 0,
        timeout: float = 5,
    ) -> httpx.Response | None:
        """POST an event as Zalo does: JSON, `X-ZEvent-Signature` over oa_id+body+timestamp+secret.

        Zalo retries at 30 s, 5, 15, 30 min and 1 h; here only `retries` times, at once."""
        body = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
        key = self.oas[oa_id].oa_secret if secret is None else secret
        signature = zalo_signature(oa_id, body, event["timestamp"], key)
        headers = {"Content-Type": "application/json", "X-ZEvent-Signature": signature}
        return self.post_webhook(to_url, body, headers, retries, timeout)

    # --- plumbing --------------------------------------------------------------------------

    def _issue(self, oa_id: str) -> tuple[str, str]:
        access = secrets.token_urlsafe(48)
        refresh = secrets.token_urlsafe(48)
        self.access[access] = FakeGrant(oa_id, time.time() + ACCESS_SECONDS)
        self.refresh_tokens[refresh] = oa_id
        return access, refresh

    def dispatch(self, request: Request) -> Response:
        response = super().dispatch(request)
        return Response(0) if self.held(request) else response

    def _guard(self, request: Request) -> FakeOA | Response:
        """Faults, the access token, the rate limit: the OA the call is for, or the refusal."""
        token = request.header("access_token") or request.param("access_token") or ""
        grant = self.access.get(token)
        oa_id = grant.oa_id if grant else None
        fault = self.take_fault(request, oa_id)
        if fault is not None:
            answer = self._fault(fault, request)
            if answer is not None:
                return answer
        if grant is None:
            return _fail(-216, "Access token is invalid")
        if grant.expired or grant.expires_at < time.time():
            return _fail(-124, "Access token has expired")
        with self.lock:
            if self.window and not self.window.hit(grant.oa_id):
                return _fail(-32, "Exceeded the request limit per minute")
            return self.oas[grant.oa_id]

    def _fault(self, fault: server.Fault, request: Request) -> Response | None:
        kind = fault.kind
        if kind == "token_invalid":
            return _fail(-216, "Access token is invalid")
        if kind == "token_expired":
            return _fail(-124, "Access token has expired")
        if kind == "permission_missing":
            return _fail(-224, "The OA has not granted this permission to the app")
        if kind == "rate_limited":
            return _fail(-32, "Exceeded the request limit per minute")
        if kind == "quota":
            return _fail(-211, "Out of quota")
        if kind == "processing" and request.path.endswith("/article/verify"):
            return _fail(-214, "Article is being processed")
        if kind == "server_error":
            if fault.options.get("html"):
                return Response(
                    502, "<html><body>502 Bad Gateway</body></html>", content_type="text/html"
                )
            return Response(500, {"error": -1, "message": "Internal error"})
        if kind == "timeout":
            return self.timeout(fault, request)
        if kind == "slow":
            self.slow(fault)
        return None

    # --- OAuth v4 --------------------------------------------------------------------------

    def permission(self, request: Request) -> Response:
        """The consent page: the admin picks the OA (or `consent_oa` consents at once)."""
        redirect_uri = request.param("redirect_uri") or ""
        challenge = request.param("code_challenge") or ""
        state = request.param("state") or ""
        if request.param("app_id") != self.app_id or not redirect_uri or not challenge:
            return redirect(f"{self.url}/v4/permission/error?error_code={OAUTH_INVALID_CODE}")
        if self.consent_oa:
            return self._consent(self.consent_oa, redirect_uri, challenge, state)
        hidden = "".join(
            f'<input type="hidden" name="{k}" value="{escape(v)}">'
            for k, v in {
                "app_id": self.app_id,
                "redirect_uri": redirect_uri,
                "code_challenge": challenge,
                "state": state,
            }.items()
        )
        buttons = "".join(
            f'<button name="oa_id" value="{escape(oa.oa_id)}">Cho phép {escape(oa.name)}</button>'
            for oa in self.oas.values()
        )
        page = (
            '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
            "<title>Zalo OA — cấp quyền (giả lập)</title></head><body><main>"
            "<h1>Cấp quyền cho ứng dụng (Zalo giả lập)</h1>"
            f'<form method="post">{hidden}{buttons}</form></main></body></html>'
        )
        return html(page)

    def permission_confirm(self, request: Request) -> Response:
        oa_id = request.param("oa_id") or ""
        if oa_id not in self.oas:
            return html("<h1>OA không tồn tại</h1>", 400)
        return self._consent(
            oa_id,
            request.param("redirect_uri") or "",
            request.param("code_challenge") or "",
            request.param("state") or "",
        )

    def _consent(self, oa_id: str, redirect_uri: str, challenge: str, state: str) -> Response:
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = (oa_id, challenge, time.time() + CODE_SECONDS)
        query = urlencode({"code": code, "oa_id": oa_id, "state": state})
        sep = "&" if "?" in redirect_uri else "?"
        return redirect(f"{redirect_uri}{sep}{query}")

    def access_token(self, request: Request) -> Response:
        fault = self.take_fault(request, None)
        if fault is not None:
            answer = self._fault(fault, request)
            if answer is not None:
                return answer
        if request.header("secret_key") != self.secret_key:
            return _oauth_fail(OAUTH_INVALID_SECRET, "Invalid secret key", "secret_key is wrong")
        if request.param("app_id") != self.app_id:
            return _oauth_fail(OAUTH_INVALID_CODE, "Invalid parameter", "app_id is wrong")
        grant_type = request.param("grant_type")
        with self.lock:
            if grant_type == "authorization_code":
                entry = self.codes.pop(request.param("code") or "", None)
                if entry is None or entry[2] < time.time():
                    return _oauth_fail(
                        OAUTH_INVALID_CODE, "Invalid parameter", "Invalid authorization code"
                    )
                oa_id, challenge, _expires = entry
                verifier = request.param("code_verifier") or ""
                if not verifier or pkce_challenge(verifier) != challenge:
                    return _oauth_fail(
                        OAUTH_INVALID_VERIFIER,
                        "Invalid parameter",
                        "code_verifier does not match code_challenge",
                    )
            elif grant_type == "refresh_token":
                refresh = request.param("refresh_token") or ""
                oa_id = self.refresh_tokens.pop(refresh, None)
                if oa_id is None:
                    reason = (
                        "Refresh token was already used"
                        if refresh in self.used_refresh
                        else "Invalid refresh token"
                    )
                    return _oauth_fail(OAUTH_INVALID_REFRESH, "Invalid refresh token", reason)
                # Single use: this refresh token is spent even if the answer never arrives.
                self.used_refresh.add(refresh)
            else:
                return _oauth_fail(OAUTH_INVALID_CODE, "Invalid parameter", "Unknown grant_type")
            access, refresh = self._issue(oa_id)
        # Zalo gives expires_in as a string.
        return Response(
            200,
            {"access_token": access, "refresh_token": refresh, "expires_in": str(ACCESS_SECONDS)},
        )

    # --- OA API ----------------------------------------------------------------------------

    def getoa(self, request: Request) -> Response:
        oa = self._guard(request)
        if isinstance(oa, Response):
            return oa
        return _ok(
            {
                "oa_id": oa.oa_id,
                "name": oa.name,
                "description": oa.description,
                "avatar": oa.avatar,
                "cover": "",
                "is_verified": True,
                "num_follower": len(oa.followers),
            }
        )

    def article_create(self, request: Request) -> Response:
        oa = self._guard(request)
        if isinstance(oa, Response):
            return oa
        data = request.json if isinstance(request.json, dict) else {}
        title = str(data.get("title") or "")
        author = str(data.get("author") or "")
        description = str(data.get("description") or "")
        cover = data.get("cover") or {}
        body = data.get("body") or []
        problems = []
        if data.get("type") != "normal":
            problems.append("type must be normal")
        if not title or len(title) > 150:
            problems.append("title is required, at most 150 characters")
        if not author or len(author) > 50:
            problems.append("author is required, at most 50 characters")
        if not description or len(description) > 300:
            problems.append("description is required, at most 300 characters")
        if not isinstance(cover, dict) or not cover.get("photo_url"):
            problems.append("cover.photo_url is required")
        if not isinstance(body, list) or not body:
            problems.append("body is required")
        else:
            for index, block in enumerate(body):
                kind = block.get("type") if isinstance(block, dict) else None
                if kind == "text" and not block.get("content"):
                    problems.append(f"body[{index}].content is required")
                elif kind == "image" and not str(block.get("url") or "").startswith("http"):
                    problems.append(f"body[{index}].url must be an image address")
                elif kind not in ("text", "image", "video", "product"):
                    problems.append(f"body[{index}].type is unknown")
        if problems:
            return _fail(-201, "Parameters invalid: " + "; ".join(problems))
        article = FakeArticle(
            token=secrets.token_hex(16),
            oa_id=oa.oa_id,
            title=title,
            author=author,
            description=description,
            cover_url=str(cover["photo_url"]),
            body=body,
        )
        with self.lock:
            self.by_token[article.token] = article
        return _ok({"token": article.token})

    def article_verify(self, request: Request) -> Response:
        oa = self._guard(request)
        if isinstance(oa, Response):
            return oa
        data = request.json if isinstance(request.json, dict) else {}
        with self.lock:
            article = self.by_token.get(str(data.get("token") or ""))
            if article is None or article.oa_id != oa.oa_id:
                return _fail(-201, "Parameters invalid: unknown article token")
            if article.id is None:
                article.id = secrets.token_hex(16)
                self.by_id[article.id] = article
        return _ok({"id": article.id})

    def broadcast(self, request: Request) -> Response:
        oa = self._guard(request)
        if isinstance(oa, Response):
            return oa
        data = request.json if isinstance(request.json, dict) else {}
        try:
            elements = data["message"]["attachment"]["payload"]["elements"]
            article_id = str(elements[0]["attachment_id"])
            target = data["recipient"]["target"]
        except (KeyError, IndexError, TypeError):
            return _fail(-201, "Parameters invalid: recipient.target and a media element")
        with self.lock:
            article = self.by_id.get(article_id)
            if article is None or article.oa_id != oa.oa_id:
                return _fail(-201, "Parameters invalid: unknown attachment_id")
            if oa.broadcasts_left is not None:
                if oa.broadcasts_left <= 0:
                    return _fail(-211, "Out of quota")
                oa.broadcasts_left -= 1
            sent = FakeBroadcast(secrets.token_hex(16), oa.oa_id, article_id, dict(target))
            self.sent.append(sent)
        return _ok({"message_id": sent.message_id})

    def getfollowers(self, request: Request) -> Response:
        oa = self._guard(request)
        if isinstance(oa, Response):
            return oa
        try:
            query = json.loads(request.param("data") or "{}")
            offset = int(query.get("offset", 0))
            count = int(query.get("count", 5))
        except (ValueError, TypeError, AttributeError):
            return _fail(-201, "Parameters invalid: data must be JSON with offset and count")
        if count > 50 or count < 1 or offset < 0:
            return _fail(-210, "Parameter exceeds the limit: count is 1 to 50")
        rows = [{"user_id": user_id} for user_id in oa.followers[offset : offset + count]]
        return _ok({"total": len(oa.followers), "followers": rows})

    def article_list(self, request: Request) -> Response:
        oa = self._guard(request)
        if isinstance(oa, Response):
            return oa
        try:
            offset = int(request.param("offset") or 0)
            limit = int(request.param("limit") or 5)
        except ValueError:
            return _fail(-201, "Parameters invalid: offset and limit are numbers")
        if limit < 1 or limit > 10 or offset < 0:
            return _fail(-210, "Parameter exceeds the limit: limit is 1 to 10")
        if (request.param("type") or "normal") not in {"normal", "video"}:
            return _fail(-201, "Parameters invalid: type is normal or video")
        with self.lock:
            mine = [a for a in self.by_id.values() if a.oa_id == oa.oa_id]
        mine.sort(key=lambda a: (a.create_date, a.id or ""), reverse=True)
        rows = [
            {
                "id": a.id,
                "type": "normal",
                "title": a.title,
                "status": "show",
                "total_view": a.total_view,
                "total_share": a.total_share,
                "create_date": a.create_date,
                "update_date": a.create_date,
                "thumb": a.cover_url,
                "link": f"https://zalo.me/{oa.oa_id}/article/{a.id}",
            }
            for a in mine[offset : offset + limit]
        ]
        return _ok({"medias": rows, "total": len(mine)})

    def message_cs(self, request: Request) -> Response:
        oa = self._guard(request)
        if isinstance(oa, Response):
            return oa
        data = request.json if isinstance(request.json, dict) else {}
        user_id = str((data.get("recipient") or {}).get("user_id") or "")
        text = str((data.get("message") or {}).get("text") or "")
        if not user_id or not text:
            return _fail(-201, "Parameters invalid: recipient.user_id and message.text")
        talked = oa.talked.get(user_id)
        if talked is None or talked < time.time() - 7 * 86400:
            return _fail(-230, "User has not interacted with the OA in the last 7 days")
        message = FakeMessage(secrets.token_hex(16), oa.oa_id, user_id, text)
        with self.lock:
            self.messages.append(message)
        return _ok({"message_id": message.message_id, "user_id": user_id})


def main() -> None:
    server.standalone(
        FakeZalo,
        "A fake Zalo OA API and OAuth host on 127.0.0.1 for congdong's demo.",
        secret="secret_key",
    )


if __name__ == "__main__":
    main()
