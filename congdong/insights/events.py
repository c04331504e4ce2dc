"""The one entry point for events from the public site (views, the beacon, the API).

Issue 4 defines the call; the ingestion behind it is built in this module.
"""

from __future__ import annotations

from django.db import models
from django.http import HttpRequest
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


def record(
    request: HttpRequest | None,
    kind: EventKind,
    *,
    page_id: int,
    post_id: int | None = None,
    user_id: int | None = None,
) -> None:
    """Record one event; never raises and never waits on analytics."""
    # TODO(issue 4, events helper): buffer and ingest.
