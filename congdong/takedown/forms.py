"""Forms of the takedown screens. They only shape input; the rules are
`congdong.takedown.actions`', whose refusals the views put on these forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from congdong.core.casework.forms import long_text, moment
from congdong.takedown.models import TargetKind

# Long enough for the actions' own limits to speak (they refuse with a clear message).
MAX_INPUT = 4000


class IntakeForm(forms.Form):
    authority = forms.CharField(
        label=_("Requesting body"),
        max_length=MAX_INPUT,
        required=False,
        help_text=_("E.g. Department of Information and Communications of Bắc Ninh province."),
    )
    reference = forms.CharField(
        label=_("Reference number of the request"), max_length=MAX_INPUT, required=False
    )
    contact = forms.CharField(
        label=_("Contact (person, phone, email)"), max_length=MAX_INPUT, required=False
    )
    legal_basis = long_text(
        _("Legal basis"), _("E.g. Decree 147/2024/NĐ-CP, Article 23."), max_length=MAX_INPUT
    )
    target_kind = forms.ChoiceField(
        label=_("Content to remove"), choices=TargetKind.choices, initial=TargetKind.COMMENT
    )
    target_id = forms.CharField(
        label=_("Number of the post or comment"),
        max_length=30,
        required=False,
        help_text=_(
            "The number in the content's address: …/tin/12/ for post 12, …#c34 for comment 34."
        ),
    )
    received_at = moment(
        _("Received at"),
        _("When the request reached the unit (day/month/year hour:minute); empty: now."),
    )


class ActForm(forms.Form):
    note = long_text(
        _("What was done"),
        _("The content is hidden from the page when you confirm."),
        max_length=MAX_INPUT,
    )
