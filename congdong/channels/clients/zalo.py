"""Client of the Zalo Official Account API: OAuth v4 with PKCE, articles, broadcast, followers.

Shapes from Zalo's documentation and its official SDK's tests (zaloplatform/zalo-java-sdk; see
/work/shared/CHANNELS.md). Zalo answers HTTP 200 with `{"error": <code>, "message": ...}`;
0 is success. The refresh token is single use: `refresh()` returns a new one, and the caller must
store it (atomically with the access token) before anything else, or the OA must consent again.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx

from congdong.channels.clients import ChannelError, json_body, send

__all__ = [
    "InvalidToken",
    "NotReady",
    "PermissionMissing",
    "RateLimited",
    "ServerError",
    "Timeout",
    "ZaloClient",
    "ZaloError",
    "ZaloTokens",
    "pkce_pair",
]

# Error codes of the OA API (Zalo's "Bảng mã lỗi"; -124 seen from the OAuth host for an
# expired token). The OAuth host's own errors (-14xxx) all mean "consent again".
EXPIRED_CODES = frozenset({-124, -220})
INVALID_TOKEN_CODES = frozenset({-216, *EXPIRED_CODES})
PERMISSION_CODES = frozenset({-209, -212, -224})
RATE_LIMIT_CODES = frozenset({-32, -211, -218, -223})
NOT_READY_CODES = frozenset({-214})
FOLLOWERS_MAX_COUNT = 50
ARTICLES_MAX_LIMIT = 10  # the article list gives at most 10 a call


class ZaloError(ChannelError):
    """An error answer of Zalo (`error` ≠ 0), or no usable answer."""

    def __str__(self) -> str:
        return f"Zalo error {self.code}: {self.message}"


class InvalidToken(ZaloError):
    """The access token is invalid or expired (-216, -124), or a code/refresh token was refused."""

    @property
    def expired(self) -> bool:
        return self.code in EXPIRED_CODES


class PermissionMissing(ZaloError):
    """The app lacks the permission for this API on the OA (not granted, or not registered)."""


class RateLimited(ZaloError):
    """Too many requests a minute (-32) or the OA's quota is used up (-211, -218, -223)."""

    retryable = True


class NotReady(ZaloError):
    """The article is still being processed (-214): verify it again a little later."""

    retryable = True


class ServerError(ZaloError):
    """Zalo failed (5xx) or could not be reached."""

    retryable = True


class Timeout(ZaloError):
    """No answer within the client's timeout."""

    retryable = True


@dataclass(frozen=True)
class ZaloTokens:
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_in: int = 0


