"""What an event is about: its kind, what each kind counts for, and its time-ordered id.

The `Event` rows and the per-day figures they add to are insights' (`insights.models`); the
kinds live here, below every app that records, so that recording needs nothing of insights.
"""

from __future__ import annotations

import os
import time
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    PAGE_VIEW = "page_view", _("page view")
    POST_VIEW = "post_view", _("post view")
    FEED_SEEN = "feed_seen", _("feed item seen")
    REACTION = "reaction", _("reaction")
    COMMENT = "comment", _("comment")
    SHARE = "share", _("share")
    REFERRAL_OPEN = "referral_open", _("referral opened")
    FOLLOW = "follow", _("follow")
    UNFOLLOW = "unfollow", _("unfollow")
    # A follow attributed to a referral link (opened within REFERRAL_FOLLOW_DAYS before).
    REFERRAL_FOLLOW = "referral_follow", _("follow after a referral")
    PUBLISH = "publish", _("post published")
    # A lower page's own copy of a post published down to it (a campaign task done).
    RESHARE = "reshare", _("post reshared from a campaign")
    # A published post taken off its page (hidden, archived). Its `at` is the post's
    # publication, not the moment it went: the page's posts of that day are one fewer, as its
    # public page shows them. Shown again, the post is a PUBLISH at that same time.
    UNPUBLISH = "unpublish", _("post taken off the page")


# What each kind adds to in the per-day figures (insights' DayCount columns, and today's live
# counters in Redis); kinds that are seen content also add the visitor to the reach sketches.
KIND_COLUMN: dict[str, str] = {
    EventKind.PAGE_VIEW: "impressions",
    EventKind.POST_VIEW: "impressions",
    EventKind.FEED_SEEN: "impressions",
    EventKind.REACTION: "reactions",
    EventKind.COMMENT: "comments",
    EventKind.SHARE: "shares",
    EventKind.REFERRAL_OPEN: "referrals",
    EventKind.REFERRAL_FOLLOW: "referral_follows",
    EventKind.FOLLOW: "followers_gained",
    EventKind.UNFOLLOW: "followers_lost",
    EventKind.PUBLISH: "posts",
    EventKind.RESHARE: "reshares",
}
# What each kind adds to each column (KIND_COLUMN is the main one). A reshare is also one of
# the page's posts: the public page lists it with the others.
KIND_COUNTS: dict[str, dict[str, int]] = {kind: {column: 1} for kind, column in KIND_COLUMN.items()}
KIND_COUNTS[EventKind.RESHARE] = {"reshares": 1, "posts": 1}
KIND_COUNTS[EventKind.UNPUBLISH] = {"posts": -1}
SEEN_KINDS = frozenset(
    {EventKind.PAGE_VIEW, EventKind.POST_VIEW, EventKind.FEED_SEEN, EventKind.REFERRAL_OPEN}
)


def uuid7() -> uuid.UUID:
    """A time-ordered UUID (RFC 9562 version 7): 48 bits of Unix milliseconds, then random.

    Ids made one after another sort together, so inserts land at the end of the primary key's
    index instead of all over it (uuid4 would). Python 3.14 has uuid.uuid7; we run on 3.11.
    """
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10), "big")
    value = (value & ~(0xF << 76)) | (0x7 << 76)  # version 7
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC 4122 variant
    return uuid.UUID(int=value)
