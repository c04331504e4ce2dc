"""The viewport beacon, its no-script pixel, and the privacy page with the opt-out."""

from __future__ import annotations

import base64

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from congdong import events
from congdong.core.errors import ActionError
from congdong.core.ratelimit import RateLimited, hit
from congdong.events import EventKind
from congdong.events.visitors import (
    OPT_OUT_COOKIE,
    OPT_OUT_MAX_AGE,
    tracking_allowed,
    visitor_key,
)
from congdong.insights.beacon import parse_pixel, parse_seen
from congdong.insights.queries import public_feed_items

# The smallest transparent GIF, for the pixel.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def _over_limit(request: HttpRequest) -> JsonResponse | None:
    # Per account when signed in, else per network address (the anonymous visitor key has
    # nothing else in it): a script rotating User-Agents or cookies shares one allowance.
    try:
        hit("beacon", visitor_key(request), settings.EVENTS_BEACON_LIMIT, what=_("beacons"))
    except RateLimited as exc:
        response = JsonResponse({"detail": str(exc.message)}, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    return None


# sendBeacon cannot send the CSRF token. Nothing here acts for the person: it only counts
# what their screen showed, bounded per visitor and checked against published posts.
@csrf_exempt
@require_POST
def beacon(request: HttpRequest) -> HttpResponse:
    """Feed items the browser showed: `{"seen": [{"post": id, "page": id}, …]}` → 204."""
    if not tracking_allowed(request):
        return HttpResponse(status=204)
    try:
        pairs = parse_seen(request.body)
    except ActionError as exc:
        return JsonResponse({"detail": str(exc.message)}, status=exc.status)
    if refused := _over_limit(request):
        return refused
    events.record_many(request, EventKind.FEED_SEEN, public_feed_items(pairs))
    return HttpResponse(status=204)


@require_GET
@never_cache
def seen_pixel(request: HttpRequest) -> HttpResponse:
    """The beacon for browsers without JavaScript: an image in <noscript> under a feed."""
    response = HttpResponse(PIXEL, content_type="image/gif")
    if not tracking_allowed(request) or _over_limit(request):
        return response
    pairs = parse_pixel(request.GET.get("seen", ""))
    events.record_many(request, EventKind.FEED_SEEN, public_feed_items(pairs))
    return response


@require_http_methods(["GET", "POST"])
def privacy(request: HttpRequest) -> HttpResponse:
    """What we record about visits, and the switch to stop it (a cookie on this browser)."""
    if request.method == "POST":
        response = redirect("insights:privacy")
        if request.POST.get("choice") == "opt-out":
            response.set_cookie(
                OPT_OUT_COOKIE,
                "1",
                max_age=OPT_OUT_MAX_AGE,
                samesite="Lax",
                secure=settings.HTTPS,
                # Not HttpOnly: beacon.js reads it to send nothing at all.
                httponly=False,
            )
            messages.success(request, _("Visits from this browser are no longer recorded."))
        else:
            response.delete_cookie(OPT_OUT_COOKIE, samesite="Lax")
            messages.success(request, _("Visits from this browser are recorded again."))
        return response
    context = {
        "opted_out": request.COOKIES.get(OPT_OUT_COOKIE) == "1",
        "browser_signal": request.headers.get("DNT") == "1"
        or request.headers.get("Sec-GPC") == "1",
    }
    return render(request, "insights/privacy.html", context)


urls: list[URLPattern] = [
    path("su-kien/", beacon, name="beacon"),
    path("su-kien/khong-js.gif", seen_pixel, name="seen-pixel"),
    path("quyen-rieng-tu/", privacy, name="privacy"),
]
