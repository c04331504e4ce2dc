"""Reads about accounts and the `access_*` helpers: the one place permissions are decided.

Each helper takes the acting user and returns the object they may act on, or raises
`PermissionDenied` with a message for them (or `Http404` when the object does not exist).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from congdong.accounts.models import Membership, MembershipQuerySet, User
from congdong.accounts.roles import ROLE_PERMISSIONS, Permission, Role
from congdong.units.models import Unit, UnitQuerySet

AnyUser = User | AnonymousUser


def top_paths(user: AnyUser, roles: Iterable[Role]) -> list[str]:
    """Tree paths of the units at the top of the subtrees where `user` holds one of `roles`
    (a role on a unit below one already listed adds nothing)."""
    if not user.is_authenticated:
        return []
    paths = sorted(
        Membership.objects.filter(user=user, role__in=list(roles)).values_list(
            "unit__path", flat=True
        )
    )
    tops: list[str] = []
    for path in paths:
        if not any(path.startswith(top) for top in tops):
            tops.append(path)
    return tops


def memberships_of(user: AnyUser) -> MembershipQuerySet:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.standard().filter(user=user).order_by("unit__path", "role")


def roles_on(user: AnyUser, unit: Unit) -> set[Role]:
    """Roles `user` holds on `unit`, through a membership on it or on any unit above it."""
    if not user.is_authenticated:
        return set()
    paths = Membership.objects.filter(user=user).values_list("unit__path", "role")
    return {Role(role) for path, role in paths if unit.path.startswith(path)}


def permissions_on(user: AnyUser, unit: Unit) -> set[Permission]:
    if user.is_authenticated and user.is_superuser:
        return set(Permission)
    perms: set[Permission] = set()
    for role in roles_on(user, unit):
        perms |= ROLE_PERMISSIONS[role]
    return perms


def can(user: AnyUser, unit: Unit, permission: Permission) -> bool:
    return permission in permissions_on(user, unit)


def in_scope(user: AnyUser, unit: Unit) -> bool:
    """`unit` is in one of `user`'s subtrees: they hold some role on it or on a unit above it.

    Outside their scope an object does not exist for a person: every `access_*` helper answers
    Http404 there, with no detail (not its title, page or category), and keeps
    PermissionDenied (with a reason) for someone who sees the object but lacks the right.
    """
    if not user.is_authenticated:
        return False
    return user.is_superuser or bool(roles_on(user, unit))


def require_scope(user: AnyUser, unit: Unit) -> None:
    """Http404 unless `unit` is in `user`'s scope (see `in_scope`)."""
    if not in_scope(user, unit):
        raise Http404


def _unit_or_404(unit_id: int) -> Unit:
    unit = Unit.objects.standard().filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    return unit


def access_unit(user: AnyUser, unit_id: int, permission: Permission) -> Unit:
    """The unit, if `user` holds `permission` on it; Http404 outside their scope,
    PermissionDenied (with the reason) inside it."""
    unit = _unit_or_404(unit_id)
    require_scope(user, unit)
    require_permission(user, unit, permission)
    return unit


def require_permission(user: AnyUser, unit: Unit, permission: Permission) -> None:
    """PermissionDenied, naming the right and the unit, unless `user` holds `permission` on
    `unit`. For an object `user` already sees (its access_* helper checked the scope)."""
    if not can(user, unit, permission):
        raise PermissionDenied(
            _("You have no right to %(action)s at %(unit)s.")
            % {"action": Permission(permission).label, "unit": unit.full_name}
        )


def access_membership(user: AnyUser, membership_id: int) -> Membership:
    """A membership the user may revoke: they manage members on its unit."""
    membership = Membership.objects.standard().filter(pk=membership_id).first()
    if membership is None:
        raise Http404
    access_unit(user, membership.unit_id, Permission.MANAGE_MEMBERS)
    return membership


def workspace_units(user: AnyUser) -> UnitQuerySet:
    """The units at the top of the user's subtrees (where their memberships are)."""
    if not user.is_authenticated:
        return Unit.objects.none()
    return Unit.objects.standard().filter(memberships__user=user).distinct().order_by("path")


def subtree_search(user: AnyUser, root: Unit, text: str, limit: int = 20) -> list[Unit]:
    """Units under `root` matching `text`, for staff choosing where to act."""
    require_scope(user, root)
    return list(Unit.objects.standard().in_subtree(root).search(text).order_by("path")[:limit])


def members_of(unit: Unit) -> MembershipQuerySet:
    """Memberships held on this unit and on units above it (they also act here)."""
    steps = [unit.path[: i * Unit.steplen] for i in range(1, unit.depth + 1)]
    return (
        Membership.objects.standard()
        .filter(unit__path__in=steps)
        .order_by("unit__depth", "user__username", "role")
    )


def nearest_holders(
    unit: Unit, roles: Iterable[Role], above: bool = False
) -> tuple[int | None, list[int]]:
    """The nearest unit on the way up from `unit` (itself first, or its parent first with
    `above`) where active people hold one of `roles`, and their ids: (None, []) if nobody does
    up to the top. Never a sibling's people: their role covers another subtree."""
    last = unit.depth if above else unit.depth + 1
    steps = [unit.path[: i * Unit.steplen] for i in range(1, last)]
    rows = list(
        Membership.objects.filter(unit__path__in=steps, role__in=list(roles), user__is_active=True)
        .order_by("-unit__depth", "user_id")
        .values_list("unit_id", "unit__depth", "user_id")
    )
    if not rows:
        return None, []
    nearest_id, depth = rows[0][0], rows[0][1]
    return nearest_id, sorted({user_id for _unit, d, user_id in rows if d == depth})
