"""Security middleware: response headers, the staff idle timeout, and the API's request limits.

Django's own SecurityMiddleware and XFrameOptionsMiddleware send nosniff, Referrer-Policy,
Cross-Origin-Opener-Policy, HSTS (with CONGDONG_HTTPS) and X-Frame-Options; this module adds
what Django 5.2 lacks (Content-Security-Policy, Permissions-Policy) and the limits of issue 7 §5.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from congdong.core import ratelimit
from congdong.core.durations import duration
from congdong.core.web import client_network, network_of

Handler = Callable[[HttpRequest], HttpResponse]

# Ninja's interactive docs load Swagger UI with inline script; they are a developer's page and
# keep Django's other headers, but not the strict policy.
CSP_EXEMPT_PREFIXES = ("/api/v1/docs",)


class SecurityHeadersMiddleware:
    """Content-Security-Policy (no 'unsafe-inline': templates carry no inline script or style)
    and Permissions-Policy on every response that does not set its own."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        # Django's debug error pages (DEBUG only) are made of inline style and script.
        debug_page = settings.DEBUG and response.status_code >= 400
        if policy and not debug_page and not request.path.startswith(CSP_EXEMPT_PREFIXES):
            response.headers.setdefault("Content-Security-Policy", policy)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


# Last request time of a staff session, in epoch seconds; rewritten at most once a minute so
# that reading pages does not turn every request into a session write.
LAST_SEEN = "congdong_last_seen"
LAST_SEEN_STEP = 60


