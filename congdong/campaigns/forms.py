from __future__ import annotations

import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congdong.campaigns.models import CampaignMode, Targeting
from congdong.posts.models import Post
from congdong.units.models import Level

VIETNAM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
LEVELS_BELOW = [(lvl, Level(lvl).label) for lvl in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE)]


class TickedUnits(forms.Widget):
    """The units ticked in the target picker (campaigns/_picker.html draws the checkboxes):
    every `unit_ids` value posted; nothing drawn here."""

    is_hidden = True  # _form.html puts it with the hidden fields, where it renders nothing

    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])

    def render(self, name, value, attrs=None, renderer=None) -> str:
        return ""


class UnitIds(forms.Field):
    widget = TickedUnits

    def to_python(self, value) -> list[int]:
        try:
            return sorted({int(v) for v in value or []})
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Choose units from the list.")) from None


class CampaignForm(forms.Form):
    post = forms.TypedChoiceField(label=_("Post"), coerce=int)
    mode = forms.ChoiceField(
        label=_("Mode"), choices=CampaignMode.choices, initial=CampaignMode.PUBLISH
    )
    targeting = forms.ChoiceField(
        label=_("Targets"), choices=Targeting.choices, initial=Targeting.ALL_BELOW
    )
    levels = forms.MultipleChoiceField(
        label=_("Levels"), choices=LEVELS_BELOW, required=False, widget=forms.CheckboxSelectMultiple
    )
    units = forms.CharField(
        label=_("Units"),
        required=False,
        help_text=_(
            "Or type the official codes of the units below, separated by commas (as the API "
            "takes them)."
        ),
    )
    unit_ids = UnitIds(required=False)
    deadline = forms.DateTimeField(
        label=_("Deadline"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Vietnam time; needed for reshare tasks."),
    )

    def __init__(self, *args, posts: list[Post], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["post"].choices = [
            (p.pk, f"{p.title} · {p.page.unit.full_name} ({p.get_state_display()})") for p in posts
        ]

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        # datetime-local has no zone: it is Vietnam time whatever the server's zone.
        if deadline is not None:
            deadline = timezone.make_aware(timezone.make_naive(deadline), VIETNAM)
        return deadline

    def clean_units(self) -> list[str]:
        return [code.strip() for code in self.cleaned_data["units"].split(",") if code.strip()]

    def clean(self) -> dict:
        """Ticking is choosing: with "every page below" left as it is, ticked units (or codes)
        mean those units' pages, ticked levels those levels."""
        data = super().clean()
        if data.get("targeting") == Targeting.ALL_BELOW:
            if data.get("unit_ids") or data.get("units"):
                data["targeting"] = Targeting.UNITS
            elif data.get("levels"):
                data["targeting"] = Targeting.LEVELS
        return data
