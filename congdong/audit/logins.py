"""Staff sign-ins, failed sign-ins and sign-outs, from Django's auth signals.

Citizens' sign-ins (a code by SMS) are not staff actions and are not logged here. A failed
sign-in names the account tried; it is filed under that account's unit when it exists, and
otherwise under no unit (seen by those who read the log of a whole tree, see queries).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from congdong.accounts.models import User
from congdong.audit.models import Action, Outcome, Via
from congdong.audit.record import record
from congdong.core.web import client_ip


def _where(request: HttpRequest | None) -> dict[str, Any]:
    if request is None:
        return {}
    return {
        "ip": client_ip(request),
        "method": request.method or "",
        "path": request.path,
        "via": Via.API if request.path.startswith("/api/") else Via.WEB,
    }


@receiver(user_logged_in, dispatch_uid="audit-login")
def _logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if not user.is_citizen:
        record(action=Action.LOGIN, actor=user, **_where(request))


@receiver(user_logged_out, dispatch_uid="audit-logout")
def _logged_out(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None and not user.is_citizen:
        record(action=Action.LOGOUT, actor=user, **_where(request))


@receiver(user_login_failed, dispatch_uid="audit-login-failed")
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username") or "")[:150]
    account = User.objects.filter(username=username).first() if username else None
    if account is not None and account.is_citizen:
        return
    record(
        action=Action.LOGIN_FAILED,
        actor=account,
        actor_name=username,
        outcome=Outcome.REFUSED,
        **_where(request),
    )
