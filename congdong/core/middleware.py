"""Language choice (Vietnamese unless the person picked English) and the private cache rule."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from congdong.core.public_cache import SHARED

Handler = Callable[[HttpRequest], HttpResponse]


class LanguageMiddleware(LocaleMiddleware):
    """Pages are Vietnamese by default, whatever the browser's own language is — many
    Vietnamese readers have English-language phones. English is used when chosen with the
    language switch (cookie). API clients ask with `Accept-Language`, which is honoured."""

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            language = translation.get_language_from_request(request)
        else:
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
            supported = {code for code, _name in settings.LANGUAGES}
            language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class PrivateCacheMiddleware:
    """`Cache-Control: private, no-store` on every response to a signed-in person and on every
    API answer that carries credentials or changes something (issue 15 §15).

    Whatever a signed-in person sees is theirs (a public page shows their follows, reactions,
    name), and the staff's screens hold citizens' personal data: a shared office computer must
    not keep any of it in its history or disk cache, nor may a proxy. Anonymous public pages are
    left as they are: `core.public_cache` caches them for everyone on the server. Only a
    response a view marked as the same bytes for everyone (`public_cache.mark_shared`: the
    picture of a public post) keeps its own header.
    """

    API_PREFIX = "/api/"
    NEEDED = frozenset({"private", "no-store"})

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(response, SHARED, False):
            return response
        if self._personal(request):
            directives = {
                part.split("=", 1)[0].strip().lower()
                for part in response.get("Cache-Control", "").split(",")
            }
            if not directives >= self.NEEDED:
                response["Cache-Control"] = "private, no-store"
        return response

    def _personal(self, request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return True
        if not request.path.startswith(self.API_PREFIX):
            return False
        # A bearer key (valid or not) or a cookie session, or a call that changes something
        # (sign-in answers hold a new key): only anonymous reads of public data are left.
        return (
            "Authorization" in request.headers
            or request.method not in ("GET", "HEAD", "OPTIONS")
            or getattr(request, "auth", None) is not None
        )
