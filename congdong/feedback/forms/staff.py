"""Forms of the staff handling screens: the queue's filters and one form per move.

The forms only shape input; the rules (who, from which state, how long a reason) are
`congdong.feedback.actions`', whose refusals the views put on these forms.
"""

from __future__ import annotations

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from congdong.accounts.models import User
from congdong.feedback.models import Category, FeedbackState, RejectReason
from congdong.units.models import Unit

OPEN = "open"
ALL = "all"
# Long enough for the actions' own limits to speak (they refuse with a clear message).
MAX_REASON_INPUT = 4000
MAX_ANSWER_INPUT = 20_000


def _reason(label: str | Promise) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=MAX_REASON_INPUT,
        required=False,  # an empty reason is refused by the action, with its message
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _row(label: str | Promise) -> forms.TypedChoiceField:
    """A choice of one row by its id, optional; the form sets the choices for the user."""
    return forms.TypedChoiceField(label=label, coerce=int, required=False, empty_value=None)


class QueueFilterForm(forms.Form):
    """What the queue shows; every field optional, a wrong value is ignored (shown as an error)."""

    state = forms.ChoiceField(label=pgettext_lazy("feedback handling", "State"), required=False)
    unit = _row(pgettext_lazy("feedback handling", "Unit"))
    category = _row(pgettext_lazy("feedback handling", "Category"))
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, units: list[Unit], categories: list[Category], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [
            (OPEN, _("Open (not answered yet)")),
            (ALL, pgettext_lazy("feedback states", "All")),
            *FeedbackState.choices,
        ]
        self.fields["unit"].choices = [("", _("All my units"))] + [
            (u.pk, ("— " * max(u.depth - units[0].depth, 0)) + u.full_name) for u in units
        ]
        self.fields["category"].choices = [("", _("All categories"))] + [
            (c.pk, c.name) for c in categories
        ]


class RejectForm(forms.Form):
    reason_kind = forms.ChoiceField(
        label=pgettext_lazy("feedback handling", "Rejected as"),
        choices=[("", "—"), *RejectReason.choices],
        required=False,  # the action names the missing choice
    )
    reason = _reason(_("Reason the sender reads"))


class AssignForm(forms.Form):
    officer = _row(pgettext_lazy("feedback handling", "Officer"))

    def __init__(self, *args, officers: list[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].choices = [("", "—")] + [
            (u.pk, f"{u} ({u.username})") for u in officers
        ]


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer to the sender"),
        max_length=MAX_ANSWER_INPUT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Plain text; if the sender allowed it, published on the unit's page."),
    )


class EscalateForm(forms.Form):
    reason = _reason(_("Why the unit above should handle it"))


class TransferForm(forms.Form):
    unit = _row(pgettext_lazy("feedback handling", "Transfer to"))
    reason = _reason(_("Why that unit should handle it"))

    def __init__(self, *args, targets: list[Unit], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "—")] + [(u.pk, u.full_name) for u in targets]
