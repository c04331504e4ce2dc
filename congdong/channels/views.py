"""Staff views to link, connect and watch a page's channels, and the public fake-page report.

The OAuth round trips keep their state in the session: a random `state` (checked on the way
back), the page being connected, Zalo's PKCE verifier, and Facebook's user token — sealed, like
every token at rest, until the person picks which Page to link.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congdong.accounts.queries import access_unit
from congdong.accounts.roles import Permission
from congdong.accounts.views import staff_required
from congdong.channels import actions, backlinks, queries
from congdong.channels.clients import facebook, zalo
from congdong.channels.forms import FakeReportForm, WebsiteForm
from congdong.channels.models import FEATURE_TASKS, ChannelKind, Feature, ReportState
from congdong.channels.sealing import seal, unseal
from congdong.core.errors import ActionError
from congdong.core.links import absolute_url
from congdong.core.public_cache import cached_response
from congdong.core.web import client_network, form_error
from congdong.pages.queries import public_page, public_page_ref
from congdong.units.queries import get_unit

FB_SESSION = "channels-facebook"
ZALO_SESSION = "channels-zalo"
OAUTH_MAX_AGE = 15 * 60  # seconds a connection may take between leaving and coming back


@staff_required
def page_channels(request: HttpRequest, page_id: int) -> HttpResponse:
    page = actions.check_manage(request.user, page_id)
    return _channels_page(request, page)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _allow_platform_forms(response: HttpResponse) -> HttpResponse:
    """The connect buttons post here and are redirected on to the platform's consent page; a
    browser applies the page's `form-action` to that redirect too, so this one page allows the
    two consent hosts besides 'self' (core/security.py keeps a policy a view sets)."""
    policy = settings.CONTENT_SECURITY_POLICY
    if policy and "form-action 'self'" in policy:
        hosts = " ".join(
            sorted({_origin(settings.FACEBOOK_DIALOG_URL), _origin(settings.ZALO_OAUTH_URL)})
        )
        response["Content-Security-Policy"] = policy.replace(
            "form-action 'self'", f"form-action 'self' {hosts}"
        )
    return response


def _channels_page(request, page, website: WebsiteForm | None = None, status: int = 200):
    links = list(queries.page_links(page))
    return _allow_platform_forms(
        render(
            request,
            "channels/page.html",
            {
                "page": page,
                "backlink": backlinks.page_address(page),
                "links": links,
                "website_form": website or WebsiteForm(),
                "reports": queries.open_reports(page),
                "confirmed": page.fake_reports.filter(state=ReportState.CONFIRMED),
                "features": [(f, FEATURE_TASKS[f]) for f in Feature],
            },
            status=status,
        )
    )


def _fresh(data: dict | None, state: str) -> bool:
    return bool(
        data
        and state
        and secrets.compare_digest(str(data.get("state", "")), state)
        and time.time() - float(data.get("at", 0)) < OAUTH_MAX_AGE
    )


def _start(
    request: HttpRequest,
    page_id: int,
    kind: ChannelKind,
    session_key: str,
    consent_url: Callable[[str], str],
    **kept: str,
) -> HttpResponse:
    """Off to the platform's consent page (`consent_url(state)`) for a manager of the page,
    once the platform is set up here; a fresh `state`, the page and `kept` wait in the
    session for the way back."""
    page = actions.check_manage(request.user, page_id)
    try:
        actions.check_configured(kind)
    except ActionError as exc:
        messages.error(request, str(exc.message))
        return redirect("channels:page", page_id=page.pk)
    state = secrets.token_urlsafe(24)
    request.session[session_key] = {"state": state, "page_id": page.pk, **kept, "at": time.time()}
    return redirect(consent_url(state))


# ----------------------------------------------------------------------------------- Facebook


@staff_required
@require_POST
def facebook_start(request: HttpRequest, page_id: int) -> HttpResponse:
    def login_url(state: str) -> str:
        with facebook.GraphClient.from_settings() as client:
            return client.login_url(
                redirect_uri=absolute_url(reverse("channels:facebook-callback")),
                state=state,
                scopes=facebook.PAGE_SCOPES,
            )

    return _start(request, page_id, ChannelKind.FACEBOOK, FB_SESSION, login_url)


@staff_required
def facebook_callback(request: HttpRequest) -> HttpResponse:
    data = request.session.get(FB_SESSION)
    if not _fresh(data, request.GET.get("state", "")):
        raise PermissionDenied(_("This connection was not started here or took too long."))
    page = actions.check_manage(request.user, int(data["page_id"]))
    code = request.GET.get("code", "")
    if not code:
        messages.error(
            request,
            _("Facebook did not connect: %(why)s")
            % {"why": request.GET.get("error_description") or _("cancelled")},
        )
        return redirect("channels:page", page_id=page.pk)
    try:
        token = actions.facebook_user_token(
            code, absolute_url(reverse("channels:facebook-callback"))
        )
        grants = actions.facebook_pages(token)
    except ActionError as exc:
        messages.error(request, str(exc.message))
        return redirect("channels:page", page_id=page.pk)
    request.session[FB_SESSION] = {
        "state": data["state"],
        "page_id": page.pk,
        "at": time.time(),
        "token": seal(token),
    }
    choices = [
        {
            "id": g.id,
            "name": g.name,
            "missing": [f.label for f, task in FEATURE_TASKS.items() if task not in g.tasks],
        }
        for g in grants
    ]
    declined = [
        {"feature": feature.label, "permission": permission}
        for feature, permission in actions.facebook_declined(token)
    ]
    return render(
        request,
        "channels/facebook_pick.html",
        {"page": page, "choices": choices, "state": data["state"], "declined": declined},
    )


@staff_required
@require_POST
def facebook_pick(request: HttpRequest) -> HttpResponse:
    data = request.session.get(FB_SESSION)
    if not _fresh(data, request.POST.get("state", "")) or not data.get("token"):
        raise PermissionDenied(_("This connection was not started here or took too long."))
    page_id = int(data["page_id"])
    try:
        link = actions.connect_facebook(
            request.user, page_id, unseal(data["token"]), request.POST.get("fb_page", "")
        )
    except ActionError as exc:
        messages.error(request, str(exc.message))
        return redirect("channels:page", page_id=page_id)
    request.session.pop(FB_SESSION, None)
    _said(request, link)
    return redirect("channels:page", page_id=page_id)


def _said(request: HttpRequest, link) -> None:
    if link.verified:
        messages.success(request, _("%(name)s is linked and verified.") % {"name": link.name})
    else:
        messages.warning(
            request,
            _(
                "%(name)s is linked but not verified yet: put this page's address in its "
                "website or description, then check again."
            )
            % {"name": link.name},
        )


# --------------------------------------------------------------------------------------- Zalo


@staff_required
@require_POST
def zalo_start(request: HttpRequest, page_id: int) -> HttpResponse:
    verifier, challenge = zalo.pkce_pair()

    def permission_url(state: str) -> str:
        with zalo.ZaloClient.from_settings() as client:
            return client.permission_url(
                redirect_uri=absolute_url(reverse("channels:zalo-callback")),
                code_challenge=challenge,
                state=state,
            )

    return _start(
        request, page_id, ChannelKind.ZALO, ZALO_SESSION, permission_url, verifier=verifier
    )


@staff_required
def zalo_callback(request: HttpRequest) -> HttpResponse:
    data = request.session.get(ZALO_SESSION)
    if not _fresh(data, request.GET.get("state", "")):
        raise PermissionDenied(_("This connection was not started here or took too long."))
    # The verifier is used once: a replayed callback finds nothing in the session.
    request.session.pop(ZALO_SESSION, None)
    page_id = int(data["page_id"])
    code = request.GET.get("code", "")
    if not code:
        messages.error(request, _("Zalo did not connect: cancelled."))
        return redirect("channels:page", page_id=page_id)
    try:
        link = actions.connect_zalo(request.user, page_id, code, data["verifier"])
    except ActionError as exc:
        messages.error(request, str(exc.message))
    else:
        _said(request, link)
    return redirect("channels:page", page_id=page_id)


# ---------------------------------------------------------------------------- other actions


@staff_required
@require_POST
def add_website(request: HttpRequest, page_id: int) -> HttpResponse:
    form = WebsiteForm(request.POST)
    if form.is_valid():
        try:
            link = actions.add_website(request.user, page_id, form.cleaned_data["url"])
        except ActionError as exc:
            form_error(form, exc)
        else:
            _said(request, link)
            return redirect("channels:page", page_id=page_id)
    page = actions.check_manage(request.user, page_id)
    return _channels_page(request, page, website=form, status=400)


@staff_required
@require_POST
def check(request: HttpRequest, link_id: int) -> HttpResponse:
    link = queries.access_link(request.user, link_id)
    actions.check_manage(request.user, link.page_id)
    result = actions.check_link(link.pk)
    if result.ok and result.backlink_ok:
        messages.success(request, _("%(name)s works and is verified.") % {"name": link.name})
    elif result.ok:
        _said(request, result.link)
    else:
        messages.error(
            request,
            _("%(name)s does not work: %(why)s") % {"name": link.name, "why": result.detail},
        )
    return redirect("channels:page", page_id=link.page_id)


@staff_required
@require_POST
def disconnect(request: HttpRequest, link_id: int) -> HttpResponse:
    link = actions.disconnect(request.user, link_id)
    messages.success(request, _("%(name)s is no longer linked.") % {"name": link.name})
    return redirect("channels:page", page_id=link.page_id)


@staff_required
@require_POST
def decide_report(request: HttpRequest, report_id: int) -> HttpResponse:
    try:
        report = actions.decide_report(request.user, report_id, request.POST.get("state", ""))
    except ActionError as exc:
        messages.error(request, str(exc.message))
        report = queries.access_report(request.user, report_id)
    else:
        messages.success(request, _("Report: %(state)s.") % {"state": report.get_state_display()})
    return redirect("channels:page", page_id=report.page_id)


@staff_required
def health(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = access_unit(request.user, unit_id, Permission.VIEW_UNIT)
    rows = queries.health(request.user, unit)
    return render(
        request,
        "channels/health.html",
        {
            "unit": unit,
            "rows": rows,
            "notes": queries.health_notes(),
            "reads_inbox": queries.reads_unit_inbox(request.user, unit),
        },
    )


# ------------------------------------------------------------------------------------- public


def directory(request: HttpRequest, unit_id: int) -> HttpResponse:
    """The public directory filtered by channel: pages under a unit with a verified Facebook
    Page, Zalo OA or website (`?kenh=facebook|zalo|website`, any by default)."""
    unit = get_unit(unit_id)
    kind = request.GET.get("kenh", "")
    if kind not in ChannelKind.values:
        kind = ""
    return render(
        request,
        "channels/directory.html",
        {
            "unit": unit,
            "kind": kind,
            "kinds": list(ChannelKind),
            "links": queries.pages_with_channel(unit, kind or None),
        },
    )


def official(request: HttpRequest, slug: str) -> HttpResponse:
    """A page's official channels and the addresses confirmed as not its own: the public page
    loads this section after it renders (htmx), so that the page itself stays within its query
    budget; without JavaScript the page links here and it renders as a page of its own."""
    page_id, _status = public_page_ref(slug)

    def build() -> HttpResponse:
        page = public_page(slug)
        context = {
            "page": page,
            "channels": queries.official_channels(page.pk),
            "not_ours": queries.not_ours(page.pk),
        }
        template = "channels/_official.html" if request.htmx else "channels/official.html"
        return render(request, template, context)

    return cached_response(request, ("page", page_id), build)


def report_fake(request: HttpRequest, slug: str) -> HttpResponse:
    page = public_page(slug)
    form = FakeReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        who = (
            f"u{request.user.pk}"
            if request.user.is_authenticated
            else f"n{client_network(request) or '-'}"
        )
        try:
            actions.report_fake(
                request.user, who, page, form.cleaned_data["url"], form.cleaned_data["note"]
            )
        except ActionError as exc:
            form_error(form, exc)
            status = getattr(exc, "status", 400)
            return render(
                request, "channels/report_fake.html", {"page": page, "form": form}, status=status
            )
        messages.success(request, _("Thank you: the page's admins will look at it."))
        return redirect("pages:public", slug=page.slug)
    status = 400 if form.errors else 200
    return render(request, "channels/report_fake.html", {"page": page, "form": form}, status=status)
