"""What engagement erases when a citizen deletes their account (congdong.privacy's `do_delete`
decides what the law keeps; this app writes its own rows)."""

from __future__ import annotations

from collections.abc import Collection

from congdong.accounts.models import User
from congdong.engagement.actions import follows
from congdong.engagement.models import (
    Comment,
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
