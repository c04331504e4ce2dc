"""The second step of a staff sign-in. After the right password an account with two-step
sign-in is not logged in: the session only remembers who is half-way (for five minutes), and
`login()` — which gives the session a new key — happens once the code is right."""

from __future__ import annotations

import time
from typing import Any

from django.http import HttpRequest

from congdong.accounts.models import User
from congdong.twofactor.queries import is_enrolled

PENDING = "twofactor_pending"
PENDING_SECONDS = 300


def needs_code(user: User) -> bool:
    return not user.is_citizen and is_enrolled(user)


def begin(request: HttpRequest, user: User, backend: str, next_url: str) -> None:
    # A new key already now: whoever knew the session key before the password cannot enter
    # the code on this session's behalf.
    request.session.cycle_key()
    request.session[PENDING] = {
        "user": user.pk,
        "backend": backend,
        "next": next_url,
        "until": time.time() + PENDING_SECONDS,
    }


def pending(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    """The account waiting for its code, or None (none, expired, or no longer active)."""
    state = request.session.get(PENDING)
    if not isinstance(state, dict) or state.get("until", 0) < time.time():
        return None
    user = User.objects.filter(pk=state.get("user"), is_active=True).first()
    return (user, state) if user is not None else None


def finish(request: HttpRequest) -> None:
    request.session.pop(PENDING, None)
