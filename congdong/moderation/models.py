"""Moderation: citizens' reports on posts and comments, the review case each reported item
opens, strikes on authors for confirmed violations, account locks and appeals.

An item is identified by `item_key` ("p<id>" for a post, "c<id>" for a comment), so one
unique constraint gives one report per person per item on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from congdong.accounts.models import own_account, recorded_account
from congdong.core.models import acting_account
from congdong.core.workflow.graph import StateGraph
from congdong.core.workflow.models import Transition, subject_key, transition_meta
from congdong.engagement.models import Comment
from congdong.posts.models import Post
from congdong.units.models import Unit, UnitRowQuerySet


class ReportReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    ABUSE = "abuse", _("Abuse or insult")
    FALSE_INFO = "false_info", _("False information")
    INCITEMENT = "incitement", _("Incitement or opposition to the State")
    OTHER = "other", _("Other (explain)")


class CaseState(models.TextChoices):
    OPEN = "open", _("waiting for review")
    KEPT = "kept", _("kept: no violation")
    REMOVED = "removed", _("removed: violation confirmed")
    OVERTURNED = "overturned", _("restored on appeal")


C = CaseState
# Reports open a case; a moderator of the content's unit (or above) keeps or removes the item;
# a removal may be overturned once, on the author's appeal, by a moderator of the unit above.
CASE_STATES = StateGraph(
    states=CaseState,
    moves={
        C.OPEN: frozenset({C.KEPT, C.REMOVED}),
        C.REMOVED: frozenset({C.OVERTURNED}),
    },
    needs_reason=frozenset({(C.OPEN, C.REMOVED), (C.REMOVED, C.OVERTURNED)}),
)


class CaseQuerySet(UnitRowQuerySet):
    def standard(self) -> CaseQuerySet:
        return self.select_related(
            "unit",
            "post",
            "post__page",
            "comment",
            "comment__post",
            "comment__post__page",
            "author",
            "decided_by",
        )


class Case(models.Model):
    """The review of one reported item. A kept item reported again by new people opens a new
    case; a case waiting for review gathers every report on its item."""

    item_key = models.CharField(max_length=24, db_index=True)
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="moderation_cases"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="moderation_cases"
    )
    # The unit of the item's page: moderators of it and of the units above review the case.
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    author = own_account("moderation_cases")
    state = models.CharField(
        _("state"), max_length=12, choices=CaseState.choices, default=CaseState.OPEN
    )
    reporters = models.PositiveIntegerField(_("distinct reporters"), default=0)
    # Set when the threshold of reports hid the item: keeping it shows it again.
    auto_hidden_at = models.DateTimeField(null=True, blank=True)
    # Set instead when the threshold was reached on content of a verified unit page, which
    # citizens' reports never hide: the case goes first in the queue, and the subtree's
    # moderators are told.
    urgent_at = models.DateTimeField(_("urgent since"), null=True, blank=True)
    opened_at = models.DateTimeField(db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = acting_account()
    reason = models.CharField(_("reason of the decision"), max_length=500, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-reporters", "opened_at", "pk"]
        verbose_name = _("moderation case")
        verbose_name_plural = _("moderation cases")
        constraints = [
            # At most one case waiting for review per item.
            models.UniqueConstraint(
                fields=["item_key"], condition=models.Q(state="open"), name="case_open_unique"
            )
        ]
        indexes = [models.Index(fields=["state", "unit"])]

    def __str__(self) -> str:
        return f"{self.item_key} ({self.state})"

    @property
    def item(self) -> Post | Comment:
        return self.post if self.post_id else self.comment

    @property
    def is_comment(self) -> bool:
        return self.comment_id is not None


class CaseTransition(Transition):
    """Every decision on a case: who, when, why (the audit and the history). An upheld
    appeal is noted here too, the case staying removed (removed → removed)."""

    graph = CASE_STATES
    subject = "case"
    case = subject_key(Case)

    Meta = transition_meta(_("moderation decision"), _("moderation decisions"))


class Report(models.Model):
    """One citizen's report of one item (one per person per item, ever)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reports")
    item_key = models.CharField(max_length=24)
    reporter = own_account("moderation_reports")
    reason = models.CharField(_("reason"), max_length=12, choices=ReportReason.choices)
    text = models.CharField(_("details"), max_length=500, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [models.UniqueConstraint(fields=["reporter", "item_key"], name="report_once")]

    def __str__(self) -> str:
        return f"{self.reporter_id} → {self.item_key} ({self.reason})"


class Strike(models.Model):
    """A confirmed violation counted against the author (Decree 147/2024)."""

    user = own_account("strikes")
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="strike")
    at = models.DateTimeField(db_index=True)
    # Set when an appeal overturns the removal: the strike no longer counts.
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("strike")
        verbose_name_plural = _("strikes")

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.at:%Y-%m-%d}"


