"""HTTP clients of the platforms congdong publishes to and reads from (Facebook Graph, Zalo OA).

They speak the platforms' documented HTTP APIs with httpx — no platform SDK — and turn every
failure into a typed error deriving from `ChannelError`, so the caller (the delivery and import
workflows) decides what to do from the class alone: `retryable` errors (rate limits, server
errors, timeouts) are tried again later, after `retry_after` seconds when the platform said so;
the others (token expired, permission missing, bad input) need a person.

Tokens travel in headers or form bodies, never in URLs, which HTTP logs would record.
"""

from __future__ import annotations

from typing import Any

import httpx

# Failures after the request went out: the platform may have done the work (made the post)
# without our hearing of it. Connecting failed or the pool was full: nothing was sent.
_SENT_FAILURES = (
    httpx.ReadTimeout,
    httpx.WriteTimeout,
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
)


class ChannelError(Exception):
    """A platform call that did not do what was asked.

    `code` is the platform's error code and `status` the HTTP status, when there was an answer.
    `outcome_unknown` is True when the request was sent but no answer came: a publish may have
    happened. Retrying such a write blindly can post twice; look first (the Page's feed)."""

    retryable: bool = False

    def __init__(
        self,
        message: str = "",
        *,
        code: int | None = None,
        status: int | None = None,
        retry_after: float | None = None,
        outcome_unknown: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.retry_after = retry_after
        self.outcome_unknown = outcome_unknown


def was_sent(error: httpx.TransportError) -> bool:
    """Whether the request had gone out when `error` happened (see `outcome_unknown`)."""
    return isinstance(error, _SENT_FAILURES)


def send(
    http: httpx.Client,
    method: str,
    url: str,
    *,
    platform: str,
    timeout: float,
    timeout_error: type[ChannelError],
    unreachable_error: type[ChannelError],
    **kwargs: Any,
) -> httpx.Response:
    """One request to `platform`; no answer within `timeout` seconds raises `timeout_error`,
    no connection `unreachable_error` (both with `outcome_unknown` when it had gone out)."""
    try:
        return http.request(method, url, **kwargs)
    except httpx.TimeoutException as error:
        raise timeout_error(
            f"no answer within {timeout} s ({type(error).__name__})",
            outcome_unknown=was_sent(error),
        ) from None
    except httpx.TransportError as error:
        raise unreachable_error(
            f"{platform} could not be reached ({type(error).__name__})",
            outcome_unknown=was_sent(error),
        ) from None


def json_body(response: httpx.Response) -> Any:
    """The answer's JSON, or None when it is not JSON."""
    try:
        return response.json()
    except ValueError:
        return None
