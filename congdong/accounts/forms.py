from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from congdong.accounts.models import Organisation
from congdong.accounts.roles import Role

# No role is preselected: granting "unit admin" by an unnoticed default would be a bad mistake.
ROLE_CHOICES = [("", "—"), *Role.choices]


class StaffLoginForm(AuthenticationForm):
    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if user.is_citizen:
            raise forms.ValidationError(
                _("Citizens log in with their phone number."), code="citizen"
            )


class StaffPasswordChangeForm(PasswordChangeForm):
    """Django's form (old password, new one twice), plus the two-step code when it is on: an
    open session alone must not be enough to take the account over."""

    def __init__(self, user, *args, code_needed: bool = False, **kwargs) -> None:
        super().__init__(user, *args, **kwargs)
        self.code_needed = code_needed
        if code_needed:
            self.fields["code"] = forms.CharField(
                label=_("Sign-in code"),
                help_text=_("A code from the app now, or a recovery code."),
                max_length=40,
                widget=forms.TextInput(
                    attrs={"autocomplete": "one-time-code", "autocapitalize": "off"}
                ),
            )


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "0912 345 678"}
        ),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
        ),
    )


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    # Law 91/2025: consent is an explicit act, so never ticked in advance; required, but
    # checked by congdong.privacy.actions so the refusal is its message.
    consent = forms.BooleanField(
        label=_(
            "I agree to the processing of my personal data for my account, as the personal "
            "data protection policy describes."
        ),
        required=False,
    )
    digest = forms.BooleanField(
        label=_("Optional: send me a daily SMS digest of my unread notifications."),
        required=False,
    )


class GrantForm(forms.Form):
    username = forms.CharField(label=_("Staff account (username)"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES)
    organisation = forms.ChoiceField(
        label=_("Organisation"), choices=Organisation.Code.choices, initial=Organisation.Code.FRONT
    )


class NewStaffForm(forms.Form):
    prefix = "new"  # shares a page with GrantForm: keeps field ids apart

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    username = forms.CharField(label=_("Username"), max_length=50, help_text=_("e.g. tiendu.canbo"))
    password = forms.CharField(
        label=_("First password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; give it to the person, who should change it."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES)
    organisation = forms.ChoiceField(
        label=_("Organisation"),
        choices=Organisation.Code.choices,
        initial=Organisation.Code.FRONT,
    )
