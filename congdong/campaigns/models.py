"""Publishing down the tree ("đăng tin đồng loạt"): a campaign takes an approved post of an
upper unit to the pages below it, as their own posts or as tasks to reshare before a deadline."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from congdong.accounts.models import recorded_account
from congdong.core.models import acting_account
from congdong.core.workflow.graph import Deadline, StateGraph
from congdong.core.workflow.models import Transition, subject_key, transition_meta
from congdong.pages.models import Page
from congdong.posts.models import Post
from congdong.units.models import Level, Unit, UnitRowQuerySet, owning_unit


class CampaignMode(models.TextChoices):
    PUBLISH = "publish", _("publish to all pages below at once")
    RESHARE_TASK = "reshare_task", _("reshare task")


class Targeting(models.TextChoices):
    ALL_BELOW = "all_below", _("every page below")
    LEVELS = "levels", _("chosen levels")
    UNITS = "units", _("chosen units")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    LAUNCHED = "launched", _("launched")
    CLOSED = "closed", _("closed")


class TargetStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    PUBLISHED = "published", _("published")
    OVERDUE = "overdue", _("overdue")


C = CampaignStatus
# An editor prepares the campaign; an approver of the source unit launches it (once: launching
# fans out to every target page); it is closed when its time is over.
CAMPAIGN_STATES = StateGraph(
    states=CampaignStatus,
    field="status",
    moves={
        C.DRAFT: frozenset({C.LAUNCHED, C.CLOSED}),
        C.LAUNCHED: frozenset({C.CLOSED}),
    },
)

T = TargetStatus
# A target page's part: published at launch (mode publish) or pending until its operators
# reshare. Only the worker marks a pending target overdue, when the deadline has passed; a
# late reshare still counts (overdue → published), with its time to publish. The deadline is
# the campaign's (its editor sets it); the one overdue sweep (congdong.campaigns.overdue)
# makes the move and stamps `overdue_at`, only for campaigns still launched.
TARGET_STATES = StateGraph(
    states=TargetStatus,
    field="status",
    deadlines={
        T.PENDING: Deadline(given=True, due_field="campaign__deadline", told_field="overdue_at")
    },
    moves={
        T.PENDING: frozenset({T.PUBLISHED, T.OVERDUE}),
        T.OVERDUE: frozenset({T.PUBLISHED}),
    },
    automatic=frozenset({(T.PENDING, T.OVERDUE)}),
)


class CampaignQuerySet(models.QuerySet):
    def standard(self) -> CampaignQuerySet:
        return self.select_related(
            "unit",
            "source_post",
            "source_post__page",
            "source_post__category",
            "created_by",
            "launched_by",
        )


class Campaign(models.Model):
    source_post = models.ForeignKey(
        Post, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("post")
    )
    # The source page's unit, kept here so campaigns are filtered by subtree without joins.
    unit = owning_unit("campaigns")
    mode = models.CharField(_("mode"), max_length=20, choices=CampaignMode.choices)
    targeting = models.CharField(
        _("targets"), max_length=20, choices=Targeting.choices, default=Targeting.ALL_BELOW
    )
    target_levels = models.JSONField(_("levels"), default=list, blank=True)
    target_units = models.ManyToManyField(
        Unit, blank=True, related_name="+", verbose_name=_("chosen units")
    )
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    # PROTECT: people are part of the audit trail; staff accounts are deactivated, not deleted.
    created_by = recorded_account()
    launched_by = acting_account(on_delete=models.PROTECT)
    launched_at = models.DateTimeField(_("launched at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.source_post.title


class CampaignTransition(Transition):
    graph = CAMPAIGN_STATES
    subject = "campaign"
    campaign = subject_key(Campaign)

    Meta = transition_meta(_("campaign state change"), _("campaign state changes"))


class CampaignTargetQuerySet(UnitRowQuerySet):
    def standard(self) -> CampaignTargetQuerySet:
        return self.select_related("unit", "unit__parent", "page")


class CampaignTarget(models.Model):
    """One target page's part in a launched campaign; its status is the truth for compliance."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="campaign_targets")
    # The page's unit, repeated so the compliance view filters and groups without a second join.
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=10, choices=Level.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=TargetStatus.choices, default=TargetStatus.PENDING
    )
    # The page's own post carrying the campaign ("from <upper unit>" on the public page).
    copy = models.OneToOneField(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="campaign_target"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("overdue since"), null=True, blank=True)
    completed_by = acting_account()

    objects = CampaignTargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign target")
        verbose_name_plural = _("campaign targets")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "page"], name="campaign_target_unique"),
        ]
        indexes = [
            models.Index(fields=["campaign", "status"]),
            # The overdue sweep: pending targets, whatever the campaign.
            models.Index(fields=["status"]),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} · {self.page_id} · {self.status}"
