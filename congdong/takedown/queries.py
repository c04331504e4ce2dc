"""Reads of takedown requests and `access_takedown`, the one place deciding who sees one.

A request concerns the page of a unit: those who moderate it or run it (MODERATE or
MANAGE_PAGE on the unit or a unit above it: moderators and unit admins) record and decide it.
Everyone else gets Http404, so not even the existence of a request leaks to another unit.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone

from congdong.accounts.models import Membership
from congdong.accounts.queries import AnyUser, Scope, can, nearest_holders, scope, within
from congdong.accounts.roles import ROLE_PERMISSIONS, Permission, Role
from congdong.core.casework.cases import Cases, register
from congdong.core.casework.cases import history as history
from congdong.engagement.models import Comment
from congdong.pages.models import Page, PageOperator
from congdong.posts.models import Post
from congdong.takedown.models import (
    OPEN_STATES,
    TakedownQuerySet,
    TakedownRequest,
    TakedownState,
    TargetKind,
)
from congdong.units.models import Unit

S = TakedownState
HANDLING_PERMISSIONS = (Permission.MODERATE, Permission.MANAGE_PAGE)
HANDLING_ROLES = [
    role
    for role, perms in ROLE_PERMISSIONS.items()
    if any(p in perms for p in HANDLING_PERMISSIONS)
]


def can_handle(user: AnyUser, unit: Unit) -> bool:
    return any(can(user, unit, p) for p in HANDLING_PERMISSIONS)


def handling_scope(user: AnyUser) -> Scope:
    """Where `user` handles requests (everywhere for a superuser)."""
    return scope(user, *HANDLING_PERMISSIONS)


def may_handle_any(user: AnyUser) -> bool:
    return bool(handling_scope(user))


def to_handle(user: AnyUser) -> TakedownQuerySet:
    """Every request `user` may see and decide: about content of a unit in their subtrees."""
    return within(TakedownRequest.objects.standard(), handling_scope(user))


def access_takedown(user: AnyUser, request_id: int) -> TakedownRequest:
    """The request, if `user` moderates or runs the page of its unit (on it or above)."""
    item = TakedownRequest.objects.standard().filter(pk=request_id).first()
    if item is None or not can_handle(user, item.unit):
        raise Http404
    return item


@dataclass(frozen=True)
class Target:
    """The content a request is about, as found now."""

    kind: TargetKind
    obj: Post | Comment
    page: Page
    text: str
    url: str


def find_target(kind: str, target_id: int) -> Target | None:
    """The post or comment, with its page and its text; None if there is no such content."""
    if kind == TargetKind.POST:
        post = Post.objects.select_related("page", "page__unit").filter(pk=target_id).first()
        if post is None:
            return None
        url = f"/trang/{post.page.slug}/tin/{post.pk}/"
        return Target(TargetKind.POST, post, post.page, f"{post.title}\n\n{post.body}", url)
    if kind == TargetKind.COMMENT:
        comment = Comment.objects.standard().filter(pk=target_id).first()
        if comment is None:
            return None
        page = comment.post.page
        url = f"/trang/{page.slug}/tin/{comment.post_id}/#c{comment.pk}"
        return Target(TargetKind.COMMENT, comment, page, comment.body, url)
    return None


def overdue(now: datetime.datetime | None = None) -> TakedownQuerySet:
    """Requests still waiting for a decision after their deadline at `now`."""
    now = now or timezone.now()
    return TakedownRequest.objects.standard().filter(state=S.RECEIVED, due_at__lt=now)


# The register's staff screens and workspace count (core.casework).
CASES = register(
    Cases(
        "takedown",
        may_handle=may_handle_any,
        to_handle=to_handle,
        access=access_takedown,
        overdue=overdue,
        open_states=OPEN_STATES,
    )
)


def handlers_above(unit: Unit) -> list[int]:
    """Ids of the active moderators and admins placed on the nearest unit above `unit` that has
    any (the parent, or higher if the parent has nobody); [] at the top."""
    return nearest_holders(unit, HANDLING_ROLES, above=True)[1]


def handlers_at(unit: Unit) -> list[int]:
    """Ids of the active moderators and admins whose queue a request about content of `unit`
    lands in: those placed on `unit`, or, if it has nobody, on the nearest unit above that has
    someone. Never a sibling's."""
    return nearest_holders(unit, HANDLING_ROLES)[1]


def central_admins(unit: Unit) -> list[int]:
    """Ids of the active unit admins of the top of `unit`'s tree (the central unit)."""
    return sorted(
        set(
            Membership.objects.filter(
                unit__path=unit.path[: Unit.steplen],
                role=Role.UNIT_ADMIN,
                user__is_active=True,
            ).values_list("user_id", flat=True)
        )
    )


# Who runs a page day to day: told when a takedown request removed content from it.
PAGE_STAFF_ROLES = (Role.UNIT_ADMIN, Role.EDITOR)


def page_staff(unit: Unit) -> list[int]:
    """Ids of the active admins and editors placed on `unit` itself and of the operators of
    its page (not those of the units above: they see the request in their list)."""
    members = Membership.objects.filter(
        unit=unit, role__in=PAGE_STAFF_ROLES, user__is_active=True
    ).values_list("user_id", flat=True)
    operators = PageOperator.objects.filter(page__unit=unit, user__is_active=True).values_list(
        "user_id", flat=True
    )
    return sorted(set(members) | set(operators))
