"""The platforms' webhooks (no session, no CSRF: each call is signed) and the staff inbox."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from congdong.accounts.views import staff_required
from congdong.channels.models import ChannelKind
from congdong.core.web import act_and_tell, client_ip
from congdong.listening import actions, intake, queries

# ------------------------------------------------------------------------------- webhooks


def _plain(status: int, text: str = "") -> HttpResponse:
    response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    # Refusals are counted (WebhookRefusal); Django's own warning per 403 would let a flood of
    # forged calls flood the log too.
    response._has_been_logged = True
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
def facebook_webhook(request: HttpRequest) -> HttpResponse:
    """GET: Facebook's subscription check (echo `hub.challenge` when `hub.verify_token` is
    ours). POST: a Page event, signed with the app secret (`X-Hub-Signature-256`)."""
    if request.method == "GET":
        challenge = intake.facebook_challenge(
            request.GET.get("hub.mode"),
            request.GET.get("hub.verify_token"),
            request.GET.get("hub.challenge"),
        )
        return _plain(403) if challenge is None else _plain(200, challenge)
    outcome = intake.facebook(request.body, request.headers.get("X-Hub-Signature-256"))
    return _plain(outcome.status, "EVENT_RECEIVED" if outcome.status == 200 else "")


@csrf_exempt
@require_POST
def zalo_webhook(request: HttpRequest) -> HttpResponse:
    """A Zalo OA event, signed per Zalo's rule (`X-ZEvent-Signature`)."""
    outcome = intake.zalo(request.body, request.headers.get("X-ZEvent-Signature"))
    return _plain(outcome.status)


# ---------------------------------------------------------------------------------- inbox


def _platform(request: HttpRequest) -> str:
    platform = request.GET.get("kenh", "")
    return platform if platform in (ChannelKind.FACEBOOK, ChannelKind.ZALO) else ""


def _render_inbox(request: HttpRequest, context: dict, rows: list) -> HttpResponse:
    # Every citizen's text shown is a read: one access row per message (issue 15.3).
    actions.log_accesses(request.user, rows, client_ip(request))
    queries.mark_rights(request.user, rows)
    return render(
        request,
        "listening/inbox.html",
        context
        | {
            "rows": rows,
            "platform": _platform(request),
            "platforms": [ChannelKind.FACEBOOK, ChannelKind.ZALO],
            "here": request.get_full_path(),
        },
    )


@staff_required
def page_inbox(request: HttpRequest, page_id: int) -> HttpResponse:
    page = queries.access_inbox_page(request.user, page_id)
    rows = queries.inbox(page=page, platform=_platform(request))
    return _render_inbox(request, {"page": page, "title": page.name}, rows)


@staff_required
def unit_inbox(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = queries.access_inbox_unit(request.user, unit_id)
    rows = queries.inbox(unit=unit, platform=_platform(request))
    return _render_inbox(request, {"unit": unit, "title": unit.full_name}, rows)


def _back(request: HttpRequest, message) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(reverse("listening:page", args=[message.page_id]))


@staff_required
@require_POST
def answer(request: HttpRequest, message_id: int) -> HttpResponse:
    message = queries.access_message(request.user, message_id)
    act_and_tell(
        request,
        lambda: actions.answer(request.user, message.pk, request.POST.get("text", "")),
        _("Your answer was posted as the page."),
    )
    return _back(request, message)


@staff_required
@require_POST
def hide(request: HttpRequest, message_id: int) -> HttpResponse:
    message = queries.access_message(request.user, message_id)
    hidden = request.POST.get("an", "1") != "0"
    act_and_tell(
        request,
        lambda: actions.hide(request.user, message.pk, hidden),
        _("The comment is hidden on Facebook.")
        if hidden
        else _("The comment is shown again on Facebook."),
    )
    return _back(request, message)
