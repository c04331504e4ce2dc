"""Errors that actions raise with a message meant for the person who acted."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.functional import Promise
from django.utils.translation import gettext as _


class ActionError(Exception):
    """Bad input or a rule broken: nothing was changed; `message` says why, in the user's language.

    `field` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str | Promise, field: str | None = None, status: int = 400) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.status = status  # for the API: 400 bad input, 429 over a limit


class CitizenAccountNeeded(PermissionDenied):
    """A citizen-only action (feedback, follow, react, comment, report, data requests) tried
    from an account that is not a citizen's: the answer says a phone-verified citizen account
    is needed and how to get one (the web shows `core/citizen_needed.html`, the API and htmx
    the message), never a bare 403."""

    def __init__(self, message: str | Promise | None = None) -> None:
        super().__init__(str(message or citizen_needed_message()))


def citizen_needed_message() -> str:
    return _(
        "This is done from a citizen's account, signed in with a verified mobile number "
        "(Decree 147/2024/NĐ-CP); you are signed in with a staff account. Log out, then sign "
        "in with your mobile number (a code comes by SMS; a new number gets a citizen account) "
        "to do it as a citizen."
    )
