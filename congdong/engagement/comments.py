"""Reads of comments: a post's thread as one person may see it, the operators' queue of held
comments, and the `access_*` helpers for acting on one comment."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Exists
from django.http import Http404
from django.utils.translation import gettext as _

from congdong.accounts.queries import AnyUser, can
from congdong.accounts.roles import Permission
from congdong.engagement.models import Comment, CommentState
from congdong.pages.models import PageOperator
from congdong.pages.queries import can_operate, require_page_scope
from congdong.posts.models import Post
from congdong.posts.queries import operable_pages

S = CommentState


@dataclass
class Thread:
    """What one person sees of a post's comments.

    `comments` are the top-level comments, each with `.shown_replies` (a list) and
    `.placeholder` (True when only its replies are shown: it was deleted or hidden).
    """

    comments: list[Comment] = field(default_factory=list)
    count: int = 0  # visible comments and replies, what everyone sees
    operator: bool = False  # the reader operates the post's page


def _may_see(comment: Comment, user: AnyUser, operator: bool) -> bool:
    if comment.state == S.VISIBLE:
        return True
    if comment.state == S.DELETED:
        return False
    # Held and hidden comments: the page's operators review them; their author sees them marked.
    return operator or (user.is_authenticated and comment.author_id == user.pk)


def read_thread(post: Post, user: AnyUser) -> Thread:
    """The post's comments as `user` may see them, in at most 2 queries (1 for citizens and
    visitors): visible ones; the reader's own held or hidden ones; for operators of the page
    every held and hidden one, marked. A deleted or hidden top comment with visible replies
    stays as a placeholder so the replies keep their context."""
    rows = Comment.objects.filter(post=post).select_related("author").order_by("created_at", "pk")
    operator = False
    # Page co-admins are staff accounts, so citizens and visitors cost no query here.
    if user.is_authenticated and not user.is_citizen:
        # The rule of `can_operate`, split so that its second half (a page-only grant) rides
        # on the thread's own query: the post page has a budget of queries.
        operator = can(user, post.page.unit, Permission.EDIT_POSTS)
        if not operator:
            rows = rows.annotate(
                reader_operates=Exists(
                    PageOperator.objects.filter(page_id=post.page_id, user_id=user.pk)
                )
            )
    rows = list(rows)
    if rows and not operator:
        operator = bool(getattr(rows[0], "reader_operates", False))
    tops: dict[int, Comment] = {}
    replies: list[Comment] = []
    count = 0
    for comment in rows:
        comment.post = post  # already read: the page's name for answers costs nothing
        count += comment.state == S.VISIBLE
        if comment.parent_id is None:
            comment.shown_replies = []
            tops[comment.pk] = comment
        else:
            replies.append(comment)
    for reply in replies:
        top = tops.get(reply.parent_id)
        if top is not None and _may_see(reply, user, operator):
            top.shown_replies.append(reply)
    shown = []
    for top in tops.values():
        top.placeholder = not _may_see(top, user, operator)
        if not top.placeholder or top.shown_replies:
            shown.append(top)
    return Thread(shown, count, operator)


def thread(post: Post, user: AnyUser) -> list[Comment]:
    """Top-level comments of `post` that `user` may see, each with `.shown_replies`."""
    return read_thread(post, user).comments


def held_for(user: AnyUser, limit: int = 200) -> list[Comment]:
    """Held comments, oldest first, on the pages `user` operates (the rule of `can_operate`)."""
    if not user.is_authenticated:
        return []
    pages = operable_pages(user).values("pk")
    return list(
        Comment.objects.standard()
        .filter(state=S.HELD, post__page__in=pages)
        .select_related("parent", "parent__author")
        .order_by("created_at", "pk")[:limit]
    )


def _comment_or_404(comment_id: int) -> Comment:
    comment = Comment.objects.standard().select_related("parent").filter(pk=comment_id).first()
    if comment is None:
        raise Http404
    return comment


def access_comment_to_operate(user: AnyUser, comment_id: int) -> Comment:
    """The comment, if `user` operates the page of its post; else PermissionDenied."""
    comment = _comment_or_404(comment_id)
    require_page_scope(user, comment.post.page)
    if not can_operate(user, comment.post.page):
        raise PermissionDenied(
            _("You are not an operator of the page %(page)s.") % {"page": comment.post.page.name}
        )
    return comment


def access_own_comment(user: AnyUser, comment_id: int) -> Comment:
    """The comment, if `user` wrote it; else PermissionDenied."""
    comment = _comment_or_404(comment_id)
    if not user.is_authenticated or comment.author_id != user.pk:
        raise PermissionDenied(_("Only its author can change a comment."))
    return comment


def access_comment(comment_id: int) -> Comment:
    """Any comment, for a reply: whether it may be answered is the action's to decide."""
    return _comment_or_404(comment_id)
