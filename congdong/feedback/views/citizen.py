"""Citizens' feedback screens: sending it (from a unit's page or by choosing the place), "my
feedback", an item with its history, reopening or closing it, tracking by code, the files sent,
and the answers a unit publishes.

Every write goes through `congdong.feedback.actions`; every read of an item through the
`access_*` helpers, so an item someone may not read is a plain 404, whatever the address.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congdong.core.errors import ActionError, ActionErrors, CitizenAccountNeeded
from congdong.core.private_files import serve_file
from congdong.core.public_cache import cached_response
from congdong.core.web import act_and_tell, client_ip, form_error, page_or_part
from congdong.engagement.queries import access_public_page
from congdong.engagement.views.citizens import sign_in_url
from congdong.feedback import actions, queries
from congdong.feedback.forms.citizen import PUBLIC, ReopenForm, SendForm, TrackForm
from congdong.feedback.models import (
    OPEN_STATES,
    AccessKind,
    Feedback,
    FeedbackState,
)
from congdong.feedback.templatetags.feedback_public import section
from congdong.pages.queries import public_page_ref
from congdong.units.models import Unit

S = FeedbackState
MY_PAGE = 20  # items of "my feedback" at a time
ANSWERS_PAGE = 10  # public answers at a time on their own page
# Fields whose checks live in shared helpers (pictures and PDFs of posts, the location) and
# name their own field: shown on the field of this form that holds the value.
FIELD_OF = {"images": "files", "attachments": "files", "location": "latitude"}


def _number(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


def _citizen_or_sign_in(request: HttpRequest) -> HttpResponse | None:
    """None when a phone-verified citizen is signed in; otherwise the way there (the sign-in,
    coming back here). A staff account is told feedback is sent from a citizen's account."""
    user = request.user
    if user.is_authenticated and not user.is_citizen:
        raise CitizenAccountNeeded()
    if not user.is_authenticated or user.phone_verified_at is None or not user.is_active:
        return redirect(sign_in_url(request))
    return None


# ---------------------------------------------------------------- sending


def send(request: HttpRequest) -> HttpResponse:
    """Send feedback. Without a unit (`?don-vi=`): choose the province, then the commune
    (`?tinh=`), by plain GET forms that htmx only shortens; with one: the form."""
    if (away := _citizen_or_sign_in(request)) is not None:
        return away
    # "chon=tinh": the visitor asked for another province's communes, whatever was chosen.
    chosen = None if request.GET.get("chon") == "tinh" else request.GET.get("don-vi")
    unit = queries.send_target(_number(request.POST.get("unit") or chosen))
    if unit is None:
        return _choose_place(request)
    form = SendForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        categories=queries.categories(),
        initial={"unit": unit.pk},
    )
    status = 200
    if request.method == "POST":
        valid = form.is_valid()
        data = form.cleaned_data
        # A form the form layer refused is still checked by the action's rules (nothing is
        # written), so that one submit tells every field's problem (issue 16.9).
        send_or_check = actions.submit if valid else actions.check_submit
        try:
            item = send_or_check(
                request.user,
                unit.pk,
                data.get("category") or 0,
                data.get("text", ""),
                public=data.get("visibility") == PUBLIC,
                consent=bool(data.get("consent")),
                urgent=bool(data.get("urgent")),
                location=form.location(),
                files=data.get("files") or [],
                ip=client_ip(request),
            )
        except ActionError as exc:
            form_error(form, replace_field(exc))
            status = exc.status  # 429 past the daily limit
        else:
            if not valid:
                return _send_page(request, form, unit, 400)
            messages.success(
                request,
                _("Your feedback is sent. Its tracking code is %(code)s.") % {"code": item.code},
            )
            return redirect(f"{reverse('feedback:item', args=[item.pk])}?moi=1")
    return _send_page(request, form, unit, status if status != 200 else 400 if form.errors else 200)


def _send_page(request: HttpRequest, form: SendForm, unit: Unit, status: int) -> HttpResponse:
    return render(
        request,
        "feedback/citizen/send.html",
        {
            "form": form,
            "unit": unit,
            "unit_page": queries.open_page_of(unit),
            "consent_version": settings.FEEDBACK_CONSENT_VERSION,
            "max_files": actions.MAX_FILES,
            "limit": settings.FEEDBACK_DAILY_LIMIT,
        },
        status=status,
    )


def replace_field(exc: ActionError) -> ActionError:
    """The action's refusal, named after this form's field that holds the value."""
    if isinstance(exc, ActionErrors):
        return ActionErrors([replace_field(one) for one in exc.errors])
    if exc.field in FIELD_OF:
        return ActionError(exc.message, field=FIELD_OF[exc.field], status=exc.status)
    return exc


def _choose_place(request: HttpRequest) -> HttpResponse:
    province_id = _number(request.GET.get("tinh"))
    provinces = queries.send_provinces()
    context = {
        "provinces": provinces,
        "province_id": province_id,
        "province": provinces.filter(pk=province_id).first() if province_id else None,
        "communes": queries.send_communes(province_id),
    }
    return page_or_part(
        request,
        "feedback/citizen/choose.html",
        "feedback/citizen/_communes.html",
        context,
        target="commune-choice",
    )


# ---------------------------------------------------------------- the citizen's items


