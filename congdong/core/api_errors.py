"""The API's validation errors (422) in the caller's language.

django-ninja answers a request whose parameters or body do not fit the schema with pydantic's
errors, whose messages are English ("Input should be a valid integer, unable to parse string
as an integer"). The answer keeps ninja's shape — `{"detail": [{"loc", "msg", "type"}, …]}` — with
each `msg` said again from the error's `type` and its context, through Django's translations;
an error of our own validators (`value_error`) keeps its text, which is translated already.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


def _messages() -> dict[str, str]:
    # Built per call: gettext answers in the language of the request being served.
    whole_number = _("Enter a whole number.")
    number = _("Enter a number.")
    date = _("Enter a date as YYYY-MM-DD.")
    moment = _("Enter a date and time (ISO 8601, e.g. 2026-03-08T09:30:00+07:00).")
    return {
        "missing": _("This field is required."),
        "int_parsing": whole_number,
        "int_type": whole_number,
        "int_from_float": whole_number,
        "float_parsing": number,
        "float_type": number,
        "decimal_parsing": number,
        "bool_parsing": _("Enter true or false."),
        "bool_type": _("Enter true or false."),
        "string_type": _("Enter text."),
        "string_too_short": _("Enter at least %(min_length)s characters."),
        "string_too_long": _("Enter at most %(max_length)s characters."),
        "greater_than_equal": _("Enter a number of at least %(ge)s."),
        "greater_than": _("Enter a number greater than %(gt)s."),
        "less_than_equal": _("Enter a number of at most %(le)s."),
        "less_than": _("Enter a number less than %(lt)s."),
        "enum": _("Choose one of: %(expected)s."),
        "literal_error": _("Choose one of: %(expected)s."),
        "date_parsing": date,
        "date_type": date,
        "date_from_datetime_parsing": date,
        "date_from_datetime_inexact": date,
        "datetime_parsing": moment,
        "datetime_type": moment,
        "datetime_from_date_parsing": moment,
        "list_type": _("Enter a list."),
        "too_long": _("Enter at most %(max_length)s items."),
        "too_short": _("Enter at least %(min_length)s items."),
        "dict_type": _("Enter an object."),
        "model_type": _("Enter an object."),
        "model_attributes_type": _("Enter an object."),
        "json_invalid": _("The request body is not valid JSON."),
        "json_type": _("The request body is not valid JSON."),
        "url_parsing": _("Enter a web address (https://…)."),
        "url_scheme": _("Enter a web address (https://…)."),
        "uuid_parsing": _("Enter a valid identifier."),
    }


def said_again(error: dict[str, Any], messages: dict[str, str]) -> str:
    """The message of one pydantic error in the active language."""
    kind = error.get("type", "")
    if kind == "value_error":
        text = str(error.get("msg", ""))
        return text.removeprefix("Value error, ")
    template = messages.get(kind)
    if template is None:
        return _("This value is not valid.")
    context = {k: str(v) for k, v in (error.get("ctx") or {}).items()}
    if "expected" in context:  # pydantic lists choices as "'a', 'b' or 'c'": a neutral list
        context["expected"] = context["expected"].replace(" or ", ", ")
    try:
        return template % context
    except (KeyError, TypeError, ValueError):
        return _("This value is not valid.")


def translated(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """ninja's error list with each `msg` in the active language; `loc` and `type` kept."""
    messages = _messages()
    return [
        {"loc": list(e.get("loc", ())), "msg": said_again(e, messages), "type": e.get("type", "")}
        for e in errors
    ]
