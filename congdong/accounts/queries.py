"""Reads about accounts and the `access_*` helpers: the one place permissions are decided.

Each helper takes the acting user and returns the object they may act on, or raises
`PermissionDenied` with a message for them (or `Http404` when the object does not exist).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from congdong.accounts.models import Membership, MembershipQuerySet, User
from congdong.accounts.roles import ROLE_PERMISSIONS, Permission, Role
from congdong.units.models import Unit, UnitQuerySet

AnyUser = User | AnonymousUser
QS = TypeVar("QS", bound=QuerySet)


@dataclass(frozen=True)
class Scope:
    """Where a person holds a permission: the tree paths of the units at the top of their
    subtrees (minimal: no path lies under another), or everywhere (a superuser). A role on a
    unit covers its whole subtree, never a sibling or a parent. Built by `scope()`; lists of
    staff work are narrowed by `within()`."""

    paths: tuple[str, ...] = ()
    everywhere: bool = False

    @classmethod
    def of(cls, paths: Iterable[str]) -> Scope:
        """The scope of the subtrees at `paths`, a path under another one dropped."""
        tops: list[str] = []
        for path in sorted(set(paths)):
            if not any(path.startswith(top) for top in tops):
                tops.append(path)
        return cls(tuple(tops))

    def __bool__(self) -> bool:
        return self.everywhere or bool(self.paths)

    def covers(self, unit: Unit | str) -> bool:
        """`unit` (or a tree path) is in the scope: on or below one of its tops."""
        path = unit if isinstance(unit, str) else unit.path
        return self.everywhere or any(path.startswith(top) for top in self.paths)

    def meets(self, unit: Unit) -> bool:
        """`unit` is in the scope or above a part of it (the way down to the scope)."""
        return self.covers(unit) or any(top.startswith(unit.path) for top in self.paths)

    def inside(self, unit: Unit) -> Scope:
        """The part of the scope within `unit`'s subtree: all of it when the scope covers the
        unit, else the tops below it (nowhere for a sibling branch)."""
        if self.covers(unit):
            return Scope((unit.path,))
        return Scope(tuple(top for top in self.paths if top.startswith(unit.path)))

    @property
    def has_root(self) -> bool:
        """The scope holds the top of a tree (a central unit), or everything."""
        return self.everywhere or any(len(top) == Unit.steplen for top in self.paths)

    def q(self, field: str = "unit", *, path: str | None = None) -> Q:
        """The scope as a filter on the unit at `field` ("" for a Unit query set itself), or
        on a tree-path column `path` kept on the row: one OR of prefixes; Q() for everywhere,
        a filter matching nothing for an empty scope."""
        if self.everywhere:
            return Q()
        if path:
            lookup = f"{path}__startswith"
        else:
            lookup = f"{field}__path__startswith" if field else "path__startswith"
        where = Q(pk__in=[])
        for top in self.paths:
            where |= Q(**{lookup: top})
        return where


NOWHERE = Scope()
EVERYWHERE = Scope(everywhere=True)


def _holding_roles(permissions: Iterable[Permission]) -> list[Role]:
    wanted = set(permissions)
    return [role for role, perms in ROLE_PERMISSIONS.items() if perms & wanted]


def scope(user: AnyUser, permission: Permission, *more: Permission) -> Scope:
    """Where `user` holds `permission` (or any of `more`): everywhere for a superuser, the tops
    of the subtrees of their roles that grant it for staff, nowhere for anyone else. One query
    for staff, none otherwise."""
    if not user.is_authenticated or user.is_citizen:
        return NOWHERE  # a citizen never holds a role: only staff accounts are granted one
    if user.is_superuser:
        return EVERYWHERE
    roles = _holding_roles((permission, *more))
    paths = Membership.objects.filter(user=user, role__in=roles).values_list(
        "unit__path", flat=True
    )
    return Scope.of(paths)


def scopes(user: AnyUser, permissions: Iterable[Permission]) -> dict[Permission, Scope]:
    """`scope()` for each of `permissions`, from one query."""
    wanted = list(permissions)
    if not user.is_authenticated or user.is_citizen:
        return dict.fromkeys(wanted, NOWHERE)
    if user.is_superuser:
        return dict.fromkeys(wanted, EVERYWHERE)
    rows = list(
        Membership.objects.filter(user=user, role__in=_holding_roles(wanted)).values_list(
            "unit__path", "role"
        )
    )
    return {
        p: Scope.of(path for path, role in rows if p in ROLE_PERMISSIONS[Role(role)])
        for p in wanted
    }


def scope_units(
    user: AnyUser, permission: Permission, *more: Permission
) -> tuple[Scope, list[Unit]]:
    """`scope()` and the units at its tops, in tree order, from one query (the roots of every
    structure for a superuser)."""
    if not user.is_authenticated or user.is_citizen:
        return NOWHERE, []
    if user.is_superuser:
        return EVERYWHERE, list(Unit.objects.standard().filter(depth=1).order_by("path"))
    held = Unit.objects.standard().filter(
        memberships__user=user, memberships__role__in=_holding_roles((permission, *more))
    )
    units = {unit.path: unit for unit in held}
    found = Scope.of(units)
    return found, [units[path] for path in found.paths]


def within(
    queryset: QS,
    where: Scope,
    field: str = "unit",
    *,
    path: str | None = None,
    strictly: bool = False,
) -> QS:
    """`queryset` narrowed to the rows whose unit at `field` ("" for a Unit query set itself)
    or tree-path column `path` is in `where`: all of it for everywhere, none() for an empty
    scope. `strictly` (on a unit `field`): below the tops, not on them (below the roots, for
    everywhere)."""
    if not where:
        return queryset.none()
    if not where.everywhere:
        queryset = queryset.filter(where.q(field, path=path))
    if strictly:
        unit = f"{field}__" if field else ""
        if where.everywhere:
            return queryset.exclude(**{f"{unit}depth": 1})
        return queryset.exclude(**{f"{unit}path__in": where.paths})
    return queryset


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
    return scope(user, Permission.VIEW_UNIT).covers(unit)  # every role sees its units


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
