from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, PasswordChangeView
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congdong.accounts import actions, queries
from congdong.accounts.forms import (
    CodeForm,
    GrantForm,
    NewStaffForm,
    PhoneForm,
    ProfileForm,
    StaffLoginForm,
    StaffPasswordChangeForm,
)
from congdong.accounts.phones import display_phone
from congdong.accounts.roles import Permission
from congdong.core import security
from congdong.core.errors import ActionError, Refusals
from congdong.core.web import client_ip, form_error, rule_errors
from congdong.pages.queries import operated_pages
from congdong.privacy import actions as privacy_actions
from congdong.privacy import policy as privacy_policy
from congdong.units import queries as unit_queries

BACKEND = "django.contrib.auth.backends.ModelBackend"


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
        # With two-step sign-in on, the right password is only step 1: nobody is logged in
        # until the code (congdong/twofactor/signin.py).
        from congdong.twofactor import signin  # twofactor's views import this module

        # The right password: the try reserved in post() is not a failure.
        security.release_login(self.request.POST.get("username", ""), client_ip(self.request))
        user = form.get_user()
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
        from congdong.twofactor import signin  # twofactor's views import this module

        return super().get_form_kwargs() | {"code_needed": signin.needs_code(self.request.user)}

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        from congdong.twofactor import actions as twofactor  # as above

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
                twofactor.use_code(user, form.cleaned_data["code"], ip)
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


# ---------------------------------------------------------------- citizens


def _safe_next(request: HttpRequest) -> str | None:
    """The `next` address given to the sign-in, if it is one of ours."""
    wanted = request.POST.get("next") or request.GET.get("next")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return None


def _after_sign_in(request: HttpRequest) -> HttpResponse:
    """Back where the citizen was (following a page, say), or home."""
    return redirect(request.session.pop("citizen_next", None) or "site:home")


def phone_start(request: HttpRequest) -> HttpResponse:
    """Step 1 of citizen sign-up or login: the phone number; a code is sent to it."""
    wanted = _safe_next(request)
    if wanted:
        request.session["citizen_next"] = wanted
    form = PhoneForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            phone = actions.request_code(form.cleaned_data["phone"], client_ip(request))
        except ActionError as exc:
            form_error(form, exc)
        else:
            request.session["otp_phone"] = phone
            return redirect("accounts:phone-verify")
    return render(request, "accounts/phone_start.html", {"form": form})


def phone_verify(request: HttpRequest) -> HttpResponse:
    """Step 2: the code. A known citizen is logged in; a new one goes on to the profile."""
    phone = request.session.get("otp_phone")
    if not phone:
        return redirect("accounts:phone-start")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.verify_code(phone, form.cleaned_data["code"], client_ip(request))
        except ActionError as exc:
            form_error(form, exc)
        else:
            del request.session["otp_phone"]
            citizen = actions.citizen_for_phone(phone)
            if citizen is not None:
                login(request, citizen, backend=BACKEND)
                messages.success(request, _("Welcome back, %(name)s.") % {"name": citizen})
                return _after_sign_in(request)
            request.session["verified_phone"] = phone
            return redirect("accounts:citizen-profile")
    elif request.method == "POST":
        # Keep the message in the user's language rather than Django's generic length text.
        form.errors["code"] = form.error_class([_("The code has 6 digits.")])
    return render(
        request, "accounts/phone_verify.html", {"form": form, "phone": display_phone(phone)}
    )


def _check_profile(phone: str, data: dict[str, Any]) -> actions.CitizenProfile:
    """The profile's rules and the consent's, all told at once (issue 16.9)."""
    refusals = Refusals()
    profile = None
    with refusals:
        profile = actions.check_citizen_signup(
            phone, data.get("full_name", ""), data.get("date_of_birth")
        )
    with refusals:
        privacy_actions.check_signup_consent(data.get("consent", False))
    refusals.raise_any()
    assert profile is not None  # raise_any raised otherwise
    return profile


def citizen_profile(request: HttpRequest) -> HttpResponse:
    """Step 3 for a new citizen: full name and date of birth, then the account exists."""
    phone = request.session.get("verified_phone")
    if not phone:
        return redirect("accounts:phone-start")
    form = ProfileForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not form.is_valid():
        rule_errors(form, lambda data: _check_profile(phone, data))
    elif request.method == "POST":
        data = form.cleaned_data
        try:
            profile = _check_profile(phone, data)
            with transaction.atomic():  # no account without its consent record
                user = actions.do_citizen_signup(profile)
                privacy_actions.do_signup_consents(
                    user, digest=data["digest"], ip=client_ip(request)
                )
        except ActionError as exc:
            form_error(form, exc)
        else:
            del request.session["verified_phone"]
            login(request, user, backend=BACKEND)
            messages.success(request, _("Your account is ready, %(name)s.") % {"name": user})
            return _after_sign_in(request)
    return render(
        request,
        "accounts/citizen_profile.html",
        {"form": form, "phone": display_phone(phone), "policy": privacy_policy.current()},
    )


