"""Reads of posts, who approves them, and the `access_post_*` helpers for staff acting on one."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from congdong.accounts.queries import AnyUser, can
from congdong.accounts.roles import Permission
from congdong.pages.queries import can_operate
from congdong.posts.models import ApprovalLevel, Post, PostTransition, Regulation
from congdong.units.models import Unit


def regulation_in_force() -> Regulation | None:
    return Regulation.objects.in_force()


def _post_or_404(post_id: int) -> Post:
    post = Post.objects.standard().filter(pk=post_id).first()
    if post is None:
        raise Http404
    return post


def approving_unit(post: Post) -> Unit:
    """The unit whose approvers (or any approver above it) decide on `post`.

    The regulation names a level relative to the posting unit; when the posting unit is itself
    at or above that level (a province posting a "province" category, the central unit posting
    a "unit above" one) its own approvers decide.
    """
    unit = post.page.unit
    level = post.category.approval_level_for(unit.level)
    depth = {
        ApprovalLevel.SAME_UNIT: unit.depth,
        ApprovalLevel.UNIT_ABOVE: unit.depth - 1,
        ApprovalLevel.PROVINCE: 2,  # the root is the central unit, provinces are below it
        ApprovalLevel.CENTRAL: 1,
    }[level]
    depth = max(1, min(depth, unit.depth))
    if depth == unit.depth:
        return unit
    if depth == unit.depth - 1 and unit.parent is not None:
        return unit.parent  # already joined by Post.objects.standard()
    return Unit.objects.standard().get(path=unit.path[: depth * Unit.steplen])


def access_post_to_write(user: AnyUser, post_id: int) -> Post:
    """The post, if `user` operates its page (editors of the unit or above, co-admins)."""
    post = _post_or_404(post_id)
    if not can_operate(user, post.page):
        raise PermissionDenied(
            _("You are not an operator of the page %(page)s.") % {"page": post.page.name}
        )
    return post


def access_post_to_approve(user: AnyUser, post_id: int) -> Post:
    """The post, if `user` may approve or reject it: they hold APPROVE_POSTS on the unit the
    regulation names for its category and level (or above it), and did not write it."""
    post = _post_or_404(post_id)
    if user.is_authenticated and post.author_id == user.pk:
        raise PermissionDenied(_("You cannot approve or reject a post you wrote."))
    unit = approving_unit(post)
    if not can(user, unit, Permission.APPROVE_POSTS):
        raise PermissionDenied(
            _(
                "Posts in “%(category)s” from %(unit)s are approved by approvers of "
                "%(approver)s or above."
            )
            % {
                "category": post.category.name,
                "unit": post.page.unit.full_name,
                "approver": unit.full_name,
            }
        )
    return post


def history_of(post: Post) -> list[PostTransition]:
    """The post's moves, oldest first, with who made them."""
    return list(post.transitions.select_related("actor").order_by("at", "pk"))
