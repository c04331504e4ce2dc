"""Whole-page cache for anonymous visitors of the public site, invalidated by version numbers.

A cached copy is keyed by the site address, the language, the full path (query included),
whether htmx asked for a fragment, and the current versions of the page it shows (`("page",
id)`) and of the whole site — never by the Host header, which no longer changes what a page
holds (core/links.py). Publishing, hiding or editing a post bumps its page's version
(`bump_page`), so the next visitor misses and sees the change; moves that change directories
bump the global version (`bump_all`). Nothing is ever deleted by pattern: old copies simply stop
being asked for and expire. Versions live in the Django cache — per process with the default
LocMem backend (one web process on a laptop), shared by every process with Redis (REDIS_URL),
which a multi-process deployment needs for invalidation to reach all of them.

Counts that change without a bump (followers, reactions) are at most `timeout` seconds old for
anonymous visitors; signed-in people always get a freshly built page.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import translation

Scope = tuple[str, int]

PREFIX = "congdong:pc"
GLOBAL = f"{PREFIX}:v:all"
HEADER = "X-Cache"
# Only honoured when CONGDONG_BENCH_VIEWS is on: lets the benchmark measure uncached pages.
BENCH_BYPASS_HEADER = "X-Bench-No-Cache"


def _version_key(scope: Scope) -> str:
    kind, pk = scope
    return f"{PREFIX}:v:{kind}:{pk}"


def _fresh_version() -> int:
    # A version lost from the cache (evicted, Redis restarted) restarts from the clock, which is
    # past any number it reached before, so no old copy can match it again.
    return time.time_ns() // 1000


def _versions(keys: list[str]) -> list[int]:
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, _fresh_version(), timeout=None)
            found[key] = cache.get(key)
    return [found[k] for k in keys]


def site_version() -> int:
    """The version of the whole public site (bumped by page status moves, among others)."""
    return _versions([GLOBAL])[0]


def version_of(scope: Scope) -> str:
    """The current version of `scope` and of the site, for keys of other cached reads."""
    return "-".join(map(str, _versions([GLOBAL, _version_key(scope)])))


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # not in the cache: any fresh value differs from the one copies used
        if not cache.add(key, _fresh_version(), timeout=None):
            cache.incr(key)  # another process added it meanwhile


def bump_page(page_id: int) -> None:
    """Cached copies showing this page (its public page and its posts) are no longer served."""
    _bump(_version_key(("page", page_id)))


def bump_pages(page_ids: Iterable[int]) -> None:
    for page_id in set(page_ids):
        bump_page(page_id)


def bump_all() -> None:
    """No cached public page is served again: for changes that show on many pages at once."""
    _bump(GLOBAL)


def page_changed(page_id: int) -> None:
    """For actions: the page's cached copies go stale now and again when the transaction
    commits. The second bump drops a copy a visitor may have rebuilt from the old rows in
    between; the first makes the change visible inside a transaction that never commits (tests
    run so) and costs one cache increment."""
    bump_page(page_id)
    transaction.on_commit(lambda: bump_page(page_id))


def pages_changed(page_ids: Iterable[int]) -> None:
    ids = set(page_ids)
    bump_pages(ids)
    transaction.on_commit(lambda: bump_pages(ids))


def all_changed() -> None:
    """For actions whose change shows on many pages (directories, page status, home page)."""
    bump_all()
    transaction.on_commit(bump_all)


def _cacheable_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if request.user.is_authenticated:
        return False
    # A message waiting to be shown belongs to this visitor (len() does not consume it).
    if len(get_messages(request)):
        return False
    return not (settings.BENCH_VIEWS and request.headers.get(BENCH_BYPASS_HEADER))


def _key(request: HttpRequest, scope: Scope | None) -> str:
    keys = [GLOBAL] + ([_version_key(scope)] if scope else [])
    versions = _versions(keys)
    fragment = request.headers.get("HX-Target", "-") if request.headers.get("HX-Request") else ""
    # Never the Host header or the scheme: pages are built from the configured site address
    # alone (core/links.py), so a request under another host or port gets, and stores, the same
    # copy as everyone. The site address is in the key so that changing it drops old copies.
    raw = "|".join(
        [
            settings.SITE_URL,
            translation.get_language(),
            request.get_full_path(),
            fragment,
            *map(str, versions),
        ]
    )
    return f"{PREFIX}:r:" + hashlib.sha256(raw.encode()).hexdigest()


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies  # set for this visitor only
        # The page embedded a CSRF token: it is this visitor's secret and must not be shared.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def cached_response(
    request: HttpRequest,
    scope: Scope | None,
    build: Callable[[], HttpResponse],
    timeout: int = 60,
) -> HttpResponse:
    """The response of `build()`, from the cache for anonymous GETs when a copy exists.

    Only anonymous GET/HEAD requests without pending messages are served from or stored in the
    cache, and only 200 responses that set no cookie and embed no CSRF token. `scope` names
    the page whose version the copy depends on (None: only the global version). The response
    carries `X-Cache: hit`, `miss` (built, stored when storable) or `bypass` (not cacheable).
    """
    if not _cacheable_request(request):
        response = build()
        response[HEADER] = "bypass"
        return response
    key = _key(request, scope)
    stored = cache.get(key)
    if stored is not None:
        content, content_type = stored
        response = HttpResponse(content, content_type=content_type)
        response[HEADER] = "hit"
        return response
    response = build()
    if _storable(request, response):
        cache.set(key, (response.content, response["Content-Type"]), timeout)
    response[HEADER] = "miss"
    return response


# The response's bytes are the same for everyone and say nothing about who asked (the picture
# of a public post): browsers and proxies may keep them, even when a signed-in person fetched
# them. `core.middleware.PrivateCacheMiddleware` leaves such a response as it is.
SHARED = "congdong_shared"


def mark_shared(response: HttpResponse, max_age: int) -> HttpResponse:
    """Let browsers and shared caches keep `response` for `max_age` seconds."""
    response["Cache-Control"] = f"public, max-age={max_age}"
    setattr(response, SHARED, True)
    return response
