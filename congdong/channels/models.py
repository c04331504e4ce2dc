"""Official channels of a community page outside the site (Facebook Pages, Zalo OAs,
websites), the tokens that reach them, and citizens' reports of pages pretending to be ours.

A link is a row with `linked_at`/`unlinked_at`: disconnecting ends the row, connecting again
starts a new one, so "which units had a Facebook Page on 1 March" is answerable on any date.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congdong.channels.sealing import SealedField
from congdong.core.models import acting_account
from congdong.core.workflow.graph import StateGraph
from congdong.core.workflow.models import Transition, subject_key, transition_meta
from congdong.pages.models import Page
from congdong.units.models import Unit


class ChannelKind(models.TextChoices):
    FACEBOOK = "facebook", _("Facebook Page")
    ZALO = "zalo", _("Zalo Official Account")
    WEBSITE = "website", _("Website")


class Feature(models.TextChoices):
    """What congdong does through a Facebook Page, and the Page task each one needs."""

    PUBLISH = "publish", _("publish posts")
    INSIGHTS = "insights", _("read figures")
    COMMENTS = "comments", _("answer and hide comments")


FEATURE_TASKS: dict[Feature, str] = {
    Feature.PUBLISH: "CREATE_CONTENT",
    Feature.INSIGHTS: "ANALYZE",
    Feature.COMMENTS: "MODERATE",
}


class LinkQuerySet(models.QuerySet):
    def standard(self) -> LinkQuerySet:
        return self.select_related("page", "page__unit", "token")

    def current(self) -> LinkQuerySet:
        return self.filter(unlinked_at__isnull=True)

    def on(self, day: datetime.date) -> LinkQuerySet:
        """Links in place at the end of `day` (local time)."""
        end = timezone.make_aware(
            datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
        )
        return self.filter(linked_at__lt=end).filter(
            models.Q(unlinked_at__isnull=True) | models.Q(unlinked_at__gte=end)
        )

    def verified(self) -> LinkQuerySet:
        return self.filter(backlink_ok=True).filter(
            models.Q(kind=ChannelKind.WEBSITE) | models.Q(admin_verified_at__isnull=False)
        )

    def in_subtree(self, unit: Unit) -> LinkQuerySet:
        return self.filter(page__unit__path__startswith=unit.path)


class ChannelLink(models.Model):
    page = models.ForeignKey(
        Page, on_delete=models.CASCADE, related_name="channel_links", verbose_name=_("page")
    )
    kind = models.CharField(_("channel"), max_length=10, choices=ChannelKind.choices)
    # The platform's id (Facebook Page id, Zalo oa_id); empty for a website.
    external_id = models.CharField(_("platform id"), max_length=64, blank=True)
    url = models.URLField(_("address"), max_length=500)
    name = models.CharField(_("name"), max_length=200, blank=True)
    linked_at = models.DateTimeField(_("linked at"))
    linked_by = acting_account()
    unlinked_at = models.DateTimeField(_("unlinked at"), null=True, blank=True)
    unlinked_by = acting_account()
    # Proof one: the platform said the connecting staff member administers it (OAuth).
    admin_verified_at = models.DateTimeField(null=True, blank=True)
    # Proof two: the channel points back to our page (Facebook website/about, Zalo description,
    # a website's rel="me" link).
    backlink_ok = models.BooleanField(default=False)
    backlink_checked_at = models.DateTimeField(null=True, blank=True)
    # A Facebook Page's tasks granted to the connecting person (CREATE_CONTENT, ANALYZE, …).
    tasks = models.JSONField(default=list, blank=True)

    objects = LinkQuerySet.as_manager()

    class Meta:
        ordering = ["page_id", "kind", "-linked_at"]
        verbose_name = _("channel link")
        verbose_name_plural = _("channel links")
        constraints = [
            # One Facebook Page / Zalo OA is an official channel of one page at a time.
            models.UniqueConstraint(
                fields=["kind", "external_id"],
                condition=models.Q(unlinked_at__isnull=True) & ~models.Q(external_id=""),
                name="channel_link_current_unique",
            ),
        ]
        indexes = [models.Index(fields=["page", "unlinked_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name or self.url} · {self.page_id}"

    @property
    def verified(self) -> bool:
        if self.kind == ChannelKind.WEBSITE:
            return self.backlink_ok
        return self.backlink_ok and self.admin_verified_at is not None

    def missing_features(self) -> list[Feature]:
        """Features the connected person's Page tasks do not allow (Facebook only)."""
        if self.kind != ChannelKind.FACEBOOK:
            return []
        return [f for f, task in FEATURE_TASKS.items() if task not in (self.tasks or [])]


class TokenState(models.TextChoices):
    VALID = "valid", _("working")
    EXPIRED = "expired", _("expired: connect again")
    PERMISSION_LOST = "permission_lost", _("a permission was withdrawn")


T = TokenState
# The worker moves a token to expired or permission_lost when the platform says so; a person
# connecting again (a new token), a refresh or a check that works brings it back to valid. Each
# move is a TokenTransition row.
TOKEN_STATES = StateGraph(
    states=TokenState,
    start=T.VALID,
    moves={
        T.VALID: frozenset({T.EXPIRED, T.PERMISSION_LOST}),
        T.EXPIRED: frozenset({T.VALID}),
        T.PERMISSION_LOST: frozenset({T.VALID, T.EXPIRED}),
    },
)
BAD_STATES = frozenset({T.EXPIRED, T.PERMISSION_LOST})


