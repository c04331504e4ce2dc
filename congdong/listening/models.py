"""Conversations in ("lắng nghe"): what citizens write to a page's Facebook Page and Zalo OA.

The platforms call our webhooks; each call is stored as it came (`WebhookEvent`, one INSERT,
unique by the event's own key so a retried delivery is stored once) and the worker turns it
into `ChannelMessage` rows of the linked page. Staff read them in the inbox — each read of a
citizen's text leaves a `ChannelMessageAccess` row (issue 15.3) — answer as the page and hide
them on the platform; each of those is a `ChannelMessageAction` row (who, when, what came of it).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from congdong.accounts.models import recorded_account
from congdong.channels.models import ChannelKind, ChannelLink
from congdong.core.states import StateGraph
from congdong.pages.models import Page
from congdong.units.models import Unit


class Platform(models.TextChoices):
    FACEBOOK = ChannelKind.FACEBOOK.value, _("Facebook")
    ZALO = ChannelKind.ZALO.value, _("Zalo")


class EventState(models.TextChoices):
    PENDING = "pending", _("waiting")
    PROCESSING = "processing", _("being processed")
    DONE = "done", _("processed")
    IGNORED = "ignored", _("ignored")
    FAILED = "failed", _("failed")


E = EventState
# Only the worker moves events: it claims a waiting one (a conditional UPDATE), then finishes it.
# A claim left by a worker that died goes back to waiting (`actions.release_stale_claims`).
EVENT_STATES = StateGraph(
    start=E.PENDING,
    moves={
        E.PENDING: frozenset({E.PROCESSING}),
        E.PROCESSING: frozenset({E.DONE, E.IGNORED, E.FAILED, E.PENDING}),
    },
)


class WebhookEvent(models.Model):
    """One webhook call as the platform sent it (body verbatim), waiting for the worker."""

    platform = models.CharField(max_length=10, choices=Platform.choices)
    # The event's own identity: Facebook comment id + verb + time of each change, Zalo msg_id
    # or (event, timestamp, oa). A retried delivery has the same key and is stored once.
    event_key = models.CharField(max_length=200, unique=True)
    # The Facebook Page id / Zalo oa_id the event is about (first entry of a batch).
    external_id = models.CharField(max_length=64, blank=True)
    body = models.TextField()
    received_at = models.DateTimeField()
    state = models.CharField(max_length=12, choices=EventState.choices, default=EventState.PENDING)
    claimed_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        indexes = [models.Index(fields=["state", "id"])]

    def __str__(self) -> str:
        return f"{self.platform} {self.event_key} ({self.state})"


class RefusalReason(models.TextChoices):
    UNSIGNED = "unsigned", _("no signature")
    BAD_SIGNATURE = "bad_signature", _("wrong signature")
    MALFORMED = "malformed", _("not a platform event")
    STALE = "stale", _("too old or from the future (replay)")
    DUPLICATE = "duplicate", _("already received")


class WebhookRefusal(models.Model):
    """How many webhook calls were refused, per day, platform and reason (a counter the health
    view and `congdong channels check` show). Kept in the database so every process counts
    into the same rows and the CLI reads them."""

    day = models.DateField()
    platform = models.CharField(max_length=10, choices=Platform.choices)
    reason = models.CharField(max_length=20, choices=RefusalReason.choices)
    count = models.PositiveIntegerField(default=0)
    last_at = models.DateTimeField()

    class Meta:
        ordering = ["-day", "platform", "reason"]
        verbose_name = _("refused webhook calls")
        verbose_name_plural = _("refused webhook calls")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "platform", "reason"], name="webhook_refusal_day_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.platform} {self.reason}: {self.count}"


class MessageKind(models.TextChoices):
    COMMENT = "comment", _("comment")
    MESSAGE = "message", _("message")


class MessageState(models.TextChoices):
    VISIBLE = "visible", _("visible")
    HIDDEN = "hidden", _("hidden on the platform")
    REMOVED = "removed", _("removed by its author")


M = MessageState
# A moderator hides a comment on the platform and may show it again; its author removing it
# (a webhook) ends it.
MESSAGE_STATES = StateGraph(
    start=M.VISIBLE,
    moves={
        M.VISIBLE: frozenset({M.HIDDEN, M.REMOVED}),
        M.HIDDEN: frozenset({M.VISIBLE, M.REMOVED}),
    },
)


class MessageQuerySet(models.QuerySet):
    def standard(self) -> MessageQuerySet:
        return self.select_related("page", "page__unit", "link")

    def in_subtree(self, unit: Unit) -> MessageQuerySet:
        return self.filter(page__unit__path__startswith=unit.path)

    def kept(self) -> MessageQuerySet:
        """Not yet erased (past its keeping time a message has no text nor author)."""
        return self.filter(erased_at__isnull=True)


class ChannelMessage(models.Model):
    """A citizen's comment on the linked Facebook Page, or message to the linked Zalo OA."""

    page = models.ForeignKey(
        Page, on_delete=models.CASCADE, related_name="channel_messages", verbose_name=_("page")
    )
    link = models.ForeignKey(
        ChannelLink, on_delete=models.CASCADE, related_name="messages", verbose_name=_("channel")
    )
    platform = models.CharField(max_length=10, choices=Platform.choices)
    kind = models.CharField(max_length=10, choices=MessageKind.choices)
    # The platform's id of the comment (Facebook comment_id) or message (Zalo msg_id).
    external_id = models.CharField(max_length=100)
    # The post (Facebook post id) or parent comment it answers; empty for a Zalo message.
    parent_id = models.CharField(max_length=100, blank=True)
    post_id = models.CharField(max_length=100, blank=True)
    author_id = models.CharField(_("author's platform id"), max_length=64)
    author_name = models.CharField(_("author"), max_length=200, blank=True)
    text = models.TextField(_("text"), max_length=8000)
    sent_at = models.DateTimeField(_("sent at"), db_index=True)
    received_at = models.DateTimeField()
    state = models.CharField(
        max_length=10, choices=MessageState.choices, default=MessageState.VISIBLE
    )
    event = models.ForeignKey(
        WebhookEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Past its keeping time (`settings.CHANNEL_MESSAGES_RETENTION_DAYS`) the text and the
    # author are erased; the row stays for the reads and answers that point at it.
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("comment or message from a channel")
        verbose_name_plural = _("comments and messages from channels")
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "external_id"], name="channel_message_unique"
            )
        ]
        indexes = [models.Index(fields=["page", "-sent_at"])]

    def __str__(self) -> str:  # never the citizen's text
        return f"{self.platform} {self.kind} {self.external_id} → page {self.page_id}"


