"""Errors that actions raise with a message meant for the person who acted."""

from __future__ import annotations

from django.utils.functional import Promise


class ActionError(Exception):
    """Bad input or a rule broken: nothing was changed; `message` says why, in the user's language.

    `field` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str | Promise, field: str | None = None, status: int = 400) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.status = status  # for the API: 400 bad input, 429 over a limit
