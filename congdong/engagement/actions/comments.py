"""Comments on published posts: write, reply (one level), answer as the page, edit, delete,
and the operators' show and hide. Every state move follows `COMMENT_STATES` and is recorded as a
`CommentTransition` row; moves are conditional UPDATEs, so a double submit or a race between
two operators changes nothing twice."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congdong import events
from congdong.accounts.models import User
from congdong.accounts.queries import AnyUser
from congdong.core import public_cache
from congdong.core.errors import ActionError
from congdong.core.text import line, plain
from congdong.core.workflow import move as workflow
from congdong.core.workflow.move import record_start
from congdong.engagement.actions.eligibility import check_can_engage, limit
from congdong.engagement.comments import (
    access_comment,
    access_comment_to_operate,
    access_own_comment,
)
from congdong.engagement.models import COMMENT_STATES, Comment, CommentState
from congdong.engagement.queries import access_public_post
from congdong.events import EventKind
from congdong.pages.models import CommentPolicy
from congdong.posts.models import Post

S = CommentState
MAX_BODY = Comment._meta.get_field("body").max_length  # 2,000 characters
MAX_REASON = 500  # characters of a reason to hide
# The same text by the same person on the same post within this many seconds is a double
# submit (a double click, a resent form): the first comment is returned, nothing is written.
DOUBLE_SUBMIT_SECONDS = 10


def clean_body(text: str | None) -> str:
    """Plain text as stored: control characters removed (but line breaks), ends trimmed.

    It is never parsed as HTML: templates escape it on output."""
    text = plain(text)
    if not text:
        raise ActionError(_("Write something first: the comment is empty."), field="body")
    if len(text) > MAX_BODY:
        raise ActionError(
            _("A comment has at most %(max)d characters; this one has %(n)d.")
            % {"max": MAX_BODY, "n": len(text)},
            field="body",
        )
    return text


def _notify_reply_after_commit(reply: Comment) -> None:
    """Tell the author of the comment answered, once the reply is visible (a held reply is
    told when an operator shows it) and unless they answered themselves."""
    parent = reply.parent
    if parent is None or reply.state != S.VISIBLE or parent.author_id == reply.author_id:
        return
    reply_id = reply.pk

    def notify() -> None:
        from congdong.engagement.actions.notifications import notify_reply

        notify_reply(reply_id)

    transaction.on_commit(notify)


def _refresh_public_copies(comment: Comment) -> None:
    """Anonymous visitors get cached copies of the post page: after a change they can see, the
    next one is built afresh (a held comment changes nothing they see)."""
    page_id = comment.post.page_id
    public_cache.page_changed(page_id)


# --- writing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewComment:
    author: User
    post: Post
    body: str
    state: CommentState
    parent: Comment | None = None
    as_page: bool = False


def _open_for_comments(post: Post) -> None:
    if post.page.comment_policy == CommentPolicy.CLOSED:
        raise ActionError(_("This page does not take comments."), field="body")


def _top(comment: Comment, post: Post) -> Comment:
    """The comment a reply attaches to: replies have one level, so a reply to a reply goes
    under the comment it answers."""
    if comment.post_id != post.pk:
        raise ActionError(_("That comment is on another post."))
    top = comment.parent or comment
    if top.state != S.VISIBLE:
        raise ActionError(_("This comment cannot be answered now."), field="body")
    return top


def _initial_state(post: Post) -> CommentState:
    return S.HELD if post.page.comment_policy == CommentPolicy.REVIEW else S.VISIBLE


def check_comment(actor: AnyUser, post_id: int, body: str) -> NewComment:
    """A verified, active citizen comments on a published post of a page that takes comments."""
    user = check_can_engage(actor)
    post = access_public_post(post_id)
    _open_for_comments(post)
    return NewComment(user, post, clean_body(body), _initial_state(post))


def check_reply(actor: AnyUser, comment_id: int, body: str) -> NewComment:
    """A verified, active citizen answers a visible comment (or the comment a reply is under)."""
    user = check_can_engage(actor)
    parent = access_comment(comment_id)
    post = access_public_post(parent.post_id)
    _open_for_comments(post)
    top = _top(parent, post)
    return NewComment(user, post, clean_body(body), _initial_state(post), parent=top)


def check_answer(actor: AnyUser, comment_id: int, body: str) -> NewComment:
    """An operator of the page answers a visible comment in the page's name.

    The answer is visible at once, and allowed on a page closed to comments: it answers what
    was asked before comments closed. An operator acts for the page, so their own phone needs
    no verification, but a locked account cannot answer."""
    parent = access_comment_to_operate(actor, comment_id)
    if not actor.is_active:
        raise PermissionDenied(_("Your account is locked; it cannot do this."))
    post = access_public_post(parent.post_id)
    top = _top(parent, post)
    return NewComment(actor, post, clean_body(body), S.VISIBLE, parent=top, as_page=True)


def _written(new: NewComment) -> dict[str, Any]:
    """What the comment row takes from `new`, and what makes a second one its double."""
    return {
        "author": new.author,
        "post": new.post,
        "parent": new.parent,
        "as_page": new.as_page,
        "body": new.body,
    }


def _same_recent(new: NewComment, since: datetime.datetime) -> Comment | None:
    return (
        Comment.objects.filter(**_written(new), created_at__gte=since)
        .exclude(state=S.DELETED)
        .order_by("pk")
        .first()
    )


def do_comment(new: NewComment) -> Comment:
    """Write the comment (the first one again for a double submit), record its first state,
    the event, and after commit the reply notification."""
    now = timezone.now()
    since = now - datetime.timedelta(seconds=DOUBLE_SUBMIT_SECONDS)
    first = _same_recent(new, since)
    if first is not None:
        return first
    limit(new.author, "comment", _("comments"))
    # Two requests of the same double submit in flight at once both miss the lookup above:
    # the cache key (an atomic add, shared by all processes) lets only one of them write.
    digest = hashlib.sha256(new.body.encode()).hexdigest()[:24]
    key = f"comment-once:{new.author.pk}:{new.post.pk}:{new.parent and new.parent.pk}:{digest}"
    if not cache.add(key, 1, timeout=DOUBLE_SUBMIT_SECONDS):
        first = _same_recent(new, since)
        if first is not None:
            return first
        raise ActionError(_("This comment is already being sent."), field="body")
    try:
        with transaction.atomic():
            comment = Comment.objects.create(**_written(new), state=new.state, created_at=now)
            record_start(comment, by=new.author, at=now)
            _notify_reply_after_commit(comment)
            if comment.state == S.VISIBLE:
                _refresh_public_copies(comment)
    except Exception:
        cache.delete(key)  # nothing was written: sending it again must work
        raise
    events.record(
        None,
        EventKind.COMMENT,
        page_id=new.post.page_id,
        post_id=new.post.pk,
        user_id=new.author.pk,
    )
    return comment


def comment(actor: AnyUser, post_id: int, body: str) -> Comment:
    return do_comment(check_comment(actor, post_id, body))


def reply(actor: AnyUser, comment_id: int, body: str) -> Comment:
    return do_comment(check_reply(actor, comment_id, body))


def answer(actor: AnyUser, comment_id: int, body: str) -> Comment:
    return do_comment(check_answer(actor, comment_id, body))


# --- editing ----------------------------------------------------------------------------------


def _check_author(actor: AnyUser, comment_id: int) -> Comment:
    comment = access_own_comment(actor, comment_id)
    if comment.as_page:
        # The page's answer: its operator, still active (their phone need not be verified).
        if not actor.is_active:
            raise PermissionDenied(_("Your account is locked; it cannot do this."))
    else:
        check_can_engage(actor)
    return comment


def check_edit(actor: AnyUser, comment_id: int, body: str) -> tuple[Comment, str]:
    """The author edits a comment that is visible or waiting for review; the text is checked
    as a new comment's is. It keeps its state (a visible comment stays visible)."""
    comment = _check_author(actor, comment_id)
    if comment.state not in (S.VISIBLE, S.HELD):
        raise ActionError(
            _("A comment that is %(state)s cannot be edited.")
            % {"state": CommentState(comment.state).label},
            field="body",
        )
    return comment, clean_body(body)


