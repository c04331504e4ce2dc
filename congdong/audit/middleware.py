"""Records every state-changing request (POST, PUT, PATCH, DELETE) made by a staff account,
through the web (session) or the API (bearer key or session), with its outcome.

Placed after authentication and our security middleware: requests they refuse (idle timeout,
API rate limit) never reach a view and are not actions. GET and HEAD cost nothing here.
The object is found before the view runs (a deleted row can no longer be read after it), and
for a form that creates something, from the address it redirects to.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from congdong.audit.models import Via, outcome_of
from congdong.audit.record import record
from congdong.audit.targets import find, find_at
from congdong.core.web import client_ip

Handler = Callable[[HttpRequest], HttpResponse]
log = logging.getLogger("congdong.audit")

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
API_PREFIX = "/api/v1/"
# Not actions on anything: the language switch, the insights beacon (staff read public pages
# too), and sign-in/-out, which `congdong.audit.logins` records from Django's signals.
SKIP_ROUTES = frozenset(
    {
        "core:language",
        "set_language",
        "insights:beacon",
        "accounts:staff-login",
        "accounts:logout",
    }
)
# API routes of citizens' and anonymous sign-in.
SKIP_API = ("api/v1/auth/",)


def _staff(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and not user.is_citizen)


def _bearer_staff(request: HttpRequest) -> bool:
    """A bearer key of a staff account: the API authenticates it only inside the view, so it
    is looked up here (one query) to know whether to read the object before the view."""
    scheme, _sep, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        return False
    from congdong.accounts.tokens import token_for_key

    found = token_for_key(key.strip())
    return found is not None and not found.user.is_citizen


class AuditMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: dict[str, Any]
    ) -> None:
        if request.method not in WRITES:
            return None
        match = request.resolver_match
        if match is None or match.view_name in SKIP_ROUTES or match.route.startswith(SKIP_API):
            return None
        if _staff(getattr(request, "user", None)) or (
            request.path.startswith(API_PREFIX) and _bearer_staff(request)
        ):
            request._audit_target = find(match, request.method or "")
            request._audit_pending = True
        return None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "_audit_pending", False):
            try:
                self._record(request, response)
            except Exception:
                # The action is done and committed: answering 500 would tell the person it
                # failed. The missing row is logged loudly instead.
                log.exception("audit row not written for %s %s", request.method, request.path)
        return response

    def _record(self, request: HttpRequest, response: HttpResponse) -> None:
        user = getattr(request, "user", None)
        if not _staff(user):
            return  # signed out by the request itself, or a bearer key the API refused
        match = request.resolver_match
        api = request.path.startswith(API_PREFIX)
        target = request._audit_target
        if target is None and response.status_code in (301, 302, 303) and "Location" in response:
            target = find_at(response["Location"])
        if api:
            action = "api:" + match.route.removeprefix(API_PREFIX.lstrip("/"))
        else:
            action = match.view_name
        record(
            action=action,
            actor=user,
            ip=client_ip(request),
            via=Via.API if api else Via.WEB,
            method=request.method or "",
            path=request.path,
            target=target,
            status=response.status_code,
            outcome=outcome_of(response.status_code),
        )
