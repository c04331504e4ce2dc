"""The filters of the audit log screen."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

DAY_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class FilterForm(forms.Form):
    actor = forms.CharField(label=_("Who"), max_length=150, required=False)
    action = forms.CharField(
        label=_("Action"),
        max_length=120,
        required=False,
        help_text=_("Part of the action's words, e.g. “duyệt”, “đăng nhập”, “gỡ bỏ”."),
    )
    since = forms.DateField(
        label=_("From (day/month/year)"),
        required=False,
        input_formats=DAY_FORMATS,
        error_messages={"invalid": _("Write the day as day/month/year, e.g. 07/03/2026.")},
    )
    until = forms.DateField(
        label=_("To (day/month/year)"),
        required=False,
        input_formats=DAY_FORMATS,
        error_messages={"invalid": _("Write the day as day/month/year, e.g. 07/03/2026.")},
    )

    def clean(self) -> dict:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end day is before the start day."))
        return data