class ChannelToken(models.Model):
    """The token congdong acts with on one linked channel (sealed at rest, see sealing.py).

    Never rendered, logged or put in an API answer; not registered in the Django admin."""

    link = models.OneToOneField(ChannelLink, on_delete=models.CASCADE, related_name="token")
    access_token = SealedField()
    # Zalo: single-use and rotating; each refresh stores the new pair and bumps `version`
    # in one conditional UPDATE (congdong/channels/actions.py refresh_zalo).
    refresh_token = SealedField(blank=True)
    version = models.PositiveIntegerField(default=0)
    refreshing_since = models.DateTimeField(null=True, blank=True)  # a refresh's claim
    expires_at = models.DateTimeField(null=True, blank=True)
    refresh_expires_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=20, choices=TokenState.choices, default=TokenState.VALID)
    missing = models.JSONField(default=list, blank=True)  # permissions the platform refused
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    # The bad state the unit's admins were last told of: each move to a bad state tells once.
    notified_state = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = _("channel token")
        verbose_name_plural = _("channel tokens")
        indexes = [models.Index(fields=["state", "expires_at"])]

    def __str__(self) -> str:  # never the token itself
        return f"token of {self.link_id} ({self.state})"


class TokenTransition(Transition):
    """A token's history: connected, gone bad (the platform's answer as the reason), working
    again (connected again, refreshed or checked). Holds no token material."""

    graph = TOKEN_STATES
    subject = "token"
    token = subject_key(ChannelToken)

    Meta = transition_meta(_("channel token state change"), _("channel token state changes"))


class ReportState(models.TextChoices):
    OPEN = "open", _("waiting")
    DISMISSED = "dismissed", _("dismissed")
    CONFIRMED = "confirmed", _("confirmed fake")


R = ReportState
# Staff of the page dismiss a report or confirm the page fake; a confirmed one may be dismissed
# later (the page turned out genuine). Each move is a FakeReportTransition row.
FAKE_REPORT_STATES = StateGraph(
    states=ReportState,
    moves={R.OPEN: frozenset({R.DISMISSED, R.CONFIRMED}), R.CONFIRMED: frozenset({R.DISMISSED})},
)


class FakeReport(models.Model):
    """A citizen's report of a page pretending to be this unit's ("trang giả mạo")."""

    page = models.ForeignKey(
        Page, on_delete=models.CASCADE, related_name="fake_reports", verbose_name=_("page")
    )
    url = models.URLField(_("address of the suspected page"), max_length=500)
    note = models.TextField(_("what makes you think so"), max_length=1000, blank=True)
    reporter = acting_account()
    state = models.CharField(max_length=10, choices=ReportState.choices, default=ReportState.OPEN)
    created_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = acting_account()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("fake page report")
        verbose_name_plural = _("fake page reports")
        indexes = [models.Index(fields=["page", "state"])]

    def __str__(self) -> str:
        return f"{self.url} → {self.page_id} ({self.state})"


class FakeReportTransition(Transition):
    """A fake-page report's history: made by its reporter, decided by the page's staff."""

    graph = FAKE_REPORT_STATES
    subject = "report"
    report = subject_key(FakeReport)

    Meta = transition_meta(_("fake page report decision"), _("fake page report decisions"))


class FigureImport(models.Model):
    """Where the import of one linked channel's figures stands (insights.channel_import).

    `last_day` is the cursor: every day from `first_day` up to it is imported, so a backfill
    cut short (a rate limit, an expired token, the worker killed) goes on from the day after
    it, and asking again for days already imported asks the platform nothing."""

    link = models.OneToOneField(ChannelLink, on_delete=models.CASCADE, related_name="figures")
    # The days from `first_day` to `last_day` are imported.
    first_day = models.DateField(_("figures imported from"), null=True, blank=True)
    last_day = models.DateField(_("figures imported up to"), null=True, blank=True)
    # Zalo: each article's view and share totals when last read (its growth is a day's figure).
    seen = models.JSONField(default=dict, blank=True)
    running_since = models.DateTimeField(null=True, blank=True)  # a run's claim
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("figures import")
        verbose_name_plural = _("figures imports")

    def __str__(self) -> str:
        return f"figures of link {self.link_id} up to {self.last_day}"


class MetricStop(models.Model):
    """A metric a platform stopped reporting: "Facebook stopped reporting X on <date>".

    Written once per platform, metric and API version, the first time the platform refuses it;
    the other figures go on being imported without it."""

    kind = models.CharField(_("channel"), max_length=10, choices=ChannelKind.choices)
    metric = models.CharField(_("platform metric"), max_length=80)
    ours = models.CharField(_("figure"), max_length=20)
    version = models.CharField(_("API version"), max_length=10, blank=True)
    stopped_on = models.DateField(_("stopped on"))
    message = models.CharField(_("platform's message"), max_length=300, blank=True)

    class Meta:
        ordering = ["-stopped_on", "kind", "metric"]
        verbose_name = _("metric no longer reported")
        verbose_name_plural = _("metrics no longer reported")
        constraints = [
            models.UniqueConstraint(fields=["kind", "metric", "version"], name="metric_stop_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.metric} ({self.version}) since {self.stopped_on}"
