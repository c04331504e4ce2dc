"""Client of the Facebook Graph API for Pages: login, page tokens, publishing, insights, comments.

Shapes: https://developers.facebook.com/docs/pages-api (see /work/shared/CHANNELS.md). Every
answer's usage headers (`X-App-Usage`, `X-Page-Usage`, `X-Business-Use-Case-Usage`) are kept in
`last_usage` so callers can pace themselves before Facebook throttles them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx

from congdong.channels.clients import ChannelError, json_body, send

__all__ = [
    "GraphClient",
    "GraphError",
    "InsightsResult",
    "InvalidMetric",
    "PageGrant",
    "PermissionMissing",
    "RateLimited",
    "ServerError",
    "Timeout",
    "TokenExpired",
]

# Graph answers at most 90 days of daily values per insights call.
# The permissions congdong asks a Page's admin for when they connect it.
PAGE_SCOPES = (
    "pages_show_list",
    "pages_read_engagement",
    "pages_manage_posts",
    "pages_manage_metadata",
    "pages_manage_engagement",
    "pages_read_user_engagement",
    "read_insights",
)
INSIGHTS_MAX_DAYS = 90
USAGE_HEADERS = {
    "x-app-usage": "app",
    "x-page-usage": "page",
    "x-business-use-case-usage": "business",
}
RATE_LIMIT_CODES = frozenset({4, 17, 32, 341, 613, *range(80001, 80015)})
TOKEN_CODES = frozenset({190, 102})
# The permission names Facebook's (#10)/(#200) messages mention, e.g. "(#200) Requires
# pages_manage_posts permission to manage the object".
_PERMISSION_RE = re.compile(
    r"\b(pages_[a-z_]+|read_insights|publish_[a-z_]+|business_management|public_profile"
    r"|read_page_mailboxes|instagram_[a-z_]+)\b"
)


class GraphError(ChannelError):
    """An error answer of the Graph API (`{"error": {...}}`), or no usable answer at all."""

    def __init__(
        self,
        message: str = "",
        *,
        code: int | None = None,
        subcode: int | None = None,
        type: str = "",
        fbtrace_id: str = "",
        usage: dict[str, Any] | None = None,
        status: int | None = None,
        retry_after: float | None = None,
        outcome_unknown: bool = False,
    ) -> None:
        super().__init__(
            message,
            code=code,
            status=status,
            retry_after=retry_after,
            outcome_unknown=outcome_unknown,
        )
        self.subcode = subcode
        self.type = type
        self.fbtrace_id = fbtrace_id
        self.usage = usage or {}

    def __str__(self) -> str:
        return f"Graph error {self.code}/{self.subcode}: {self.message}"


class TokenExpired(GraphError):
    """The token is expired, revoked or invalid (190): the page must be connected again."""


class PermissionMissing(GraphError):
    """The token lacks a permission or the person a task on the Page (10, 200–299)."""

    @property
    def permission(self) -> str | None:
        """The permission Facebook named in its message, if it named one."""
        match = _PERMISSION_RE.search(self.message)
        return match.group(1) if match else None


class InvalidMetric(GraphError):
    """(#100) on an insights call: one of the metrics asked for is not (or no longer) valid."""


class RateLimited(GraphError):
    """Throttled (4, 17, 32, 613, 80001…): try again after `retry_after` seconds."""

    retryable = True


class ServerError(GraphError):
    """Facebook failed (5xx, codes 1 and 2, transient errors) or could not be reached."""

    retryable = True


class Timeout(GraphError):
    """No answer within the client's timeout."""

    retryable = True


@dataclass(frozen=True)
class PageGrant:
    """A Page the person administers, with its page token and the tasks they may do on it."""

    id: str
    name: str
    access_token: str = field(repr=False)
    tasks: tuple[str, ...] = ()


@dataclass
class InsightsResult:
    """Daily values per metric, and the metrics Facebook refused with the message it gave."""

    values: dict[str, dict[date, Any]] = field(default_factory=dict)
    dropped: dict[str, str] = field(default_factory=dict)


def parse_usage(headers: httpx.Headers) -> dict[str, Any]:
    """The usage headers of one answer, decoded: {"app": {...}, "page": {...}, "business": {...}}.

    Also "percent" (the highest call/cpu/time share in any of them) and "regain_seconds"
    (Facebook's `estimated_time_to_regain_access`, given in minutes, in seconds)."""
    usage: dict[str, Any] = {}
    percent = 0.0
    regain_minutes = 0.0
    for header, key in USAGE_HEADERS.items():
        raw = headers.get(header)
        if not raw:
            continue
        try:
            value = json.loads(raw)
        except ValueError:
            continue
        usage[key] = value
        entries: list[dict[str, Any]] = []
        if key == "business" and isinstance(value, dict):
            for items in value.values():
                if isinstance(items, list):
                    entries.extend(item for item in items if isinstance(item, dict))
        elif isinstance(value, dict):
            entries.append(value)
        for entry in entries:
            for name in ("call_count", "total_cputime", "total_time"):
                percent = max(percent, _number(entry.get(name)))
            regain_minutes = max(
                regain_minutes, _number(entry.get("estimated_time_to_regain_access"))
            )
    if usage:
        usage["percent"] = percent
        usage["regain_seconds"] = regain_minutes * 60
    return usage


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _day(value: date) -> str:
    return value.isoformat()


class GraphClient:
    """One app's access to the Graph API. Thread-safe for calls; `last_usage` is the latest seen."""

    def __init__(
        self,
        *,
        base_url: str,
        dialog_url: str,
        version: str,
        app_id: str,
        app_secret: str,
        timeout: float = 10,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.dialog_url = dialog_url.rstrip("/")
        self.version = version
        self.app_id = app_id
        self.app_secret = app_secret
        self.timeout = timeout
        self.last_usage: dict[str, Any] = {}
        self._http = httpx.Client(
            base_url=f"{self.base_url}/{version}",
            timeout=httpx.Timeout(timeout),
            transport=transport,
            headers={"User-Agent": "congdong"},
        )

    @classmethod
    def from_settings(cls) -> GraphClient:
        from django.conf import settings

        return cls(
            base_url=settings.FACEBOOK_GRAPH_URL,
            dialog_url=settings.FACEBOOK_DIALOG_URL,
            version=settings.FACEBOOK_GRAPH_VERSION,
            app_id=settings.FACEBOOK_APP_ID,
            app_secret=settings.FACEBOOK_APP_SECRET,
            timeout=settings.CHANNEL_TIMEOUT,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> GraphClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- login ---------------------------------------------------------------------------

    def login_url(self, *, redirect_uri: str, state: str, scopes: Sequence[str]) -> str:
        """The Facebook Login dialog to send the person to; it comes back with ?code&state."""
        query = urlencode(
            {
                "client_id": self.app_id,
                "redirect_uri": redirect_uri,
                "state": state,
                "scope": ",".join(scopes),
                "response_type": "code",
            }
        )
        return f"{self.dialog_url}/{self.version}/dialog/oauth?{query}"

    def exchange_code(self, *, code: str, redirect_uri: str) -> str:
        """The user access token for the login dialog's `code` (short-lived, about 1–2 hours)."""
        data = self._call(
            "POST",
            "/oauth/access_token",
            data={
                "client_id": self.app_id,
                "client_secret": self.app_secret,
                "redirect_uri": redirect_uri,
                "code": code,
            },
        )
        return str(data["access_token"])

    def long_lived_user_token(self, user_token: str) -> str:
        """A long-lived user token (about 60 days); page tokens got with it do not expire."""
        data = self._call(
            "POST",
            "/oauth/access_token",
            data={
                "grant_type": "fb_exchange_token",
                "client_id": self.app_id,
                "client_secret": self.app_secret,
                "fb_exchange_token": user_token,
            },
        )
        return str(data["access_token"])

    def accounts(self, user_token: str) -> list[PageGrant]:
        """Every Page the person administers (`GET /me/accounts`, all pages of the answer)."""
        rows = self._paged(
            "/me/accounts", user_token, {"fields": "id,name,access_token,tasks", "limit": 100}
        )
        return [
            PageGrant(
                id=str(row["id"]),
                name=str(row.get("name", "")),
                access_token=str(row.get("access_token", "")),
                tasks=tuple(row.get("tasks") or ()),
            )
            for row in rows
        ]

    def permissions(self, user_token: str) -> dict[str, str]:
        """The person's permissions for the app: {permission: "granted" | "declined" | ...}."""
        rows = self._paged("/me/permissions", user_token, {})
        return {str(row["permission"]): str(row.get("status", "")) for row in rows}

    def revoke(self, user_or_page_token: str) -> None:
        """Withdraw the app's permissions (`DELETE /me/permissions`): the token stops working."""
        self._call("DELETE", "/me/permissions", token=user_or_page_token)

    # --- pages ---------------------------------------------------------------------------

    def page(
        self,
        page_id: str,
        token: str,
        fields: Iterable[str] = (
            "id",
            "name",
            "link",
            "website",
            "about",
            "followers_count",
            "fan_count",
        ),
    ) -> dict[str, Any]:
        """The Page's public fields (the website and about fields are how it points back)."""
        return self._call("GET", f"/{page_id}", token=token, params={"fields": ",".join(fields)})

    def publish(
        self,
        page_id: str,
        token: str,
        *,
        message: str,
        link: str | None = None,
        scheduled_at: datetime | None = None,
        media_ids: Sequence[str] = (),
        idempotency_key: str | None = None,
    ) -> str:
        """Post to the Page's feed; the new post's id, "{page_id}_{post_id}".

        `media_ids`: photos uploaded unpublished (`upload_photo`), shown in the post in this
        order (`attached_media[i]={"media_fbid": id}`). A post with photos carries no `link`
        (Graph would show the link's preview instead of the photos): put the address in the
        message.

        Graph has no idempotency key: `idempotency_key` is accepted for the callers' symmetry
        and not sent. A retry is safe only if the caller's own row says the post was not made.
        """
        del idempotency_key
        if media_ids and link:
            raise ValueError("a post with photos carries its link in the message")
        data: dict[str, Any] = {"message": message}
        if link:
            data["link"] = link
        for index, media_id in enumerate(media_ids):
            data[f"attached_media[{index}]"] = json.dumps({"media_fbid": str(media_id)})
        if scheduled_at is not None:
            data["published"] = "false"
            data["scheduled_publish_time"] = str(int(scheduled_at.timestamp()))
        answer = self._call("POST", f"/{page_id}/feed", token=token, data=data)
        return str(answer["id"])

    def publish_photo(
        self,
        page_id: str,
        token: str,
        *,
        caption: str = "",
        url: str | None = None,
        image: bytes | None = None,
        filename: str = "photo.jpg",
        content_type: str = "image/jpeg",
    ) -> str:
        """Post a photo (by public `url`, or uploaded `image` bytes); the feed post's id."""
        data: dict[str, Any] = {"caption": caption} if caption else {}
        answer = self._photos(page_id, token, data, url, image, filename, content_type)
        return str(answer.get("post_id") or answer["id"])

    def upload_photo(
        self,
        page_id: str,
        token: str,
        *,
        image: bytes | None = None,
        url: str | None = None,
        alt_text: str = "",
        filename: str = "photo.jpg",
        content_type: str = "image/jpeg",
    ) -> str:
        """Upload a photo to the Page without publishing it (`published=false`); its id, to
        attach to one feed post with `publish(media_ids=...)`. Followers see nothing until then.
        """
        data: dict[str, Any] = {"published": "false"}
        if alt_text:
            data["alt_text_custom"] = alt_text
        answer = self._photos(page_id, token, data, url, image, filename, content_type)
        return str(answer["id"])

    def _photos(
        self,
        page_id: str,
        token: str,
        data: dict[str, Any],
        url: str | None,
        image: bytes | None,
        filename: str,
        content_type: str,
    ) -> dict[str, Any]:
        """POST to the Page's photos the picture at a public `url` or the `image` bytes."""
        if (url is None) == (image is None):
            raise ValueError("give either url or image")
        files = None
        if url is not None:
            data["url"] = url
        else:
            files = {"source": (filename, image, content_type)}
        return self._call("POST", f"/{page_id}/photos", token=token, data=data, files=files)

    def feed(self, page_id: str, token: str, *, limit: int = 25) -> list[dict[str, Any]]:
        """The Page's latest posts, newest first (id, message, created_time, permalink_url).

        How a delivery whose answer was lost (`outcome_unknown`) finds out whether it posted."""
        answer = self._call(
            "GET",
            f"/{page_id}/feed",
            token=token,
            params={"fields": "id,message,created_time,permalink_url", "limit": str(limit)},
        )
        return list(answer.get("data") or ())

    def posts_between(
        self, page_id: str, token: str, *, since: datetime, until: datetime
    ) -> list[dict[str, Any]]:
        """The Page's posts made from `since` (included) to `until` (not), all pages of the
        answer: each with `id` and `created_time`. Insights have no Page metric for posts."""
        params = {
            "fields": "id,created_time",
            "since": str(int(since.timestamp())),
            "until": str(int(until.timestamp())),
            "limit": "100",
        }
        return self._paged(f"/{page_id}/feed", token, params)

    def subscribe(self, page_id: str, token: str, fields: Iterable[str] = ("feed",)) -> None:
        """Install the app's webhooks on the Page (`POST /{page}/subscribed_apps`)."""
        self._call(
            "POST",
            f"/{page_id}/subscribed_apps",
            token=token,
            data={"subscribed_fields": ",".join(fields)},
        )

    # --- insights ------------------------------------------------------------------------

    def insights(
        self,
        page_id: str,
        token: str,
        *,
        metrics: Sequence[str],
        since: date,
        until: date,
        period: str = "day",
    ) -> InsightsResult:
        """Daily values of `metrics` for the days `since`..`until`, both included.

        One invalid metric fails a whole Graph request with (#100), so when that happens each
        metric is asked for alone: the refused ones land in `dropped` with Facebook's message,
        the others are kept, and the later chunks of a long range ask only for the valid ones.
        Ranges longer than 90 days are split into calls of at most 90 days.
        """
        result = InsightsResult(values={metric: {} for metric in metrics})
        remaining = list(dict.fromkeys(metrics))
        start = since
        while start <= until and remaining:
            end = min(until, start + timedelta(days=INSIGHTS_MAX_DAYS - 1))
            try:
                self._insights_into(result, page_id, token, remaining, start, end, period)
            except InvalidMetric:
                kept = []
                for metric in remaining:
                    try:
                        self._insights_into(result, page_id, token, [metric], start, end, period)
                    except InvalidMetric as error:
                        result.dropped[metric] = error.message
                        result.values.pop(metric, None)
                    else:
                        kept.append(metric)
                remaining = kept
            start = end + timedelta(days=1)
        return result

    def _insights_into(
        self,
        result: InsightsResult,
        page_id: str,
        token: str,
        metrics: list[str],
        since: date,
        until: date,
        period: str,
    ) -> None:
        params = {
            "metric": ",".join(metrics),
            "period": period,
            "since": _day(since),
            # Graph's `until` is exclusive: the last value's end_time is `until`.
            "until": _day(until + timedelta(days=1)),
        }
        answer = self._call(
            "GET", f"/{page_id}/insights", token=token, params=params, insights=True
        )
        for series in answer.get("data") or ():
            name = series.get("name")
            if name not in result.values:
                continue
            for point in series.get("values") or ():
                end_time = point.get("end_time")
                if not end_time:
                    continue
                # A day's value ends at the next midnight (Pacific time): the day is the one before.
                day = (datetime.strptime(end_time[:10], "%Y-%m-%d") - timedelta(days=1)).date()
                result.values[name][day] = point.get("value")

    # --- comments ------------------------------------------------------------------------

    def comments(self, object_id: str, token: str) -> list[dict[str, Any]]:
        """The comments on a post or comment, oldest first, all pages of the answer."""
        return self._paged(
            f"/{object_id}/comments",
            token,
            {"fields": "id,message,from,created_time,is_hidden,parent", "limit": 100},
        )

    def reply(self, comment_id: str, token: str, message: str) -> str:
        """Answer a comment as the Page; the reply's id."""
        answer = self._call(
            "POST", f"/{comment_id}/comments", token=token, data={"message": message}
        )
        return str(answer["id"])

    def hide(self, comment_id: str, token: str, hidden: bool = True) -> None:
        """Hide (or show again) a comment on the Page: its author and friends still see it."""
        self._call(
            "POST",
            f"/{comment_id}",
            token=token,
            data={"is_hidden": "true" if hidden else "false"},
        )

    # --- plumbing ------------------------------------------------------------------------

    def _paged(self, path: str, token: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        params = dict(params)
        # Follow the `after` cursor on our own base URL rather than Graph's `next` link:
        # that link carries the token in its query string.
        for _ in range(1000):
            answer = self._call("GET", path, token=token, params=params)
            rows.extend(answer.get("data") or ())
            paging = answer.get("paging") or {}
            after = (paging.get("cursors") or {}).get("after")
            if not paging.get("next") or not after:
                break
            params["after"] = after
        return rows

    def _proof(self, token: str) -> str:
        return hmac.new(self.app_secret.encode(), token.encode(), hashlib.sha256).hexdigest()

    def _call(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        params: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        files: dict[str, Any] | None = None,
        insights: bool = False,
    ) -> dict[str, Any]:
        headers = {}
        params = dict(params or {})
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
            if self.app_secret:
                params["appsecret_proof"] = self._proof(token)
        response = send(
            self._http,
            method,
            path,
            platform="Facebook",
            timeout=self.timeout,
            timeout_error=Timeout,
            unreachable_error=ServerError,
            params=params,
            data=data,
            files=files,
            headers=headers,
        )
        usage = parse_usage(response.headers)
        if usage:
            self.last_usage = usage
        body = json_body(response)
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            raise self._error(body["error"], response.status_code, usage, insights)
        if response.status_code >= 500 or not isinstance(body, dict):
            raise ServerError(
                f"HTTP {response.status_code} without a Graph answer",
                status=response.status_code,
                usage=usage,
            )
        if response.status_code >= 400:
            raise GraphError(f"HTTP {response.status_code}", status=response.status_code)
        return body

    @staticmethod
    def _error(
        error: dict[str, Any], status: int, usage: dict[str, Any], insights: bool
    ) -> GraphError:
        code = error.get("code")
        code = (
            int(code) if isinstance(code, int | str) and str(code).lstrip("-").isdigit() else None
        )
        subcode = error.get("error_subcode")
        kwargs: dict[str, Any] = {
            "code": code,
            "subcode": int(subcode) if isinstance(subcode, int) else None,
            "type": str(error.get("type", "")),
            "fbtrace_id": str(error.get("fbtrace_id", "")),
            "usage": usage,
            "status": status,
        }
        message = str(error.get("message", ""))
        if code in TOKEN_CODES:
            return TokenExpired(message, **kwargs)
        if code in RATE_LIMIT_CODES:
            regain = usage.get("regain_seconds") or None
            return RateLimited(message, retry_after=regain, **kwargs)
        if code == 10 or (code is not None and 200 <= code <= 299):
            return PermissionMissing(message, **kwargs)
        # Only the metric refusal: another (#100) on insights (a bad date, say) is not a reason
        # to stop asking for a metric.
        if code == 100 and insights and "metric" in message.lower():
            return InvalidMetric(message, **kwargs)
        if code in (1, 2) or status >= 500 or error.get("is_transient"):
            return ServerError(message, **kwargs)
        return GraphError(message, **kwargs)
