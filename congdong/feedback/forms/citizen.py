"""What citizens fill in: the feedback itself, a reopening, a tracking code.

The forms only carry the values; `congdong.feedback.actions` checks them (one set of messages for
the web and the API), so most fields are optional here and refused there with a clear message.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from congdong.feedback.models import Category
from congdong.posts.forms import MultipleFileField, MultipleFileInput

PUBLIC = "public"
PRIVATE = "private"


class SendForm(forms.Form):
    unit = forms.IntegerField(widget=forms.HiddenInput, required=False)
    category = forms.TypedChoiceField(label=_("Category"), coerce=int, required=False)
    text = forms.CharField(
        label=_("Your feedback"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 7, "maxlength": 5000}),
        help_text=_(
            "What happened, where and since when; what you propose. 10 to 5,000 characters."
        ),
    )
    files = MultipleFileField(
        label=_("Photos or PDF documents (at most 5)"),
        required=False,
        widget=MultipleFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif,application/pdf"}
        ),
        help_text=_("Pictures up to 5 MB each, PDF documents up to 10 MB each."),
    )
    place = forms.CharField(
        label=_("Place (optional)"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 200}),
        help_text=_("Street, hamlet or landmark where the matter is."),
    )
    latitude = forms.CharField(
        label=_("Latitude (optional)"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "21.186"}),
    )
    longitude = forms.CharField(
        label=_("Longitude (optional)"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "106.076"}),
    )
    visibility = forms.ChoiceField(
        label=_("Publishing the answer"),
        choices=[
            (PRIVATE, _("Private: only I and the officers handling it see it")),
            (PUBLIC, _("Public: the answer may be shown on the unit's page, without my name")),
        ],
        initial=PRIVATE,
        widget=forms.RadioSelect,
    )
    urgent = forms.BooleanField(
        label=_("Urgent (a danger to people or property)"),
        required=False,
        help_text=_("Urgent feedback must be taken up within 4 working hours."),
    )
    consent = forms.BooleanField(
        label=_("I agree to the processing of my personal data as described above."),
        required=False,
    )

    def __init__(self, *args, categories: list[Category], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("— Choose a category —"))] + [
            (c.pk, c.name) for c in categories
        ]

    def location(self) -> dict[str, str]:
        data = self.cleaned_data
        return {
            "lat": data.get("latitude", ""),
            "lng": data.get("longitude", ""),
            "place": data.get("place", ""),
        }


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the answer does not settle the matter"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
    )


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=30,
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": "PA-2026-XXXXXX", "autocapitalize": "characters"}
        ),
    )
