"""Pages of two-step sign-in: the code at sign-in, and the staff member's own settings."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, login
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from congdong.accounts.views import staff_required
from congdong.core.errors import ActionError
from congdong.core.ratelimit import RateLimited
from congdong.core.web import client_ip, form_error
from congdong.twofactor import actions, queries, signin
from congdong.twofactor.forms import AppCodeForm, DisableForm, SignInCodeForm


def _refused(response: HttpResponse, exc: ActionError) -> HttpResponse:
    response.status_code = exc.status
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


# ---------------------------------------------------------------- sign-in


@never_cache
def code_step(request: HttpRequest) -> HttpResponse:
    """Step 2 of a staff sign-in with two-step sign-in on: the code, then logged in."""
    found = signin.pending(request)
    if found is None:
        signin.finish(request)
        messages.info(request, _("Please sign in again."))
        return redirect("accounts:staff-login")
    user, state = found
    form = SignInCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            kind = actions.use_code(user, form.cleaned_data["code"], client_ip(request))
        except ActionError as exc:
            if not isinstance(exc, RateLimited):
                # The audit log records failed sign-ins from this signal (congdong.audit.logins).
                user_login_failed.send(
                    sender=__name__, credentials={"username": user.username}, request=request
                )
            form_error(form, exc)
            return _refused(render(request, "twofactor/code.html", {"form": form}), exc)
        signin.finish(request)
        login(request, user, backend=state["backend"])  # rotates the session key
        if kind == "recovery":
            left = queries.recovery_codes_left(user)
            messages.warning(
                request,
                _("You signed in with a recovery code; %(left)d remain. Make new ones soon.")
                % {"left": left},
            )
        return redirect(state["next"])
    return render(
        request,
        "twofactor/code.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def admin_login(request: HttpRequest) -> HttpResponse:
    """Django admin's own login form would skip the second step: the admin signs in through
    the staff sign-in instead, and comes back to where it was going."""
    wanted = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        wanted = reverse("admin:index")
    return redirect(f"{reverse('accounts:staff-login')}?{urlencode({'next': wanted})}")


# ---------------------------------------------------------------- my settings


def _settings_page(
    request: HttpRequest,
    *,
    code_form: AppCodeForm | None = None,
    recovery_form: AppCodeForm | None = None,
    disable_form: DisableForm | None = None,
) -> HttpResponse:
    user = request.user
    auth = queries.authenticator_of(user)
    return render(
        request,
        "twofactor/settings.html",
        {
            "auth": auth,
            "setup": actions.setup_details(user, auth) if auth and not auth.confirmed else None,
            "codes_left": queries.recovery_codes_left(user) if auth and auth.confirmed else 0,
            "required": queries.must_enrol(user),
            "code_form": code_form or AppCodeForm(),
            "recovery_form": recovery_form or AppCodeForm(prefix="recovery"),
            "disable_form": disable_form or DisableForm(prefix="off"),
        },
    )


def _show_codes(request: HttpRequest, codes: list[str]) -> HttpResponse:
    response = render(request, "twofactor/recovery_codes.html", {"codes": codes})
    response["Cache-Control"] = "no-store"  # shown once; not to be found in a cache later
    return response


def _codes_for_app_code(
    request: HttpRequest,
    form: AppCodeForm,
    page: Callable[[AppCodeForm], HttpResponse],
    make_codes: Callable[[str], list[str]],
    done: str,
) -> HttpResponse:
    """A code from the app, posted in `form`, makes recovery codes (`make_codes`): shown once;
    a refusal shows the settings `page` again with the form and its error."""
    if form.is_valid():
        try:
            codes = make_codes(form.cleaned_data["code"])
        except ActionError as exc:
            form_error(form, exc)
            return _refused(page(form), exc)
        messages.success(request, done)
        return _show_codes(request, codes)
    return _refused(page(form), ActionError(""))


@never_cache
@staff_required
def settings_page(request: HttpRequest) -> HttpResponse:
    return _settings_page(request)


@staff_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    try:
        actions.do_start(request.user)
    except ActionError as exc:
        messages.error(request, str(exc.message))
    return redirect("twofactor:settings")


@never_cache
@staff_required
@require_POST
def confirm(request: HttpRequest) -> HttpResponse:
    return _codes_for_app_code(
        request,
        AppCodeForm(request.POST),
        lambda form: _settings_page(request, code_form=form),
        lambda code: actions.confirm(request.user, code, client_ip(request)),
        _("Two-step sign-in is on."),
    )


@never_cache
@staff_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    return _codes_for_app_code(
        request,
        AppCodeForm(request.POST, prefix="recovery"),
        lambda form: _settings_page(request, recovery_form=form),
        lambda code: actions.new_recovery_codes(request.user, code, client_ip(request)),
        _("New recovery codes made; the old ones no longer work."),
    )


@staff_required
@require_POST
def disable(request: HttpRequest) -> HttpResponse:
    form = DisableForm(request.POST, prefix="off")
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.disable(request.user, data["password"], data["code"], client_ip(request))
        except ActionError as exc:
            form_error(form, exc)
            return _refused(_settings_page(request, disable_form=form), exc)
        messages.success(request, _("Two-step sign-in is off."))
        return redirect("twofactor:settings")
    return _refused(_settings_page(request, disable_form=form), ActionError(""))