def pkce_challenge(code_verifier: str) -> str:
    """S256 code challenge: base64url of SHA-256 of the verifier, without padding."""
    digest = hashlib.sha256(code_verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def pkce_pair() -> tuple[str, str]:
    """A fresh (code_verifier, code_challenge) pair for one consent."""
    verifier = secrets.token_urlsafe(32)  # 43 characters, the least RFC 7636 allows
    return verifier, pkce_challenge(verifier)


class ZaloClient:
    """One Zalo app's access to the OAuth host and the OA API."""

    def __init__(
        self,
        *,
        oauth_url: str,
        api_url: str,
        app_id: str,
        secret_key: str,
        timeout: float = 10,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.oauth_url = oauth_url.rstrip("/")
        self.api_url = api_url.rstrip("/")
        self.app_id = app_id
        self.secret_key = secret_key
        self.timeout = timeout
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout), transport=transport, headers={"User-Agent": "congdong"}
        )

    @classmethod
    def from_settings(cls) -> ZaloClient:
        from django.conf import settings

        return cls(
            oauth_url=settings.ZALO_OAUTH_URL,
            api_url=settings.ZALO_API_URL,
            app_id=settings.ZALO_APP_ID,
            secret_key=settings.ZALO_SECRET_KEY,
            timeout=settings.CHANNEL_TIMEOUT,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ZaloClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- OAuth v4 ------------------------------------------------------------------------

    def permission_url(self, *, redirect_uri: str, code_challenge: str, state: str) -> str:
        """Where the OA's admin grants the app access; it comes back with ?code&oa_id&state."""
        query = urlencode(
            {
                "app_id": self.app_id,
                "redirect_uri": redirect_uri,
                "code_challenge": code_challenge,
                "state": state,
            }
        )
        return f"{self.oauth_url}/v4/oa/permission?{query}"

    def exchange_code(self, *, code: str, code_verifier: str) -> ZaloTokens:
        """The OA's tokens for the consent's `code` (valid 10 minutes, once)."""
        return self._token(
            {"code": code, "grant_type": "authorization_code", "code_verifier": code_verifier}
        )

    def refresh(self, refresh_token: str) -> ZaloTokens:
        """New tokens; the `refresh_token` given is used up, even if the answer is lost."""
        return self._token({"refresh_token": refresh_token, "grant_type": "refresh_token"})

    def _token(self, form: dict[str, str]) -> ZaloTokens:
        response = self._send(
            "POST",
            f"{self.oauth_url}/v4/oa/access_token",
            data={"app_id": self.app_id, **form},
            headers={"secret_key": self.secret_key},
        )
        body = self._json(response)
        if body.get("access_token"):
            return ZaloTokens(
                access_token=str(body["access_token"]),
                refresh_token=str(body.get("refresh_token", "")),
                expires_in=int(body.get("expires_in") or 0),
            )
        code = _int(body.get("error"))
        parts = (body.get(key) for key in ("error_name", "error_reason", "error_description"))
        message = " — ".join(dict.fromkeys(str(part) for part in parts if part)) or str(
            body.get("message", "no token in the answer")
        )
        if response.status_code >= 500:
            raise ServerError(message, code=code, status=response.status_code)
        raise InvalidToken(message, code=code, status=response.status_code)

    # --- OA API --------------------------------------------------------------------------

    def oa_info(self, token: str) -> dict[str, Any]:
        """The OA's profile: oa_id, name, description, avatar, num_follower, ..."""
        return self._api("GET", "/v2.0/oa/getoa", token)

    def create_article(
        self,
        token: str,
        *,
        title: str,
        author: str,
        description: str,
        cover_url: str,
        body_html: str,
        photos: Sequence[tuple[str, str]] = (),
    ) -> str:
        """Create a normal article (shown, comments shown); the token to verify it with.

        `photos`: (public address, caption) of pictures shown after the text, as image blocks;
        Zalo fetches them from their address."""
        body: list[dict[str, str]] = [{"type": "text", "content": body_html}]
        body.extend(
            {"type": "image", "url": url, "caption": caption[:200]} for url, caption in photos
        )
        payload = {
            "type": "normal",
            "title": title[:150],
            "author": author[:50],
            "description": description[:300],
            "cover": {"cover_type": "photo", "photo_url": cover_url, "status": "show"},
            "body": body,
            "status": "show",
            "comment": "show",
        }
        data = self._api("POST", "/v2.0/article/create", token, json_body=payload)
        return str(data["token"])

    def verify_article(self, token: str, article_token: str) -> str:
        """The article's id, once Zalo has processed it (`NotReady` until then)."""
        data = self._api("POST", "/v2.0/article/verify", token, json_body={"token": article_token})
        return str(data["id"])

    def broadcast(self, token: str, *, article_id: str, cities: list[str] | None = None) -> str:
        """Broadcast the article to the OA's followers (in `cities`, Zalo's old province codes)."""
        target: dict[str, str] = {}
        if cities:
            target["cities"] = ",".join(str(city) for city in cities)
        payload = {
            "recipient": {"target": target},
            "message": {
                "attachment": {
                    "type": "template",
                    "payload": {
                        "template_type": "media",
                        "elements": [{"media_type": "article", "attachment_id": article_id}],
                    },
                }
            },
        }
        data = self._api("POST", "/v2.0/oa/message", token, json_body=payload)
        return str(data["message_id"])

    def followers(self, token: str, *, offset: int = 0, count: int = 50) -> tuple[int, list[str]]:
        """The OA's follower total, and the user ids of one slice (at most 50) of them."""
        count = max(1, min(count, FOLLOWERS_MAX_COUNT))
        query = {"data": json.dumps({"offset": offset, "count": count})}
        data = self._api("GET", "/v2.0/oa/getfollowers", token, params=query)
        ids = [str(row["user_id"]) for row in data.get("followers") or () if "user_id" in row]
        return int(data.get("total") or 0), ids

    def articles(
        self, token: str, *, offset: int = 0, limit: int = ARTICLES_MAX_LIMIT
    ) -> tuple[int, list[dict[str, Any]]]:
        """The OA's article total, and one slice of its articles, newest first: each with
        `id`, `title`, `total_view`, `total_share` and `create_date` (ms since the epoch)."""
        limit = max(1, min(limit, ARTICLES_MAX_LIMIT))
        query = {"offset": str(offset), "limit": str(limit), "type": "normal"}
        data = self._api("GET", "/v2.0/article/getslice", token, params=query)
        return int(data.get("total") or 0), list(data.get("medias") or ())

    def send_text(self, token: str, *, user_id: str, text: str) -> str:
        """A consultation message to a user who wrote within the last 7 days; its message id."""
        payload = {"recipient": {"user_id": user_id}, "message": {"text": text}}
        data = self._api("POST", "/v3.0/oa/message/cs", token, json_body=payload)
        return str(data["message_id"])

    # --- plumbing ------------------------------------------------------------------------

    def _api(
        self,
        method: str,
        path: str,
        token: str,
        *,
        params: dict[str, Any] | None = None,
        json_body: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        response = self._send(
            method,
            f"{self.api_url}{path}",
            params=params,
            json=json_body,
            headers={"access_token": token},
        )
        body = self._json(response)
        code = _int(body.get("error"))
        if code == 0:
            data = body.get("data")
            return data if isinstance(data, dict) else {}
        message = str(body.get("message", ""))
        if code in INVALID_TOKEN_CODES:
            raise InvalidToken(message, code=code, status=response.status_code)
        if code in PERMISSION_CODES:
            raise PermissionMissing(message, code=code, status=response.status_code)
        if code in RATE_LIMIT_CODES:
            raise RateLimited(message, code=code, status=response.status_code)
        if code in NOT_READY_CODES:
            raise NotReady(message, code=code, status=response.status_code)
        if response.status_code >= 500 or code is None:
            raise ServerError(message or f"HTTP {response.status_code}", code=code)
        raise ZaloError(message, code=code, status=response.status_code)

    def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return send(
            self._http,
            method,
            url,
            platform="Zalo",
            timeout=self.timeout,
            timeout_error=Timeout,
            unreachable_error=ServerError,
            **kwargs,
        )

    @staticmethod
    def _json(response: httpx.Response) -> dict[str, Any]:
        body = json_body(response)
        if not isinstance(body, dict):
            raise ServerError(
                f"HTTP {response.status_code} without a Zalo answer", status=response.status_code
            )
        return body


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
