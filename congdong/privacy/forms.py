"""Forms of the personal data screens. They only shape input; the rules are
`congdong.privacy.actions`', whose refusals the views put on these forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from congdong.core.casework.forms import MAX_INPUT, long_text
from congdong.privacy.models import DigestChoice, RequestKind


class CorrectForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=MAX_INPUT, required=False)
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class DigestForm(forms.Form):
    digest = forms.ChoiceField(
        label=_("Send the digest by"),
        choices=[
            (DigestChoice.SMS, _("SMS to my mobile number")),
            (DigestChoice.EMAIL, _("Email")),
        ],
        initial=DigestChoice.SMS,
    )
    email = forms.CharField(
        label=_("Email (for the email digest)"), max_length=MAX_INPUT, required=False
    )


class DeleteForm(forms.Form):
    understood = forms.BooleanField(
        label=_("I understand what is erased and what is kept, and that this cannot be undone."),
        required=False,
    )
    word = forms.CharField(
        label=_("Type XÓA to confirm"),
        max_length=MAX_INPUT,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class RequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is your request about?"),
        choices=[("", "—"), *RequestKind.choices],
        required=False,
    )
    text = long_text(
        _("Your request"), _("Say what you ask for; we answer within 2 working days."), rows=4
    )


class AnswerForm(forms.Form):
    answer = long_text(_("Answer to the citizen"), rows=4)