@receiver(user_logged_in)
def _note_login_as_activity(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """Login is activity: the first pages after it need not write the session again."""
    if request is not None and hasattr(request, "session") and not user.is_citizen:
        request.session[LAST_SEEN] = time.time()


class NulRefusalMiddleware:
    """A NUL character in the address (`?q=%00`, `/trang/a%00/`) is never typed by a person, and
    PostgreSQL cannot compare text with one (an error 500 in any search or filter): such a
    request is refused with 400 before any view, in the visitor's language. (Bodies are cleaned
    where they are stored: forms refuse NUL, actions drop control characters.)"""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            detail = _("The address holds a character that is not allowed (NUL).")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": detail}, status=400)
            return HttpResponse(detail, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class StaffIdleMiddleware:
    """Signs a staff account out after STAFF_IDLE_MINUTES without a request (a shared office
    computer left open). Citizens keep their sessions: they only act on their own behalf."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        idle = settings.STAFF_IDLE_MINUTES * 60
        if idle and user is not None and user.is_authenticated and not user.is_citizen:
            now = time.time()
            last = request.session.get(LAST_SEEN)
            if last is not None and now - last > idle:
                logout(request)  # flushes the session and gives a new key
                messages.info(
                    request,
                    ngettext(
                        "You were signed out after %(minutes)d minute without activity.",
                        "You were signed out after %(minutes)d minutes without activity.",
                        settings.STAFF_IDLE_MINUTES,
                    )
                    % {"minutes": settings.STAFF_IDLE_MINUTES},
                )
            elif last is None or now - last >= LAST_SEEN_STEP:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class ApiRateLimitMiddleware:
    """/api/v1/: API_LIMIT_USER requests a minute per signed-in account (bearer token or
    session), API_LIMIT_ANON per address for anonymous callers. Past it: 429, Retry-After and
    `{"detail": ...}` in the caller's language (LanguageMiddleware ran before)."""

    prefix = "/api/v1/"

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(self.prefix):
            refused = self.refuse(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def refuse(self, request: HttpRequest) -> HttpResponse | None:
        user_id = _api_user_id(request)
        if user_id is not None:
            limit, wait = settings.API_LIMIT_USER, 0
            if limit:
                wait = ratelimit.allow("api-user", user_id, limit, 60)
        else:
            limit, wait = settings.API_LIMIT_ANON, 0
            if limit:
                wait = ratelimit.allow("api-ip", client_network(request) or "-", limit, 60)
        if not wait:
            return None
        detail = ngettext(
            "Too many requests: at most %(limit)d a minute. Try again in %(wait)d second.",
            "Too many requests: at most %(limit)d a minute. Try again in %(wait)d seconds.",
            wait,
        ) % {"limit": limit, "wait": wait}
        response = JsonResponse({"detail": detail}, status=429)
        response["Retry-After"] = str(wait)
        return response


# Who holds an API key (the account's id, or None): set by the accounts app when it is ready
# (accounts.apps), so that plumbing asks a domain app without importing it.
key_owner: Callable[[str], int | None] | None = None


def _api_user_id(request: HttpRequest) -> int | None:
    """The account behind the request: a valid bearer key first (as the API's auth does), else
    the session. An unknown key counts as anonymous, so guessing keys is limited by address."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, key = header.partition(" ")
    if scheme.lower() == "bearer" and key.strip() and key_owner is not None:
        found = key_owner(key.strip())
        if found is not None:
            return found
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user.pk
    return None


# ---------------------------------------------------------------- secrets: passwords and codes
# The policy (docs/operations.md "Wrong passwords and codes"), for every place a staff secret is
# checked — the sign-in password, the two-step code and recovery codes, the old password when
# changing it, the password that turns two-step sign-in off:
# - a try is counted before the secret is compared, atomically, and given back when it is right;
# - LOGIN_FAILURES_LIMIT failures on one account from one address, or LOGIN_FAILURES_PER_ADDRESS
#   from one address on any accounts, in a sliding window: that address is refused (429);
# - failures on one account from everywhere never refuse anyone: past LOGIN_FAILURES_LIMIT of
#   them, an address that fails on the account waits before its next try, 1 s doubling with
#   each further failure up to LOGIN_DELAY_MAX_SECONDS. An address with no failure on the
#   account is never made to wait, so the right password from the owner's own address always
#   gets checked, whatever a guesser elsewhere does (issue 15: an outsider could lock chosen
#   admins out for the 24 hours of a takedown deadline).


def _window() -> int:
    return int(settings.LOGIN_FAILURES_MINUTES * 60) or 1


def _pair(username: str, ip: str | None) -> str:
    return f"{_account_key(username)}:{network_of(ip) or '-'}"


def _hard_limits(username: str, ip: str | None) -> list[tuple[str, str, int]]:
    """(scope, who, limit) of the counts that refuse an address."""
    limits = [("login-pair", _pair(username, ip), settings.LOGIN_FAILURES_LIMIT)]
    if ip and settings.LOGIN_FAILURES_PER_ADDRESS:
        # An IPv6 client may change its address within its /64 at will: the /64 is one party.
        limits.append(("login-ip", network_of(ip) or ip, settings.LOGIN_FAILURES_PER_ADDRESS))
    return limits


def login_delay(account_failures: int) -> int:
    """Seconds an address that failed on an account waits between tries, once the account has
    `account_failures` failures (from anywhere) in the window: 0 under the limit, then 1, 2,
    4 … up to LOGIN_DELAY_MAX_SECONDS."""
    over = account_failures - settings.LOGIN_FAILURES_LIMIT
    if over < 0:
        return 0
    return min(settings.LOGIN_DELAY_MAX_SECONDS, 2 ** min(over, 30))


def reserve_login(username: str, ip: str | None) -> int:
    """Count this try of a secret for the account and the address before it is compared: 0 if
    it may go on, else the seconds to wait (Retry-After).

    The counts are taken atomically (the cache's add + incr), so of any number of parallel tries
    at most LOGIN_FAILURES_LIMIT from one address get their secret compared. A try that
    succeeds gives its counts back (`release_login`); a failure keeps them. A refused try
    counts nowhere.
    """
    limit = settings.LOGIN_FAILURES_LIMIT
    if not limit:
        return 0
    window = _window()
    account = _account_key(username)
    taken: list[tuple[str, str]] = []
    for scope, who, most in _hard_limits(username, ip):
        wait = ratelimit.sliding_take(scope, who, most, window)
        if wait:
            for earlier in taken:  # never compared: not a failure
                ratelimit.sliding_give_back(*earlier, window)
            return wait
        taken.append((scope, who))
    delay = login_delay(ratelimit.sliding_count("login-account", account, window))
    if delay:
        # One try per delay from an address on this account: add is atomic, so parallel tries
        # from it get one through. The gate is keyed by the address; others have their own.
        gate = f"login-gate:{_pair(username, ip)}"
        until = time.time() + delay
        if not cache.add(gate, until, timeout=delay):
            for earlier in taken:
                ratelimit.sliding_give_back(*earlier, window)
            return max(1, int((cache.get(gate) or until) - time.time()) + 1)
    ratelimit.sliding_take("login-account", account, None, window)
    return 0


def release_login(username: str, ip: str | None) -> None:
    """The try reserved by `reserve_login` succeeded: it is not a failure, and the address
    need not wait before its next try."""
    if not settings.LOGIN_FAILURES_LIMIT:
        return
    window = _window()
    for scope, who, _most in _hard_limits(username, ip):
        ratelimit.sliding_give_back(scope, who, window)
    ratelimit.sliding_give_back("login-account", _account_key(username), window)
    cache.delete(f"login-gate:{_pair(username, ip)}")


def wait_text(wait: int) -> str:
    """ "in 40 seconds" or "in 3 minutes": a delay of seconds is not shown as a minute."""
    if wait < 60:
        return duration(wait)
    return duration((wait + 59) // 60 * 60)  # whole minutes, rounded up: never too early


def login_refusal_message(wait: int) -> str:
    return _("Too many failed logins. Try again in %(wait)s.") % {"wait": wait_text(wait)}


def _account_key(username: str) -> str:
    # Usernames are case-insensitive to people; the cache key must not be a way around.
    # Hashing keeps the key short and free of characters memcached-style keys refuse.
    return hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]


__all__ = [
    "ApiRateLimitMiddleware",
    "NulRefusalMiddleware",
    "SecurityHeadersMiddleware",
    "StaffIdleMiddleware",
    "login_delay",
    "login_refusal_message",
    "release_login",
    "reserve_login",
    "wait_text",
]
