"""The bell: the list of notifications (with what waits on staff), the digest settings and the
bell fragment htmx refreshes. Writes go through `congdong.engagement.actions.notifications`."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from congdong.core.errors import ActionError
from congdong.core.web import client_ip, form_error
from congdong.engagement import notifications as reads
from congdong.engagement.actions import notifications as actions
from congdong.engagement.models import DigestChoice, NotificationSettings
from congdong.privacy import actions as privacy_actions

# Citizens are most of the people with a bell: send the signed-out to the phone sign-in.
signed_in = login_required(login_url="accounts:phone-start")


class SettingsForm(forms.Form):
    # Kept here rather than in a forms module: two fields, used by this view alone.
    digest = forms.ChoiceField(
        label=gettext_lazy("Daily digest"), choices=DigestChoice.choices, widget=forms.RadioSelect
    )
    email = forms.CharField(
        label=gettext_lazy("Email"),
        required=False,
        max_length=254,
        help_text=gettext_lazy("Needed for the email digest only."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    instant_sms = forms.BooleanField(
        label=gettext_lazy("Tell me at once by SMS"),
        required=False,
        help_text=gettext_lazy("To your verified mobile number."),
    )
    instant_email = forms.BooleanField(
        label=gettext_lazy("Tell me at once by email"),
        required=False,
        help_text=gettext_lazy("To the confirmed email address above."),
    )


@signed_in
def notification_list(request: HttpRequest) -> HttpResponse:
    """The newest notifications; those unread are shown as new and become read (seen here)."""
    items = reads.recent(request.user, limit=50)
    unread = {item.pk for item in items if item.read_at is None}
    if unread:
        # Before rendering, so the bell in the menu of this very page counts them read.
        actions.mark_read(request.user, unread)
    return render(
        request,
        "engagement/notifications/list.html",
        {
            "items": items,
            "unread": unread,
            # Computed once for the page and the menu (the view's `bell` hides the lazy one);
            # its unread ones are those older than the list: offer to mark them all read.
            "bell": reads.bell(request.user),
        },
    )


@signed_in
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    actions.mark_read(request.user, "all")
    return redirect("engagement:notifications")


@signed_in
def bell(request: HttpRequest) -> HttpResponse:
    """The bell alone, with what waits on staff, for htmx to refresh it in the menu."""
    return render(
        request, "engagement/notifications/_bell.html", {"bell": reads.bell(request.user)}
    )


@signed_in
def notification_settings(request: HttpRequest) -> HttpResponse:
    """How the digest is sent (not at all by default, by email or by SMS), and whether each step
    of what the person waits for or must act on is also told at once by SMS and email."""
    saved = NotificationSettings.objects.filter(user=request.user).first()
    initial = {
        "digest": saved.digest if saved else DigestChoice.NONE,
        "email": saved.email if saved and saved.email else request.user.email,
        # Without a row, the model's defaults: told at once by both.
        "instant_sms": saved.instant_sms if saved else True,
        "instant_email": saved.instant_email if saved else True,
    }
    form = SettingsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.user.is_citizen:
        form.fields["email"].help_text = gettext_lazy(
            "For the email digest; being told at once by email uses the same confirmed address."
        )
    else:
        form.fields["email"].help_text = gettext_lazy(
            "For the email digest and for being told at once by email; we send a link to "
            "confirm it first."
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            digest, email = data["digest"], data["email"]
            with transaction.atomic():
                if request.user.is_citizen:  # a citizen's digest rests on a recorded consent
                    privacy_actions.set_digest(request.user, digest, email, ip=client_ip(request))
                else:
                    actions.save_settings(request.user, digest, email)
                actions.save_instant(request.user, data["instant_sms"], data["instant_email"])
        except ActionError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("engagement:notification-settings")
    awaiting = (
        saved is not None and saved.digest == DigestChoice.EMAIL and saved.awaiting_confirmation
    )
    return render(
        request,
        "engagement/notifications/settings.html",
        {
            "form": form,
            "has_phone": bool(request.user.phone and request.user.phone_verified_at),
            "awaiting": saved.email if awaiting else "",
        },
        status=400 if request.method == "POST" else 200,
    )


@never_cache
def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    """The link sent to a digest's new email address. Opening it shows a button; only the
    button (a POST) confirms, so a mail scanner that opens links confirms nothing."""
    context: dict = {}
    if request.method == "POST":
        try:
            context["confirmed"] = actions.confirm_email(token)
        except ActionError as exc:
            context["error"] = exc.message
    status = 400 if "error" in context else 200
    return render(request, "engagement/notifications/confirm_email.html", context, status=status)


urls: list[URLPattern] = [
    path("thong-bao/", notification_list, name="notifications"),
    path("thong-bao/da-doc/", mark_all_read, name="notifications-read"),
    path("thong-bao/chuong/", bell, name="bell"),
    path("thong-bao/cai-dat/", notification_settings, name="notification-settings"),
    path("thong-bao/xac-nhan-email/<str:token>/", confirm_email, name="confirm-email"),
]
