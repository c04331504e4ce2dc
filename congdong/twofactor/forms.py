from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


def _code_field(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=40,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )


class SignInCodeForm(forms.Form):
    code = _code_field(
        _("Sign-in code"),
        _("The 6-digit code your authenticator app shows now, or one of your recovery codes."),
    )


class AppCodeForm(forms.Form):
    code = _code_field(_("6-digit code from the app"))


class DisableForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = _code_field(_("Sign-in code"), _("A code from the app now, or a recovery code."))
