"""What deleting a citizen's account asks of the other apps. This app decides (the checks, the
register, the consents, docs/privacy.md); each app that holds the citizen's rows erases its own,
and an app may refuse the deletion (moderation: a locked account). The apps stand above this one
and register here in their AppConfig.ready(): this app imports none of them.

Erasers run in the order registered (the apps' order in INSTALLED_APPS), inside the deletion's
transaction, before the account itself is de-identified (congdong.accounts)."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from congdong.accounts.models import User

# (citizen, now) -> None; a check raises ActionError (or PermissionDenied) to refuse.
Step = Callable[[User, datetime.datetime], None]

_erasers: dict[str, Step] = {}
_checks: dict[str, Step] = {}


def register_eraser(name: str, erase: Step) -> None:
    """`erase(citizen, now)` erases the app `name`'s rows of a citizen deleting their account,
    keeping what the law requires; in the caller's transaction. Registering a name again
    replaces its eraser in place."""
    _erasers[name] = erase


def register_check(name: str, check: Step) -> None:
    """`check(citizen, now)` refuses the deletion (raises) when the app `name` must keep the
    account as it is; it changes nothing."""
    _checks[name] = check


def check(citizen: User, now: datetime.datetime) -> None:
    for refuse in _checks.values():
        refuse(citizen, now)


def erase(citizen: User, now: datetime.datetime) -> None:
    for erase_rows in _erasers.values():
        erase_rows(citizen, now)


def erasers() -> list[str]:
    """The names of the registered erasers, in the order they run."""
    return list(_erasers)
