"""Reads for insights."""

from __future__ import annotations

from collections.abc import Iterable

from congdong.accounts.queries import AnyUser, access_unit, scope_units
from congdong.accounts.roles import Permission
from congdong.pages.models import PageStatus
from congdong.posts.models import Post, PostState
from congdong.units import queries as unit_queries
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
    """The highest units where `user` may read figures (one per subtree they hold; the root
    of every structure for a superuser), in tree order."""
    return scope_units(user, Permission.VIEW_INSIGHTS)[1]


def breadcrumb(unit: Unit, roots: list[Unit]) -> list[Unit]:
    """The units from the viewer's highest unit above (or at) `unit` (one of `roots`, their
    `insights_roots`) down to its parent: never a unit above that, whose figures they may not
    open."""
    root = next((r for r in roots if unit.is_within(r)), unit)
    return [a for a in unit_queries.ancestors(unit) if a.depth >= root.depth]