def do_edit(comment: Comment, body: str) -> Comment:
    if body == comment.body:
        return comment  # a resent form: nothing changed
    now = timezone.now()
    # Conditional: the author deleting it or an operator hiding it meanwhile wins.
    edited = Comment.objects.filter(pk=comment.pk, state=comment.state).update(
        body=body, edited_at=now
    )
    if not edited:
        raise ActionError(_("The comment changed meanwhile; reload and try again."))
    comment.body, comment.edited_at = body, now
    if comment.state == S.VISIBLE:
        _refresh_public_copies(comment)
    return comment


def edit(actor: AnyUser, comment_id: int, body: str) -> Comment:
    return do_edit(*check_edit(actor, comment_id, body))


# --- moves ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    comment: Comment
    to: CommentState
    reason: str = ""


def check_move(comment: Comment, to: CommentState, reason: str = "") -> Move:
    """The move is in the graph (or already made), with its reason if it needs one."""
    reason = line(reason)
    if comment.state == to:
        return Move(comment, to, reason)  # a double submit: do_move does nothing
    if not COMMENT_STATES.allowed(comment.state, to):
        raise ActionError(
            _("A comment that is %(current)s cannot become %(target)s.")
            % {"current": CommentState(comment.state).label, "target": to.label}
        )
    if (comment.state, to) in COMMENT_STATES.needs_reason and not reason:
        raise ActionError(_("Say why the comment is hidden."), field="reason")
    if len(reason) > MAX_REASON:
        raise ActionError(
            _("The reason has at most %(max)d characters.") % {"max": MAX_REASON},
            field="reason",
        )
    return Move(comment, to, reason)


def do_move(actor: User, move: Move) -> Comment:
    """Make the move if nobody moved the comment meanwhile, and record it."""
    comment = move.comment
    if comment.state == move.to:
        return comment
    now = timezone.now()
    with transaction.atomic():
        # Conditional update: of two operators (or two clicks) only one moves the comment.
        was = comment.state
        workflow.move(
            comment,
            move.to,
            by=actor,
            reason=move.reason,
            at=now,
            changed=_("The comment changed meanwhile; reload and try again."),
        )
        if S.VISIBLE in (was, move.to):
            _refresh_public_copies(comment)
        _notify_reply_after_commit(comment)
    return comment


def show(actor: AnyUser, comment_id: int) -> Comment:
    """An operator of the page shows a held (or hidden) comment."""
    comment = access_comment_to_operate(actor, comment_id)
    return do_move(actor, check_move(comment, S.VISIBLE))


def hide(actor: AnyUser, comment_id: int, reason: str) -> Comment:
    """An operator of the page hides a comment, saying why (kept in the transition row)."""
    comment = access_comment_to_operate(actor, comment_id)
    return do_move(actor, check_move(comment, S.HIDDEN, reason))


def delete(actor: AnyUser, comment_id: int) -> Comment:
    """The author deletes their comment: its text is no longer shown to anyone."""
    comment = _check_author(actor, comment_id)
    return do_move(actor, check_move(comment, S.DELETED))
