"""Forms of the breach screens. They only shape input; the rules are
`congdong.breaches.actions`', whose refusals the views put on these forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from congdong.core.casework.forms import MAX_INPUT, long_text, moment

MOMENT_ERROR = {
    "invalid": _("Write the time as day/month/year hour:minute, e.g. 07/03/2026 22:00.")
}


def _moment(label: str, help_text: str) -> forms.DateTimeField:
    return moment(label, help_text, MOMENT_ERROR)


class BreachForm(forms.Form):
    unit_id = forms.TypedChoiceField(
        label=_("Unit"),
        coerce=int,
        choices=(),
        error_messages={
            "invalid_choice": _("Choose the unit where the breach happened."),
            "required": _("Choose the unit where the breach happened."),
        },
    )
    discovered_at = _moment(
        _("Discovered at"),
        _(
            "When the unit learnt of the breach (day/month/year hour:minute); empty: now. "
            "The 72 hours run from here."
        ),
    )
    occurred_at = _moment(_("Happened at"), _("If known."))
    description = long_text(_("What happened"), rows=4)
    data_categories = long_text(
        _("Kinds of personal data"), _("E.g. full names, phone numbers, addresses, ID numbers.")
    )
    subjects_count = forms.CharField(
        label=_("People affected (approximate)"), max_length=20, required=False
    )
    consequences = long_text(_("Likely consequences"))
    measures = long_text(_("Measures taken and planned"))
    contact = forms.CharField(
        label=_("Contact person"),
        max_length=MAX_INPUT,
        required=False,
        help_text=_("Name, position, phone and email of the person the authority can reach."),
    )

    def __init__(self, *args, units=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit_id"].choices = [(u.pk, u.full_name) for u in units]


class NotifyForm(forms.Form):
    reference = forms.CharField(
        label=_("Number of the notice sent"), max_length=MAX_INPUT, required=False
    )
    notified_at = _moment(_("Sent at"), _("Empty: now."))
    late_reason = long_text(
        _("Reason for the delay"), _("Needed only when the notice is sent after the deadline.")
    )


class CloseForm(forms.Form):
    note = long_text(_("How the breach was dealt with"))
