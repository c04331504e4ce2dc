"""The JSON API at /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from congdong.accounts.api import router as accounts_router
from congdong.audit.api import router as audit_router
from congdong.breaches.api import router as breaches_router
from congdong.campaigns.api import router as campaigns_router
from congdong.channels.api import router as channels_router
from congdong.core.api_errors import translated
from congdong.core.errors import ActionError, ActionErrors
from congdong.engagement.api import router as engagement_router
from congdong.feedback.api import router as feedback_router
from congdong.handbook.api import router as handbook_router
from congdong.insights.api import router as insights_router
from congdong.insights.situation_api import router as situation_router
from congdong.moderation.api import router as moderation_router
from congdong.pages.api import router as pages_router
from congdong.posts.api import router as posts_router
from congdong.privacy.api import router as privacy_router
from congdong.syndication.api import router as syndication_router
from congdong.takedown.api import router as takedown_router
from congdong.units.api import router as units_router

api = NinjaAPI(
    title="congdong API",
    version="1",
    description=(
        "Trang cộng đồng — đơn vị, tài khoản, vai trò, trang, tin bài, tương tác của công dân. "
        "Units, accounts, roles, pages, posts and citizens' engagement. Mobile apps sign in "
        "with `/auth/phone/start` and `/auth/phone/verify` and send `Authorization: Bearer "
        "<token>`."
    ),
    urls_namespace="api",
)
# Every app's router at the root: their own paths say where they stand.
for router in (
    units_router,
    accounts_router,
    pages_router,
    posts_router,
    campaigns_router,
    channels_router,
    syndication_router,
    engagement_router,
    insights_router,
    feedback_router,
    situation_router,  # /feedback/situation/…: insights' report on feedback
    handbook_router,
    takedown_router,
    moderation_router,
    audit_router,
    breaches_router,
    privacy_router,
):
    api.add_router("/", router)


@api.exception_handler(ActionError)
def action_error(request: HttpRequest, exc: ActionError) -> HttpResponse:
    body = {"detail": str(exc.message), "field": exc.field}
    if isinstance(exc, ActionErrors):  # several fields refused at once: all of them
        body["errors"] = [{"field": e.field, "detail": str(e.message)} for e in exc.errors]
    findings = getattr(exc, "findings", None)  # the regulation's objections, one per item
    if findings:
        body["findings"] = [
            {
                "field": f.field,
                "message": str(f.message),
                "blocking": f.blocking,
                "phrase": f.phrase,
                "position": f.position,
            }
            for f in findings
        ]
    response = api.create_response(request, body, status=exc.status)
    retry_after = getattr(exc, "retry_after", None)  # RateLimited: seconds until the next window
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    # pydantic's messages are English: said again in the caller's language (core/api_errors.py).
    return api.create_response(request, {"detail": translated(exc.errors)}, status=422)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    detail = str(exc)
    if detail.startswith("Cannot parse request body"):  # ninja's words for a body it cannot read
        detail = _("The request body could not be read: it is not valid JSON or form data.")
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    detail = str(exc) or "Forbidden"
    return api.create_response(request, {"detail": detail}, status=403)


@api.exception_handler(OverflowError)
def number_too_large(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    # The API's integers are unbounded and SQLite takes at most 64 bits: an id like
    # 10**30 in a path or a body fails as it is bound to a query (PostgreSQL just finds
    # nothing). Whatever overflows in a request came from a number the caller sent.
    detail = _("A number in this request is too large.")
    return api.create_response(request, {"detail": detail, "field": None}, status=400)
