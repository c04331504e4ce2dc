"""Raw events from the public site: one row per thing a person saw or did.

Kept lean on purpose — no foreign keys (no constraint checks on insert, nothing to cascade when
a page goes), ids only — because at scale this table takes thousands of rows a second. The
per-page per-day counters and reach sketches of the Insights issue are built from these rows or
next to them; the raw rows themselves are pruned after a retention period.
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


def uuid7() -> uuid.UUID:
    """A time-ordered UUID (RFC 9562 version 7): 48 bits of Unix milliseconds, then random.

    Ids made one after another sort together, so inserts land at the end of the primary key's
    index instead of all over it (uuid4 would). Python 3.14 has uuid.uuid7; we run on 3.11.
    """
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10), "big")
    value = (value & ~(0xF << 76)) | (0x7 << 76)  # version 7
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC 4122 variant
    return uuid.UUID(int=value)


class Event(models.Model):
    # Made by the process that saw the event, before it is buffered: a batch written twice
    # (a replay, a worker killed between insert and acknowledgement) inserts nothing twice.
    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    page_id = models.BigIntegerField(_("page"))
    post_id = models.BigIntegerField(_("post"), null=True, blank=True)
    user_id = models.BigIntegerField(_("account"), null=True, blank=True)
    # "u<account id>", or "v<hash>" of an anonymous visitor under that day's salt (visitors.py).
    visitor = models.CharField(_("visitor"), max_length=40, blank=True)
    at = models.DateTimeField(_("at"))
    # The local (Vietnam) date of `at`: the day the per-day figures count it in.
    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["page_id", "at"], name="insights_event_page_at"),
            models.Index(fields=["at"], name="insights_event_at"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} page {self.page_id} at {self.at:%Y-%m-%d %H:%M:%S}"
