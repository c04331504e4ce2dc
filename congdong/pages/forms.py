from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from congdong.accounts.models import Organisation
from congdong.pages.models import CommentPolicy


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Page name"), max_length=200)
    description = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), required=False, max_length=20)
    address = forms.CharField(label=_("Address of the office"), required=False, max_length=300)
    comment_policy = forms.ChoiceField(
        label=_("Comments"), choices=CommentPolicy.choices, required=False
    )


class MoveForm(forms.Form):
    status = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class PicturesForm(forms.Form):
    prefix = "pic"
    avatar = forms.FileField(
        label=_("Avatar (square, at most 5 MB)"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )
    cover = forms.FileField(
        label=_("Cover picture (wide, at most 5 MB)"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )


class OperatorForm(forms.Form):
    prefix = "op"
    username = forms.CharField(label=_("Staff account (username)"), max_length=150)
    organisation = forms.ChoiceField(
        label=_("Organisation"),
        choices=Organisation.Code.choices,
        initial=Organisation.Code.YOUTH_UNION,
    )
