"""CONGDONG_STAFF_TOTP_REQUIRED: a signed-in staff member without two-step sign-in is sent to
set it up before anything else — the workspace, the Django admin, and the API with the session.
Without the setting this middleware does nothing (not even a query)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from congdong.twofactor.queries import must_enrol

Handler = Callable[[HttpRequest], HttpResponse]


class RequireTwoFactorMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            settings.STAFF_TOTP_REQUIRED
            and user is not None
            and user.is_authenticated
            and not self._open(request.path)
            and must_enrol(user)
        ):
            message = _("Set up two-step sign-in before you continue.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=403)
            messages.warning(request, message)
            return redirect("twofactor:settings")
        return self.get_response(request)

    @staticmethod
    def _open(path: str) -> bool:
        """Pages a staff member who must enrol may still use: setting up, signing out, the
        language switch, static files and uploads."""
        allowed = (
            reverse("twofactor:settings"),
            reverse("accounts:logout"),
            reverse("set_language"),
            reverse("core:language", args=["vi"]).removesuffix("vi/"),
            settings.STATIC_URL,
            settings.MEDIA_URL,
        )
        return path.startswith(allowed)
