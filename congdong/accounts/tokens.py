"""Bearer tokens for the mobile apps: made by a phone login through the API (congdong.privacy's
`signup.phone_login`, which signs a new number up with its consent), revoked by logout.

A token is `secrets.token_urlsafe(32)`, shown once; only its SHA-256 is stored, so a copy of the
database gives no usable keys. Looking the hash up by a unique index is the comparison: the
key itself is never compared byte by byte, so its timing tells nothing about stored keys.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from congdong.accounts.models import ApiToken, User
from congdong.accounts.queries import AnyUser

# `last_used_at` is a hint for people reviewing their devices, not an audit log: writing it on
# every request would turn each read into a write, so it moves at most this often.
LAST_USED_STEP = datetime.timedelta(minutes=5)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str  # the only time the key exists outside the client


def do_issue_token(user: User, name: str = "") -> IssuedToken:
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], key_hash=hash_key(key), created_at=timezone.now()
    )
    return IssuedToken(token, key)


def do_revoke_token(token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=timezone.now())


def token_for_key(key: str) -> ApiToken | None:
    """The live token with this key and its account (active accounts only); None otherwise."""
    if not key:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_key(key), revoked_at=None, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_STEP:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer <key>`. The account becomes `request.user` (as with a session), so
    actions and helpers that read `request.user` need not know how the caller signed in."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = token_for_key(token.strip())
        if found is None:
            return None  # unknown or revoked: the next method (the session) may still apply
        request.user = found.user
        request.api_token = found  # what logout revokes
        return found.user


api_token = ApiTokenAuth()
# For endpoints the mobile apps and the web's own scripts both call.
TOKEN_OR_SESSION = [api_token, django_auth]


def caller(request: HttpRequest) -> AnyUser:
    """Who is asking on an endpoint that needs no sign-in: the bearer's account if a valid key
    came, else the session's account, else the anonymous user."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, key = header.partition(" ")
    if scheme.lower() == "bearer":
        found = token_for_key(key.strip())
        if found is not None:
            request.user = found.user
            return found.user
    return request.user


def key_owner(key: str) -> int | None:
    """The id of the account whose live token this key is (for the request limits)."""
    token = token_for_key(key)
    return token.user_id if token is not None else None