class ActionKind(models.TextChoices):
    ANSWER = "answer", _("answered as the page")
    HIDE = "hide", _("hidden on the platform")
    SHOW = "show", _("shown again on the platform")


class ActionOutcome(models.TextChoices):
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class ChannelMessageAction(models.Model):
    """What staff did with a message through the platform, and what the platform said: the
    history the inbox shows (answers included) and the audit of each call."""

    message = models.ForeignKey(ChannelMessage, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=10, choices=ActionKind.choices)
    text = models.TextField(blank=True, max_length=2000)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()
    outcome = models.CharField(max_length=10, choices=ActionOutcome.choices)
    external_id = models.CharField(max_length=100, blank=True)  # the reply's id on the platform
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("action on a channel message")
        verbose_name_plural = _("actions on channel messages")

    def __str__(self) -> str:
        return f"{self.kind} on {self.message_id} ({self.outcome})"


class ChannelMessageAccess(models.Model):
    """One reading by staff of a citizen's text from a channel (issue 15.3, as
    `feedback.FeedbackAccess`): the inbox writes one row per message it shows (one insert).
    Rows are only ever added (`actions.log_accesses`)."""

    message = models.ForeignKey(ChannelMessage, on_delete=models.CASCADE, related_name="accesses")
    user = recorded_account()
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("access to a channel message")
        verbose_name_plural = _("accesses to channel messages")

    def __str__(self) -> str:
        return f"{self.user_id} → message {self.message_id} ({self.at:%Y-%m-%d %H:%M})"
