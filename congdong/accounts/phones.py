"""Vietnamese mobile numbers: parsing, normalising to E.164 and showing them."""

from __future__ import annotations

import phonenumbers
from django.utils.translation import gettext_lazy as _

from congdong.core.errors import ActionError

_MOBILE = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}


def normalise_mobile(raw: str) -> str:
    """ "0912 345 678", "+84912345678", "84912345678" -> "+84912345678"; ActionError otherwise."""
    text = (raw or "").strip()
    if text.startswith("84") and not text.startswith("+"):
        text = "+" + text
    try:
        number = phonenumbers.parse(text, "VN")
    except phonenumbers.NumberParseException:
        number = None
    if (
        number is None
        or number.country_code != 84
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in _MOBILE
    ):
        raise ActionError(
            _("“%(raw)s” is not a Vietnamese mobile number. Enter 10 digits, e.g. 0912 345 678.")
            % {"raw": raw.strip()[:20]},
            field="phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """ "+84912345678" -> "0912 345 678" (how Vietnamese write mobile numbers)."""
    if not e164 or not e164.startswith("+84"):
        return e164 or ""
    national = "0" + e164[3:]
    return f"{national[:4]} {national[4:7]} {national[7:]}"
