"""Pages of staff sign-in: the password (then, with two-step sign-in on, the code), the password
change, and the staff member's own two-step settings. The password steps live here, above
accounts, because the code is this app's (the URL names stay `accounts:staff-login` and
`accounts:password-change`: the root URLconf composes them into that namespace)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, login
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView, PasswordChangeView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from congdong.accounts.forms import StaffLoginForm, StaffPasswordChangeForm
from congdong.accounts.views import staff_required
from congdong.core import security
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


def _refused_form(view, form, wait: int) -> HttpResponse:
    """The page again with the form unbound (no secret was compared) and the refusal on it."""
    form.cleaned_data = {}
    form.add_error(None, security.login_refusal_message(wait))
    response = view.render_to_response(view.get_context_data(form=form), status=429)
    response["Retry-After"] = str(wait)
    return response


class StaffLoginView(LoginView):
    """Password login for staff. Each try is counted before the password is checked and given
    back when it is right, so parallel guesses cannot slip past the limit; an address past its
    limit gets 429, and failures from other addresses never refuse this one's right password
    (core/security.py, reserve_login)."""

    template_name = "accounts/staff_login.html"
    authentication_form = StaffLoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        username = request.POST.get("username", "")
        wait = security.reserve_login(username, client_ip(request))
        if wait:
            # Unbound, so no password is tried; the refusal shows as the form's own error.
            form = self.get_form_class()(request, initial={"username": username})
            return _refused_form(self, form, wait)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: StaffLoginForm) -> HttpResponse:
        # The right password: the try reserved in post() is not a failure.
        security.release_login(self.request.POST.get("username", ""), client_ip(self.request))
        user = form.get_user()
        # With two-step sign-in on, the right password is only step 1: nobody is logged in
        # until the code (signin.py).
        if signin.needs_code(user):
            signin.begin(self.request, user, user.backend, self.get_success_url())
            return redirect("twofactor:code")
        return super().form_valid(form)


class StaffPasswordChangeView(PasswordChangeView):
    """Change one's password: the old password counts as a try at it, like a sign-in (an open
    session is not an unlimited way to test guesses), and with two-step sign-in on a code
    from the app (or a recovery code) is asked too."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:workspace")
    form_class = StaffPasswordChangeForm

    def get_form_kwargs(self) -> dict:
        return super().get_form_kwargs() | {"code_needed": signin.needs_code(self.request.user)}

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user, ip = request.user, client_ip(request)
        wait = security.reserve_login(user.username, ip)
        if wait:
            unbound = self.get_form_class()(user, code_needed=self.get_form_kwargs()["code_needed"])
            return _refused_form(self, unbound, wait)
        form = self.get_form()
        valid = form.is_valid()
        if "old_password" not in form.errors:
            security.release_login(user.username, ip)  # the old password was right
        status = 400
        if valid and form.code_needed:
            # Last, so a code is not spent on a form refused for its new password.
            try:
                actions.use_code(user, form.cleaned_data["code"], ip)
            except ActionError as exc:
                form_error(form, exc)
                valid, status = False, exc.status
                wait = getattr(exc, "retry_after", 0)
        if valid:
            return self.form_valid(form)
        response = self.form_invalid(form)
        response.status_code = status
        if status == 429:
            response["Retry-After"] = str(wait)
        return response


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
