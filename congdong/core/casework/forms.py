"""Fields shared by the casework forms. Like every form here they only shape input: the rules
are the actions', whose refusals the views put on the forms (so fields are not required and
long enough for the actions' own limits to speak)."""

from __future__ import annotations

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# A label or help text: plain, or translated when shown (gettext_lazy).
Text = str | Promise

MAX_INPUT = 6000
MOMENT_FORMATS = ["%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M"]


def long_text(
    label: Text, help_text: Text = "", rows: int = 3, max_length: int = MAX_INPUT
) -> forms.CharField:
    """A text area: what was done, a reason, an answer."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def moment(label: Text, help_text: Text, error_messages: dict | None = None) -> forms.DateTimeField:
    """An instant written day/month/year hour:minute (or as the browser's datetime-local)."""
    return forms.DateTimeField(
        label=label,
        required=False,
        input_formats=MOMENT_FORMATS,
        help_text=help_text,
        error_messages=error_messages,
    )


class RefuseForm(forms.Form):
    """Refusing a case: the legal reason, which the requester may contest."""

    reason = long_text(_("Legal reason for refusing"))