# ---------------------------------------------------------------- staff workspace


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged in with a staff account; citizens are refused with a message."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated and request.user.is_citizen:
            raise PermissionDenied(
                _("The workspace is for staff of the Front and the Youth Union.")
            )
        return view(request, *args, **kwargs)

    return login_required(wrapped)


@staff_required
def workspace(request: HttpRequest) -> HttpResponse:
    """Staff home: my units and my roles on them."""
    return render(
        request,
        "accounts/workspace.html",
        {
            "memberships": queries.memberships_of(request.user),
            "operated_pages": operated_pages(request.user),
        },
    )


def _unit_page(
    request: HttpRequest,
    unit_id: int,
    form: GrantForm | None = None,
    new_form: NewStaffForm | None = None,
    status: int = 200,
) -> HttpResponse:
    unit = queries.access_unit(request.user, unit_id, Permission.VIEW_UNIT)
    can_manage = queries.can(request.user, unit, Permission.MANAGE_MEMBERS)
    return render(
        request,
        "accounts/workspace_unit.html",
        {
            "unit": unit,
            "ancestors": unit_queries.ancestors(unit),
            "children": unit_queries.units_filtered(parent=unit),
            "members": queries.members_of(unit),
            "can_manage": can_manage,
            "can_manage_page": queries.can(request.user, unit, Permission.MANAGE_PAGE),
            "my_roles": queries.roles_on(request.user, unit),
            "form": form or GrantForm(),
            "new_form": new_form or NewStaffForm(),
        },
        status=status,
    )


@staff_required
def workspace_unit(request: HttpRequest, unit_id: int) -> HttpResponse:
    return _unit_page(request, unit_id)


@staff_required
def workspace_search(request: HttpRequest, unit_id: int) -> HttpResponse:
    """htmx: units under this one whose name matches, to jump to them."""
    root = queries.access_unit(request.user, unit_id, Permission.VIEW_UNIT)
    found = queries.subtree_search(request.user, root, request.GET.get("q", ""))
    return render(request, "accounts/_unit_links.html", {"units": found})


@staff_required
@require_POST
def grant(request: HttpRequest, unit_id: int) -> HttpResponse:
    form = GrantForm(request.POST)
    if form.is_valid():
        try:
            membership = actions.grant_role(
                request.user,
                unit_id,
                form.cleaned_data["username"],
                form.cleaned_data["role"],
                form.cleaned_data["organisation"],
            )
        except ActionError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request,
                _("Granted %(role)s at %(unit)s to %(user)s.")
                % {
                    "role": membership.get_role_display(),
                    "unit": membership.unit.full_name,
                    "user": membership.user,
                },
            )
            return redirect("accounts:workspace-unit", unit_id=unit_id)
    return _unit_page(request, unit_id, form=form, status=400)


@staff_required
@require_POST
def revoke(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = queries.access_membership(request.user, membership_id)
    back = request.POST.get("unit", "")
    back = int(back) if back.isdigit() else membership.unit_id
    try:
        actions.revoke_role(request.user, membership_id)
    except ActionError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Role removed."))
    return redirect(reverse("accounts:workspace-unit", args=[back]))


@staff_required
@require_POST
def new_staff(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A unit admin opens an account for a colleague and grants a role in one step."""
    form = NewStaffForm(request.POST)  # prefix "new-": see the form
    if form.is_valid():
        data = form.cleaned_data
        try:
            membership = actions.create_staff(
                request.user,
                unit_id,
                data["username"],
                data["full_name"],
                data["password"],
                data["role"],
                data["organisation"],
            )
        except ActionError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request,
                _("Account %(username)s created with the role %(role)s at %(unit)s.")
                % {
                    "username": membership.user.username,
                    "role": membership.get_role_display(),
                    "unit": membership.unit.full_name,
                },
            )
            return redirect("accounts:workspace-unit", unit_id=unit_id)
    return _unit_page(request, unit_id, new_form=form, status=400)
