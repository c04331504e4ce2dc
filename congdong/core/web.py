"""Small pieces shared by views."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest

from congdong.core.errors import ActionError


def form_error(form: forms.Form, exc: ActionError) -> None:
    """Show an action's refusal on the form field it concerns (or the whole form)."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc.message))
    if field:
        # The browser scrolls to and focuses the field to correct, wherever it is on the page.
        form.fields[field].widget.attrs["autofocus"] = True


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR is set by the server (or by the proxy middleware at scale); the
    # X-Forwarded-For header is not trusted here because a client can forge it.
    return request.META.get("REMOTE_ADDR") or None
