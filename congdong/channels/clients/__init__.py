"""HTTP clients of the platforms congdong publishes to and reads from (Facebook Graph, Zalo OA).

They speak the platforms' documented HTTP APIs with httpx — no platform SDK — and turn every
failure into a typed error deriving from `ChannelError`, so the caller (the delivery and import
workflows) decides what to do from the class alone: `retryable` errors (rate limits, server
errors, timeouts) are tried again later, after `retry_after` seconds when the platform said so;
the others (token expired, permission missing, bad input) need a person.

Tokens travel in headers or form bodies, never in URLs, which HTTP logs would record.
"""

from __future__ import annotations


class ChannelError(Exception):
    """A platform call that did not do what was asked."""

    retryable: bool = False

    def __init__(self, message: str = "", *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after
