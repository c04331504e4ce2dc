"""Reads for insights."""

from __future__ import annotations

from collections.abc import Iterable

from congdong.accounts.queries import AnyUser, access_unit, memberships_of
from congdong.accounts.roles import ROLE_PERMISSIONS, Permission
from congdong.pages.models import PageStatus
from congdong.posts.models import Post, PostState
from congdong.units.models import Unit


def public_feed_items(pairs: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The (page id, post id) pairs that name a published post of that active page, in one
    query; the rest (made up, hidden, a post moved to another page) are left out."""
    wanted = set(pairs)
    if not wanted:
        return []
    found = set(
        Post.objects.filter(
            pk__in={post for _page, post in wanted},
            state=PostState.PUBLISHED,
            page__status=PageStatus.ACTIVE,
        ).values_list("page_id", "pk")
    )
    return sorted(wanted & found)


def access_insights_unit(user: AnyUser, unit_id: int) -> Unit:
    """The unit whose subtree's figures `user` may read (an analyst's or admin's role on it or
    above it); PermissionDenied for any other unit, sibling and parent included."""
    return access_unit(user, unit_id, Permission.VIEW_INSIGHTS)


def insights_roots(user: AnyUser) -> list[Unit]:
    """The highest units where `user` may read figures (one per subtree they hold)."""
    if not user.is_authenticated:
        return []
    if user.is_superuser:
        return list(Unit.objects.standard().filter(depth=1))
    roles = [role for role, perms in ROLE_PERMISSIONS.items() if Permission.VIEW_INSIGHTS in perms]
    units = sorted(
        {m.unit for m in memberships_of(user).filter(role__in=roles)}, key=lambda u: u.path
    )
    roots: list[Unit] = []
    for unit in units:
        if not any(unit.is_within(root) for root in roots):
            roots.append(unit)
    return roots