class LockKind(models.TextChoices):
    TEMPORARY = "temporary", _("temporary")
    PERMANENT = "permanent", _("permanent")


class Lock(models.Model):
    """An account locked for repeated violations: it cannot engage until `ends_at` (never, for
    a permanent lock) unless the lock is lifted (its last strike overturned on appeal)."""

    user = own_account("moderation_locks")
    kind = models.CharField(max_length=10, choices=LockKind.choices)
    strike = models.ForeignKey(Strike, on_delete=models.CASCADE, related_name="locks")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=300)
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("account lock")
        verbose_name_plural = _("account locks")
        indexes = [models.Index(fields=["user", "lifted_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} until {self.ends_at}"


class AppealState(models.TextChoices):
    PENDING = "pending", _("waiting for a decision")
    UPHELD = "upheld", _("upheld: the removal stands")
    OVERTURNED = "overturned", _("overturned: the item is restored")


A = AppealState
# The author appeals a removal once; a moderator of the unit above decides it, saying why:
#   pending → upheld (the removal stands) | overturned (the item is restored).
# People decide every move; each is an AppealTransition row.
APPEAL_STATES = StateGraph(
    states=AppealState,
    moves={A.PENDING: frozenset({A.UPHELD, A.OVERTURNED})},
    needs_reason=frozenset({(A.PENDING, A.UPHELD), (A.PENDING, A.OVERTURNED)}),
)


class Appeal(models.Model):
    """The author's one appeal against a removal (and its strike)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="appeal")
    author = own_account("moderation_appeals")
    text = models.TextField(_("appeal"), max_length=2000)
    state = models.CharField(
        max_length=12, choices=AppealState.choices, default=AppealState.PENDING
    )
    created_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = acting_account()
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"appeal {self.case_id} ({self.state})"


class AppealTransition(Transition):
    """The appeal's history: lodged by its author, decided by a moderator above."""

    graph = APPEAL_STATES
    subject = "appeal"
    appeal = subject_key(Appeal)

    Meta = transition_meta(_("appeal decision"), _("appeal decisions"))


class ModerationAccessKind(models.TextChoices):
    # The reporters' free-text details of a case (the queue, a decision's answer).
    REPORTS = "reports", _("read the reports' details")
    # The author's appeal text (the appeals to decide, a decision's answer).
    APPEAL = "appeal", _("read the appeal")


class ModerationAccess(models.Model):
    """One reading by staff of citizens' private text in moderation — reports' details or an
    appeal — modelled on `feedback.FeedbackAccess` (issue 15.3): a list that shows those texts
    writes one row per case it shows (one insert). Rows are only ever added
    (`actions.log_accesses`)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="accesses")
    user = recorded_account()
    kind = models.CharField(max_length=12, choices=ModerationAccessKind.choices)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("access to a moderation case")
        verbose_name_plural = _("accesses to moderation cases")

    def __str__(self) -> str:
        return f"{self.user} → case {self.case_id} ({self.kind}, {self.at:%Y-%m-%d %H:%M})"
