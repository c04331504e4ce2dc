from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views import defaults

from congdong.core.errors import CitizenAccountNeeded, citizen_needed_message

# The site's icon (static path), linked from base.html and redirected to from /favicon.ico.
FAVICON = "congdong/favicon.svg"


def language(request: HttpRequest, code: str) -> HttpResponse:
    """The language switch for anonymous visitors: a plain link, so that the pages they see
    hold no CSRF token and can be cached for everyone. Sets the same cookie as Django's
    `set_language` (which signed-in people still use, by POST), read by LanguageMiddleware."""
    if code not in {c for c, _name in settings.LANGUAGES}:
        raise Http404
    back = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = "/"
    response = HttpResponseRedirect(back)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def _safe_back(request: HttpRequest, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return "/"


def _citizen_needed(request: HttpRequest, back: str, status: int) -> HttpResponse:
    """Why a staff account cannot do a citizen's action, and the way to a citizen account:
    log out, then sign in with a mobile number, coming back to `back`."""
    phone = reverse("accounts:phone-start") + "?" + urlencode({"next": back})
    return render(
        request,
        "core/citizen_needed.html",
        {"back": back, "phone_sign_in": phone, "message": citizen_needed_message()},
        status=status,
    )


def citizen_needed(request: HttpRequest) -> HttpResponse:
    """The explanation page that public pages link to (`?next=` the page to come back to)."""
    return _citizen_needed(request, _safe_back(request, request.GET.get("next")), 200)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The site's 403: a citizen-only action refused to a staff account gets the page that says
    what to do; any other refusal shows its reason (403.html)."""
    if isinstance(exception, CitizenAccountNeeded):
        return _citizen_needed(request, request.get_full_path(), 403)
    return defaults.permission_denied(request, exception)
