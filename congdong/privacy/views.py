"""Screens of personal data: the public privacy policy, the last step of a citizen's sign-up
(the profile and the consent), the citizen's data page (consents, download, correct, delete,
requests) and the data protection officers' queue. Reads go through
`congdong.privacy.queries` (others get 404); writes through `congdong.privacy.actions`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from congdong.accounts.forms import ProfileForm
from congdong.accounts.phones import display_phone
from congdong.accounts.views import BACKEND, after_sign_in, staff_required
from congdong.core.casework import views as casework
from congdong.core.casework.forms import RefuseForm
from congdong.core.errors import ActionError, CitizenAccountNeeded
from congdong.core.numbers import format_datetime
from congdong.core.web import act_and_tell, client_ip, form_error, rule_errors
from congdong.privacy import actions, export, policy, queries, signup
from congdong.privacy.forms import (
    AnswerForm,
    CorrectForm,
    DeleteForm,
    DigestForm,
    RequestForm,
)
from congdong.privacy.models import ConsentPurpose
from congdong.privacy.queries import CASES


def policy_page(request: HttpRequest, version: str | None = None) -> HttpResponse:
    """The privacy policy in force, or an earlier version by its number."""
    shown = policy.get(version) if version else policy.current()
    if shown is None:
        raise Http404
    return render(
        request,
        "privacy/policy.html",
        {
            "policy": shown,
            "current": policy.current(),
            "versions": policy.all_versions(),
            "dpo": settings.PRIVACY_DPO_CONTACT,
            "channel_days": settings.CHANNEL_MESSAGES_RETENTION_DAYS,
        },
    )


def citizen_profile(request: HttpRequest) -> HttpResponse:
    """Step 3 of the phone sign-in (congdong.accounts.views) for a new citizen: full name and
    date of birth, and the consent to the privacy policy; then the account exists."""
    phone = request.session.get("verified_phone")
    if not phone:
        return redirect("accounts:phone-start")
    form = ProfileForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not form.is_valid():
        rule_errors(form, lambda data: signup.check_profile(phone, data))
    elif request.method == "POST":
        data = form.cleaned_data
        try:
            profile = signup.check_profile(phone, data)
            user = signup.do_signup(profile, digest=data["digest"], ip=client_ip(request))
        except ActionError as exc:
            form_error(form, exc)
        else:
            del request.session["verified_phone"]
            login(request, user, backend=BACKEND)
            messages.success(request, _("Your account is ready, %(name)s.") % {"name": user})
            return after_sign_in(request)
    return render(
        request,
        "accounts/citizen_profile.html",
        {"form": form, "phone": display_phone(phone), "policy": policy.current()},
    )


def citizen_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A signed-in citizen; others are sent to the phone sign-in, staff refused."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("accounts:phone-start"))
        if not request.user.is_citizen:
            raise CitizenAccountNeeded()
        return view(request, *args, **kwargs)

    return wrapped


def _my_data(
    request: HttpRequest,
    request_form: RequestForm | None = None,
    digest_form: DigestForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    consents = queries.consents_of(user)
    digest_on = any(c.active and c.purpose == ConsentPurpose.DIGEST for c in consents)
    return render(
        request,
        "privacy/my_data.html",
        {
            "consents": consents,
            "digest_on": digest_on,
            "requests": list(queries.requests_of(user)[:50]),
            "request_form": request_form or RequestForm(),
            "digest_form": digest_form or DigestForm(),
            "policy": policy.current(),
        },
        status=status,
    )


@citizen_required
def my_data(request: HttpRequest) -> HttpResponse:
    return _my_data(request)


@require_POST
@citizen_required
def download(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    content = actions.download(request.user, now=now)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export.file_name(now)}"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@citizen_required
def withdraw(request: HttpRequest, consent_id: int) -> HttpResponse:
    act_and_tell(
        request,
        lambda: actions.withdraw(request.user, consent_id),
        lambda consent: (
            _("Consent withdrawn: %(purpose)s.")
            % {"purpose": ConsentPurpose(consent.purpose).label}
        ),
    )
    return redirect("privacy:mine")


@require_POST
@citizen_required
def give_digest(request: HttpRequest) -> HttpResponse:
    form = DigestForm(request.POST)
    if form.is_valid():
        try:
            actions.give_digest(
                request.user,
                form.cleaned_data["digest"],
                form.cleaned_data["email"],
                ip=client_ip(request),
            )
        except ActionError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Thank you: the daily digest is on."))
            return redirect("privacy:mine")
    return _my_data(request, digest_form=form, status=400)


@require_POST
@citizen_required
def new_request(request: HttpRequest) -> HttpResponse:
    form = RequestForm(request.POST)
    if form.is_valid():
        try:
            item = actions.submit(
                request.user, form.cleaned_data["kind"], form.cleaned_data["text"]
            )
        except ActionError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request,
                _("Your request %(code)s was received; we answer by %(due)s.")
                % {
                    "code": item.code,
                    "due": format_datetime(item.due_at),
                },
            )
            return redirect("privacy:mine")
    else:
        rule_errors(
            form, lambda d: actions.check_submit(request.user, d.get("kind", ""), d.get("text", ""))
        )
    return _my_data(request, request_form=form, status=400)


@citizen_required
def correct(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = CorrectForm(request.POST)
        if form.is_valid():
            try:
                actions.correct(
                    user, form.cleaned_data["full_name"], form.cleaned_data["date_of_birth"]
                )
            except ActionError as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("Your details were corrected."))
                return redirect("privacy:mine")
        else:
            if "date_of_birth" in form.errors:
                # The action's message, in the user's language, rather than Django's generic one.
                form.errors["date_of_birth"] = form.error_class([_("Enter a valid date of birth.")])
            rule_errors(
                form,
                lambda d: actions.check_correct(
                    user, d.get("full_name", ""), d.get("date_of_birth")
                ),
            )
        status = 400
    else:
        form = CorrectForm(
            initial={"full_name": user.full_name, "date_of_birth": user.date_of_birth}
        )
        status = 200
    return render(request, "privacy/correct.html", {"form": form}, status=status)


@citizen_required
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.delete_account(
                request.user, form.cleaned_data["understood"], form.cleaned_data["word"]
            )
        except ActionError as exc:
            form_error(form, exc)
        else:
            logout(request)
            messages.success(
                request,
                _(
                    "Your account was deleted. Your name, phone number and date of birth are "
                    "erased; the records the law requires are kept without them."
                ),
            )
            return redirect("site:home")
    return render(
        request,
        "privacy/delete.html",
        {"form": form, "feedback_count": request.user.feedback.count()},
        status=400 if form.is_bound else 200,
    )


# ---------------------------------------------------------------- data protection officers
# The shared deadline casework (core.casework) with the data requests' wording.

SCREEN = casework.Screens(
    CASES,
    "privacy/staff_detail.html",
    {"answer": AnswerForm, "refuse": RefuseForm},
    guard=staff_required,
)


def _shown(show: str):
    """The list's tabs: the requests still to answer, the whole register, or (by default)
    those sent by citizens (self-service acts are answered at once: the register keeps them,
    the queue hides them)."""

    def narrow(items):
        if show == "mo":
            return items.filter(case_closed=0)
        if show != "tat-ca":
            return items.filter(self_service=False)
        return items

    return narrow


@staff_required
def staff_list(request: HttpRequest) -> HttpResponse:
    """Open requests first, nearest deadline first; then the answered ones, latest first."""
    show = request.GET.get("xem", "")
    return casework.case_list(
        request,
        CASES,
        "privacy/staff_list.html",
        narrow=_shown(show),
        show=show,
        page_query=f"xem={show}",
    )


@staff_required
def staff_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    item = queries.access_data_request(request.user, request_id)
    actions.log_read(request.user, item, client_ip(request))
    return SCREEN.render(request, item)


@require_POST
@staff_required
def staff_take(request: HttpRequest, request_id: int) -> HttpResponse:
    item = queries.access_data_request(request.user, request_id)
    act_and_tell(
        request, lambda: actions.take(request.user, item.pk), _("You are handling this request.")
    )
    return redirect("privacy:staff-detail", item.pk)


staff_answer = SCREEN.move_view(
    "answer", actions.answer, "answer", gettext_lazy("The answer was sent to the citizen.")
)
staff_refuse = SCREEN.move_view(
    "refuse", actions.refuse, "reason", gettext_lazy("The refusal and its legal reason were sent.")
)