def mine(request: HttpRequest) -> HttpResponse:
    """The signed-in citizen's feedback, newest first."""
    if not request.user.is_authenticated:
        return redirect(sign_in_url(request))
    items = Paginator(queries.sent_by(request.user), MY_PAGE).get_page(request.GET.get("trang"))
    return render(
        request,
        "feedback/citizen/mine.html",
        {"items": items, "track_form": TrackForm()},
    )


def item(request: HttpRequest, feedback_id: int) -> HttpResponse:
    """One item: its state, deadlines, answer, files and history. Its sender may reopen or
    close it; those who handle it read it here too (the reading is logged)."""
    if not request.user.is_authenticated:
        return redirect(sign_in_url(request))
    found = queries.access_feedback(request.user, feedback_id)
    return _item_page(request, found)


def _item_page(
    request: HttpRequest,
    found: Feedback,
    reopen_form: ReopenForm | None = None,
    status: int = 200,
) -> HttpResponse:
    own = found.citizen_id == request.user.pk
    if not own:
        actions.log_access(request.user, found, AccessKind.VIEW, client_ip(request))
    now = timezone.now()
    return render(
        request,
        "feedback/citizen/item.html",
        {
            "item": found,
            "own": own,
            "fresh": own and request.GET.get("moi") == "1",
            "history": queries.history(found),
            "attachments": list(found.attachments.all()),
            "reopen_form": reopen_form or ReopenForm(),
            "can_reopen": own and _reopenable(found, now),
            "can_close": own and found.state == S.ANSWERED,
            "reopen_until": _reopen_until(found),
            "is_open": found.state in OPEN_STATES,
            "late_accept": found.state == S.RECEIVED and found.accept_due < now,
            "late_answer": found.state in OPEN_STATES
            and found.state != S.RECEIVED
            and found.answer_due < now,
        },
        status=status,
    )


def _reopen_until(found: Feedback) -> datetime.datetime | None:
    if found.answered_at is None:
        return None
    return found.answered_at + datetime.timedelta(days=settings.FEEDBACK_REOPEN_DAYS)


def _reopenable(found: Feedback, now: datetime.datetime) -> bool:
    until = _reopen_until(found)
    return found.state in (S.ANSWERED, S.CLOSED) and until is not None and now <= until


@require_POST
def reopen(request: HttpRequest, feedback_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(sign_in_url(request, reverse("feedback:item", args=[feedback_id])))
    form = ReopenForm(request.POST)
    form.is_valid()
    try:
        actions.reopen(request.user, feedback_id, form.cleaned_data.get("reason", ""))
    except ActionError as exc:
        form_error(form, exc)
        found = queries.access_own_feedback(request.user, feedback_id)
        return _item_page(request, found, reopen_form=form, status=exc.status)
    messages.success(request, _("The feedback is reopened; the unit will answer it again."))
    return redirect("feedback:item", feedback_id=feedback_id)


@require_POST
def close(request: HttpRequest, feedback_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(sign_in_url(request, reverse("feedback:item", args=[feedback_id])))
    act_and_tell(
        request,
        lambda: actions.close(request.user, feedback_id),
        _("Thank you. The feedback is closed."),
    )
    return redirect("feedback:item", feedback_id=feedback_id)


def track(request: HttpRequest) -> HttpResponse:
    """Find an item by its tracking code. Only its sender and those who handle it find it;
    for anyone else a code that exists and one that does not read the same."""
    form = TrackForm(request.GET or None)
    not_found = False
    if form.is_bound and form.is_valid() and form.cleaned_data["code"].strip():
        if not request.user.is_authenticated:
            return redirect(sign_in_url(request))
        try:
            found = queries.find_by_code(request.user, form.cleaned_data["code"])
        except Http404:
            not_found = True
        else:
            return redirect("feedback:item", feedback_id=found.pk)
    return render(
        request,
        "feedback/citizen/track.html",
        {"form": form, "not_found": not_found},
        status=404 if not_found else 200,
    )


def attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    """A file sent with an item, streamed to its sender or to those who handle the item (their
    opening is logged); 404 to anyone else. Never cached by browsers or proxies."""
    if not request.user.is_authenticated:
        raise Http404
    found, owner = queries.access_attachment(request.user, attachment_id)
    actions.log_access(request.user, owner, AccessKind.ATTACHMENT, client_ip(request))
    # From the private storage; documents are downloaded, never opened here.
    return serve_file(found.file, found.content_type, download_name=found.download_name)


# ---------------------------------------------------------------- public answers


def public_answers(request: HttpRequest, slug: str) -> HttpResponse:
    """Every answer a unit published, newest first, without anything about who asked."""
    page_id, _status = public_page_ref(slug)

    def build() -> HttpResponse:
        page = access_public_page(page_id)  # suspended pages show nothing
        if request.GET.get("phan-doan"):  # the section of the page, loaded when in view
            return render(request, "feedback/citizen/_public_answers.html", section(page))
        answers = Paginator(queries.public_answers(page.unit), ANSWERS_PAGE).get_page(
            request.GET.get("trang")
        )
        return render(
            request,
            "feedback/citizen/public_answers.html",
            {"page": page, "unit": page.unit, "answers": answers},
        )

    return cached_response(request, ("page", page_id), build)
