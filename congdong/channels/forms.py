from django import forms
from django.utils.translation import gettext_lazy as _


class WebsiteForm(forms.Form):
    url = forms.CharField(
        label=_("Website address"),
        max_length=500,
        help_text=_(
            'It is shown as verified once its pages hold a link with rel="me" to this page.'
        ),
    )


class FakeReportForm(forms.Form):
    url = forms.CharField(label=_("Address of the suspected page"), max_length=500)
    note = forms.CharField(
        label=_("What makes you think so (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
