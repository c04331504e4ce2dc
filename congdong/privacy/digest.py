"""The daily digest a citizen may consent to. This app records the consent; the digest itself (the
notification settings, the sending) is congdong.engagement's, which stands above this app and
fills this hook in its AppConfig.ready(). Consenting turns the digest on, withdrawing turns it
off, through here, so the register and the setting always match."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from congdong.accounts.models import User
from congdong.accounts.queries import AnyUser


@dataclass(frozen=True)
class DigestSettings:
    """What this app asks of the digest's owner."""

    # The account, the channel (a DigestChoice) and the cleaned email, if they make a digest
    # that can be sent; ActionError (with the field) otherwise. Nothing written.
    check: Callable[[AnyUser, str, str], tuple[User, str, str]]
    # Save the channel and email as the account's digest setting (checked again).
    save: Callable[[AnyUser, str, str], Any]
    # No digest for the account any more, and its address erased (the consent was withdrawn).
    stop: Callable[[int], Any]


_settings: DigestSettings | None = None


def connect(settings: DigestSettings) -> None:
    """Called by the digest's owner in its AppConfig.ready()."""
    global _settings
    _settings = settings


def digest_settings() -> DigestSettings:
    """The digest's owner's functions (connected at start-up)."""
    if _settings is None:
        raise RuntimeError("No app keeps the digest settings (congdong.engagement connects them).")
    return _settings
