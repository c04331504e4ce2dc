"""Citizens' phone sign-in (its first two steps) and the staff workspace's units and roles.

Pages that put accounts together with a higher app live in that app, and the root URLconf
(congdong/urls.py) keeps them in the `accounts` namespace: the staff password sign-in and
password change in congdong.twofactor (the second step), the sign-up's profile and consent in
congdong.privacy, the workspace's home in congdong.pages (the pages one co-runs).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congdong.accounts import actions, queries
from congdong.accounts.forms import (
    CodeForm,
    GrantForm,
    NewStaffForm,
    PhoneForm,
)
from congdong.accounts.phones import display_phone
from congdong.accounts.roles import Permission
from congdong.core.errors import ActionError
from congdong.core.web import act_and_tell, client_ip, form_error, posted_form
from congdong.units import queries as unit_queries

BACKEND = "django.contrib.auth.backends.ModelBackend"


# ---------------------------------------------------------------- citizens


def _safe_next(request: HttpRequest) -> str | None:
    """The `next` address given to the sign-in, if it is one of ours."""
    wanted = request.POST.get("next") or request.GET.get("next")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return None


def after_sign_in(request: HttpRequest) -> HttpResponse:
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
                return after_sign_in(request)
            request.session["verified_phone"] = phone
            return redirect("accounts:citizen-profile")
    elif request.method == "POST":
        # Keep the message in the user's language rather than Django's generic length text.
        form.errors["code"] = form.error_class([_("The code has 6 digits.")])
    return render(
        request, "accounts/phone_verify.html", {"form": form, "phone": display_phone(phone)}
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
            **unit_queries.place_of(unit),
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
    return posted_form(
        request,
        form,
        lambda data: actions.grant_role(
            request.user, unit_id, data["username"], data["role"], data["organisation"]
        ),
        lambda membership: (
            _("Granted %(role)s at %(unit)s to %(user)s.")
            % {
                "role": membership.get_role_display(),
                "unit": membership.unit.full_name,
                "user": membership.user,
            }
        ),
        ("accounts:workspace-unit", unit_id),
    ) or _unit_page(request, unit_id, form=form, status=400)


@staff_required
@require_POST
def revoke(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = queries.access_membership(request.user, membership_id)
    back = request.POST.get("unit", "")
    back = int(back) if back.isdigit() else membership.unit_id
    act_and_tell(
        request, lambda: actions.revoke_role(request.user, membership_id), _("Role removed.")
    )
    return redirect(reverse("accounts:workspace-unit", args=[back]))


@staff_required
@require_POST
def new_staff(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A unit admin opens an account for a colleague and grants a role in one step."""
    form = NewStaffForm(request.POST)  # prefix "new-": see the form
    return posted_form(
        request,
        form,
        lambda data: actions.create_staff(
            request.user,
            unit_id,
            data["username"],
            data["full_name"],
            data["password"],
            data["role"],
            data["organisation"],
        ),
        lambda membership: (
            _("Account %(username)s created with the role %(role)s at %(unit)s.")
            % {
                "username": membership.user.username,
                "role": membership.get_role_display(),
                "unit": membership.unit.full_name,
            }
        ),
        ("accounts:workspace-unit", unit_id),
    ) or _unit_page(request, unit_id, new_form=form, status=400)
