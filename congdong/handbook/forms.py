from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from congdong.handbook.models import BoardKind, BoardState, PageKind, RevisionState
from congdong.units.models import Unit

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The kinds and states are lower-case words inside sentences; a list of options starts each
# with a capital.
KINDS = [(value, capfirst(label)) for value, label in BoardKind.choices]
STATES = [(value, capfirst(label)) for value, label in BoardState.choices]

# Lengths are checked again by the actions (the API has no form); here they give the browser
# its limits.


class PageEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 24, "class": "markdown"}),
        help_text=_(
            "## heading, **bold**, *italic*, - list item, 1. numbered item, [link](https://…)"
        ),
    )
    note = forms.CharField(
        label=_("What changed"),
        max_length=300,
        required=False,
        help_text=_("A short note shown in the history, e.g. “Bổ sung mục 3”."),
    )
    base = forms.IntegerField(widget=forms.HiddenInput, required=False)


class NewPageForm(forms.Form):
    slug = forms.CharField(
        label=_("Address"),
        max_length=80,
        help_text=_("Lower-case letters without accents, digits and hyphens."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=PageKind.choices, initial=PageKind.GUIDE)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=1000, initial=100)
    body = forms.CharField(
        label=_("Text (Markdown)"), widget=forms.Textarea(attrs={"rows": 8, "class": "markdown"})
    )


class BoardPostForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("For the unit"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), choices=KINDS)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Plain text, at most 5,000 characters."),
    )

    def __init__(self, *args, units: list[Unit], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, u.full_name) for u in units]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Answer"), max_length=3000, widget=forms.Textarea(attrs={"rows": 4})
    )


def _decision(
    forward: tuple[str, StrOrPromise], back: tuple[str, StrOrPromise]
) -> forms.ChoiceField:
    """A decision: the way forward, or the way back (which requires the `_decision_note`)."""
    return forms.ChoiceField(label=_("Decision"), choices=[forward, back])


def _decision_note(label: StrOrPromise, help_text: StrOrPromise) -> forms.CharField:
    """The note beside a decision, which the way back (declined, sent back) requires."""
    return forms.CharField(
        label=label,
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=help_text,
    )


class DecideForm(forms.Form):
    decision = _decision(
        (BoardState.ACCEPTED, pgettext_lazy("proposal decision", "Accept")),
        (BoardState.DECLINED, pgettext_lazy("proposal decision", "Do not accept")),
    )
    note = _decision_note(_("Note"), _("Required when the proposal is not accepted."))


class BoardFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *KINDS]
    )
    unit = forms.TypedChoiceField(label=_("Unit"), required=False, coerce=int, empty_value=None)
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All states")), *STATES]
    )

    def __init__(self, *args, units: list[Unit], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("All units")), *((u.pk, u.full_name) for u in units)]


class VersionDecisionForm(forms.Form):
    decision = _decision(
        (RevisionState.PUBLISHED, pgettext_lazy("handbook decision", "Publish")),
        (RevisionState.RETURNED, pgettext_lazy("handbook decision", "Send back")),
    )
    note = _decision_note(_("Reason"), _("Required when the version is sent back."))
