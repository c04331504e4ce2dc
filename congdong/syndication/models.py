"""Deliveries: one post going out to one linked channel (a Facebook Page's feed, a Zalo OA's
article and broadcast), as a workflow row the worker claims, sends and records.

The row is the truth. A try claims the row with a conditional UPDATE (queued/retrying →
sending), so two workers never send the same delivery; a try whose answer was lost leaves
`outcome_unknown`, and the next try first looks on the platform for the post carrying the
delivery's `marker` before posting again (see actions.py).
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from congdong.campaigns.models import CampaignTarget
from congdong.channels.models import ChannelKind, ChannelLink
from congdong.core.models import acting_account
from congdong.core.workflow.graph import StateGraph
from congdong.core.workflow.models import Transition, subject_key, transition_meta
from congdong.posts.models import Post


class DeliveryState(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    RETRYING = "retrying", _("waiting to retry")
    GIVEN_UP = "given_up", _("given up")


D = DeliveryState
# The worker moves a delivery from queued to sent (or to failed, when the platform refused for
# a reason a retry cannot mend: a token or permission problem); a person sends a failed or
# given-up delivery again once the cause is mended (→ queued).
DELIVERY_STATES = StateGraph(
    states=DeliveryState,
    start=D.QUEUED,
    moves={
        D.QUEUED: frozenset({D.SENDING}),
        D.SENDING: frozenset({D.SENT, D.FAILED, D.RETRYING}),
        D.RETRYING: frozenset({D.SENDING, D.GIVEN_UP}),
        D.FAILED: frozenset({D.QUEUED}),
        D.GIVEN_UP: frozenset({D.QUEUED}),
    },
    automatic=frozenset(
        {
            (D.QUEUED, D.SENDING),
            (D.SENDING, D.SENT),
            (D.SENDING, D.FAILED),
            (D.SENDING, D.RETRYING),
            (D.RETRYING, D.SENDING),
            (D.RETRYING, D.GIVEN_UP),
        }
    ),
)
OPEN_STATES = frozenset({D.QUEUED, D.SENDING, D.RETRYING})


class Step(models.TextChoices):
    """How far a multi-call delivery got (Zalo: create → verify → broadcast)."""

    START = "", _("not started")
    CREATED = "created", _("article created")
    VERIFIED = "verified", _("article ready")
    BROADCASTING = "broadcasting", _("broadcast asked")


def new_marker() -> str:
    return secrets.token_hex(5)


class DeliveryQuerySet(models.QuerySet):
    def standard(self) -> DeliveryQuerySet:
        return self.select_related("post", "post__page", "post__page__unit", "link")


class Delivery(models.Model):
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("post")
    )
    link = models.ForeignKey(
        ChannelLink, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("channel")
    )
    kind = models.CharField(_("channel"), max_length=10, choices=ChannelKind.choices)
    # The campaign target this delivery carries down the tree (none for a page's own post).
    target = models.ForeignKey(
        CampaignTarget, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    state = models.CharField(
        _("status"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.QUEUED
    )
    # In the link we post (…?kenh=<marker>): how a post made by a try whose answer was lost is
    # found again on the platform.
    marker = models.CharField(max_length=16, unique=True, default=new_marker)
    not_before = models.DateTimeField(_("not before"))
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    outcome_unknown = models.BooleanField(default=False)
    step = models.CharField(max_length=12, choices=Step.choices, default=Step.START, blank=True)
    article_token = models.CharField(max_length=200, blank=True)  # Zalo, between create and verify
    article_id = models.CharField(max_length=100, blank=True)  # Zalo, once verified
    # Facebook: the post's pictures uploaded unpublished, {picture id: photo id}, written as
    # each is uploaded so a retry attaches them rather than uploading them again.
    media_ids = models.JSONField(default=dict, blank=True)
    external_id = models.CharField(_("external post"), max_length=100, blank=True)
    external_url = models.URLField(_("external address"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"))
    created_by = acting_account()

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["not_before", "pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            # One post goes to one channel once.
            models.UniqueConstraint(fields=["post", "link"], name="delivery_post_link_unique"),
        ]
        indexes = [
            # The worker's claim: due rows of one platform.
            models.Index(fields=["state", "kind", "not_before"]),
            models.Index(fields=["target"]),
        ]

    def __str__(self) -> str:
        return f"{self.post_id} → {self.kind} {self.link_id} ({self.state})"


class DeliveryTransition(Transition):
    graph = DELIVERY_STATES
    subject = "delivery"
    delivery = subject_key(Delivery)

    Meta = transition_meta(_("delivery state change"), _("delivery state changes"))


class ChannelDefault(models.Model):
    """A page's choice for one linked channel: are its published posts offered there by
    default? No row: yes."""

    link = models.OneToOneField(
        ChannelLink, on_delete=models.CASCADE, primary_key=True, related_name="publish_default"
    )
    publish = models.BooleanField(_("publish here by default"), default=True)

    class Meta:
        verbose_name = _("channel default")
        verbose_name_plural = _("channel defaults")

    def __str__(self) -> str:
        return f"{self.link_id}: {self.publish}"


class Pace(models.Model):
    """One platform's pause: no delivery to it is claimed before `paused_until` (set from the
    platform's usage headers and rate-limit answers), shared by every worker."""

    kind = models.CharField(max_length=10, choices=ChannelKind.choices, primary_key=True)
    paused_until = models.DateTimeField(null=True, blank=True)
    # Consecutive rate-limit answers without a usable retry-after: the back-off doubles.
    strikes = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("platform pace")
        verbose_name_plural = _("platform paces")

    def __str__(self) -> str:
        return f"{self.kind} paused until {self.paused_until}"
