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


class ActionErrors(ActionError):
    """Several refusals of one input at once, each with its field: a form shows them all in one
    submit (issue 16.9) and the API answers them all. The first is also `message`/`field`, so
    code that handles one `ActionError` still says something true."""

    def __init__(self, errors: list[ActionError]) -> None:
        first = errors[0]
        super().__init__(first.message, first.field, max(e.status for e in errors))
        self.errors = errors


def each(exc: ActionError) -> list[ActionError]:
    """The refusals `exc` carries: itself, or each of an `ActionErrors`."""
    return list(exc.errors) if isinstance(exc, ActionErrors) else [exc]


class Refusals:
    """Gathers the refusals of a check, so that it tells every field's problem at once rather
    than stopping at the first:

        refusals = Refusals()
        with refusals:
            unit = clean_unit(...)      # may raise ActionError(field="unit")
        with refusals:
            text = clean_text(...)      # checked even when the unit was refused
        refusals.raise_any()            # one ActionError, or ActionErrors for several

    Only `ActionError` is gathered; anything else (a permission refused) goes through at once.
    """

    def __init__(self) -> None:
        self.errors: list[ActionError] = []

    def __enter__(self) -> Refusals:
        return self

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> bool:
        if isinstance(exc, ActionError):
            self.errors.extend(each(exc))
            return True
        return False

    def raise_any(self) -> None:
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise ActionErrors(self.errors)
