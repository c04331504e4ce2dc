"""Reads about personal data and `access_data_request`, the one place deciding who handles a
citizen's request.

Citizens' accounts are national, not a unit's: their requests are handled by the holders of
PROTECT_DATA (data protection officers and unit admins) on a central unit, the root of a unit
tree. The same roles on a province or commune do not see them: they get Http404, so not even
the existence of a request leaks.
"""

from __future__ import annotations

import datetime

from django.http import Http404
from django.utils import timezone

from congdong.accounts.models import Membership
from congdong.accounts.queries import AnyUser, scope
from congdong.accounts.roles import ROLE_PERMISSIONS, Permission
from congdong.core.casework.cases import Cases, register
from congdong.core.casework.cases import history as history
from congdong.privacy.models import (
    OPEN_STATES,
    ConsentRecord,
    DataRequest,
    DataRequestQuerySet,
)

PROTECT_ROLES = [
    role for role, perms in ROLE_PERMISSIONS.items() if Permission.PROTECT_DATA in perms
]


def can_handle_requests(user: AnyUser) -> bool:
    """True for superusers and holders of PROTECT_DATA on a central unit (depth 1)."""
    return scope(user, Permission.PROTECT_DATA).has_root


def to_handle(user: AnyUser) -> DataRequestQuerySet:
    """Every request `user` may see and answer: all of them, or none."""
    items = DataRequest.objects.standard()
    return items if can_handle_requests(user) else items.none()


def access_data_request(user: AnyUser, request_id: int) -> DataRequest:
    """The request, if `user` handles personal data requests (PROTECT_DATA on a central
    unit); Http404 otherwise."""
    if not can_handle_requests(user):
        raise Http404
    item = DataRequest.objects.standard().filter(pk=request_id).first()
    if item is None:
        raise Http404
    return item


def access_own_request(user: AnyUser, request_id: int) -> DataRequest:
    """The citizen's own request; Http404 for anyone else's."""
    if not user.is_authenticated:
        raise Http404
    item = DataRequest.objects.standard().filter(pk=request_id, citizen=user).first()
    if item is None:
        raise Http404
    return item


def consents_of(user: AnyUser) -> list[ConsentRecord]:
    if not user.is_authenticated:
        return []
    return list(ConsentRecord.objects.filter(user=user).order_by("-given_at", "-pk"))


def requests_of(user: AnyUser) -> DataRequestQuerySet:
    if not user.is_authenticated:
        return DataRequest.objects.none()
    return DataRequest.objects.standard().filter(citizen=user).order_by("-received_at", "-pk")


def overdue(now: datetime.datetime | None = None) -> DataRequestQuerySet:
    """Requests still open after their deadline at `now`."""
    now = now or timezone.now()
    return DataRequest.objects.standard().filter(state__in=OPEN_STATES, due_at__lt=now)


def central_officers() -> list[int]:
    """Ids of the active holders of PROTECT_DATA on a central unit: who the alarm goes to."""
    return sorted(
        set(
            Membership.objects.filter(
                unit__depth=1, role__in=PROTECT_ROLES, user__is_active=True
            ).values_list("user_id", flat=True)
        )
    )


# The officers' staff screens and workspace count (core.casework).
CASES = register(
    Cases(
        "privacy",
        may_handle=can_handle_requests,
        to_handle=to_handle,
        access=access_data_request,
        overdue=overdue,
        open_states=OPEN_STATES,
        detail_route="staff-detail",
    )
)
