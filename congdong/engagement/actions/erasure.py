"""What engagement erases when a citizen deletes their account (congdong.privacy's `do_delete`
decides what the law keeps and runs `erase_account`, registered as this app's eraser; this app
writes its own rows)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection

from congdong.accounts.models import User
from congdong.engagement.actions import comments, follows
from congdong.engagement.models import (
    Comment,
    CommentState,
    Notification,
    NotificationSettings,
    Reaction,
    ReferralCode,
)


def erase_citizen(citizen: User, *, keep_text_of: Collection[int] = ()) -> None:
    """Erase `citizen`'s engagement, in the caller's transaction: the text of their comments
    (but of `keep_text_of`, kept hidden as evidence of a decision), their follows (each page's
    count one fewer, an UNFOLLOW event each), reactions, notifications and their settings, and
    their referral code. Their comments are moved to deleted by the caller first, through
    `comments.do_move`, so each has its history row. Shares and referral opens stay: they are
    the pages' figures."""
    Comment.objects.filter(author=citizen).exclude(pk__in=keep_text_of).update(body="")
    follows.remove_all(citizen)
    Reaction.objects.filter(user=citizen).delete()
    Notification.objects.filter(recipient=citizen).delete()
    NotificationSettings.objects.filter(user=citizen).delete()
    ReferralCode.objects.filter(user=citizen).delete()


# Who keeps a citizen's comments as evidence of a decision (moderation's cases, takedown's
# requests): those apps stand above this one and register here in their AppConfig.ready().
_evidence: dict[str, Callable[[User], Collection[int]]] = {}


def register_evidence(name: str, held: Callable[[User], Collection[int]]) -> None:
    """`held(citizen)` gives the ids of the citizen's comments the app `name` keeps as
    evidence: their text is not erased with the account."""
    _evidence[name] = held


def evidence_comments(citizen: User) -> set[int]:
    """Comments under a moderation case or an authority's takedown request: kept as evidence."""
    kept: set[int] = set()
    for held in _evidence.values():
        kept |= set(held(citizen))
    return kept


def erase_account(citizen: User, now: datetime.datetime) -> None:
    """This app's part of deleting `citizen`'s account, in the caller's transaction: their
    comments are deleted (their author's move, with its history row), then `erase_citizen`."""
    for comment in Comment.objects.filter(author=citizen).exclude(state=CommentState.DELETED):
        comments.do_move(citizen, comments.check_move(comment, CommentState.DELETED))
    # The text of deleted comments is personal data nobody needs any more; a comment
    # under review or removal keeps its text, hidden, as the evidence of the decision.
    erase_citizen(citizen, keep_text_of=evidence_comments(citizen))
