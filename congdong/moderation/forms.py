from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from congdong.moderation.models import ReportReason


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why do you report it?"), choices=ReportReason.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Details (required for “Other”)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("keep", _("Keep: no violation")), ("remove", _("Remove: violation"))]
    )
    reason = forms.CharField(label=_("Reason (required to remove)"), required=False, max_length=500)


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Why should the decision be reviewed?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AppealDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("upheld", _("Uphold the removal")), ("overturned", _("Overturn: restore it"))]
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)
