"""Citizen feedback (phản ánh, kiến nghị): the item, its files, its handling graph and history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from congdong.accounts.models import recorded_account
from congdong.core.models import UploadedFile, acting_account
from congdong.core.private_files import private_storage
from congdong.core.workflow.graph import Deadline, StateGraph
from congdong.core.workflow.models import Transition, subject_key, transition_meta
from congdong.units.models import Unit, UnitRowQuerySet, owning_unit


class Category(models.Model):
    """A kind of feedback citizens choose from (Đất đai, Môi trường …); admins edit the list."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    active = models.BooleanField(_("offered to citizens"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("feedback category")
        verbose_name_plural = _("feedback categories")

    def __str__(self) -> str:
        return self.name


class FeedbackState(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("feedback state", "received")
    ACCEPTED = "accepted", pgettext_lazy("feedback state", "accepted")
    REJECTED = "rejected", pgettext_lazy("feedback state", "rejected")
    ASSIGNED = "assigned", pgettext_lazy("feedback state", "assigned")
    ANSWERED = "answered", pgettext_lazy("feedback state", "answered")
    REOPENED = "reopened", pgettext_lazy("feedback state", "reopened")
    CLOSED = "closed", pgettext_lazy("feedback state", "closed")


class FeedbackAction(models.TextChoices):
    """What a transition row records; escalate and transfer also move the item's unit."""

    SUBMIT = "submit", pgettext_lazy("feedback action", "sent")
    ACCEPT = "accept", pgettext_lazy("feedback action", "accepted")
    REJECT = "reject", pgettext_lazy("feedback action", "rejected")
    ASSIGN = "assign", pgettext_lazy("feedback action", "assigned")
    ANSWER = "answer", pgettext_lazy("feedback action", "answered")
    ESCALATE = "escalate", pgettext_lazy("feedback action", "escalated to the unit above")
    TRANSFER = "transfer", pgettext_lazy("feedback action", "transferred to another unit")
    REOPEN = "reopen", pgettext_lazy("feedback action", "reopened")
    CLOSE = "close", pgettext_lazy("feedback action", "closed")


class RejectReason(models.TextChoices):
    OUT_OF_SCOPE = "out_of_scope", _("out of scope")
    DUPLICATE = "duplicate", _("duplicate")
    SPAM = "spam", _("spam or abuse")


S = FeedbackState
A = FeedbackAction
OPEN_STATES = frozenset({S.RECEIVED, S.ACCEPTED, S.ASSIGNED, S.REOPENED})
# Handling, as the addressed unit's officers (HANDLE_FEEDBACK on it or above) move it:
#   received → accepted | rejected (a RejectReason and a text the citizen reads);
#   accepted → assigned (an officer of the unit) → answered (the text the citizen reads);
#   accepted → answered directly, by the officer who accepted it only (a commune with one
#   officer need not assign the item to themself first): the answer records them as its
#   officer (`ANSWER_WITHOUT_ASSIGNING`); anyone else needs the item assigned first.
#   assigned → assigned: handed to another officer.
# Escalate (to the parent unit, with a reason) from received, accepted, assigned and reopened:
#   received stays received (the parent triages it); otherwise the item lands accepted at the
#   parent, its officer dropped, waiting for the parent to assign one. Deadlines are kept.
# Transfer (to another unit of the same structure, e.g. the right commune, with a reason) from
#   received and accepted: the item arrives received at the new unit, which decides whether to
#   accept it, with accept and answer deadlines counted anew from the transfer.
# The citizen: reopens within FEEDBACK_REOPEN_DAYS of the answer (answered or closed → reopened,
#   with a reason; a fresh answer deadline), the unit then assigns an officer again; or closes an
#   answered item they are satisfied with.
# The worker's only move: answered → closed, FEEDBACK_CLOSE_AFTER_DAYS after the answer; it never
#   accepts, rejects, assigns, answers, escalates or transfers anything (people decide those).
# Every move, self-loops included (escalate, transfer, re-assign), is a FeedbackTransition row.
# Deadlines, on the office calendar, both counted from the sending (anew after a transfer; the
# answer's anew after a reopening): accept within FEEDBACK_ACCEPT_HOURS working hours (urgent:
# FEEDBACK_URGENT_ACCEPT_HOURS), answer within FEEDBACK_ANSWER_HOURS. Past one, the overdue
# sweep tells the unit above once per deadline (the told column holds the deadline told).
ACCEPT_DEADLINE = Deadline(
    hours="FEEDBACK_ACCEPT_HOURS",
    name="accept",
    working=True,
    due_field="accept_due",
    told_field="accept_due_notified",
    told_is_due=True,
)
ANSWER_DEADLINE = Deadline(
    hours="FEEDBACK_ANSWER_HOURS",
    name="answer",
    working=True,
    due_field="answer_due",
    told_field="answer_due_notified",
    told_is_due=True,
)
FEEDBACK_STATES = StateGraph(
    states=FeedbackState,
    start=S.RECEIVED,
    deadlines={
        S.RECEIVED: ACCEPT_DEADLINE,
        S.ACCEPTED: ANSWER_DEADLINE,
        S.ASSIGNED: ANSWER_DEADLINE,
        S.REOPENED: ANSWER_DEADLINE,
    },
    moves={
        S.RECEIVED: frozenset({S.ACCEPTED, S.REJECTED, S.RECEIVED}),
        S.ACCEPTED: frozenset({S.ASSIGNED, S.ANSWERED, S.ACCEPTED, S.RECEIVED}),
        S.ASSIGNED: frozenset({S.ANSWERED, S.ASSIGNED, S.ACCEPTED}),
        S.ANSWERED: frozenset({S.CLOSED, S.REOPENED}),
        S.CLOSED: frozenset({S.REOPENED}),
        S.REOPENED: frozenset({S.ASSIGNED, S.ACCEPTED}),
    },
    needs_reason=frozenset(
        {
            (S.RECEIVED, S.REJECTED),
            (S.ANSWERED, S.REOPENED),
            (S.CLOSED, S.REOPENED),
            # escalate and transfer
            (S.RECEIVED, S.RECEIVED),
            (S.ACCEPTED, S.ACCEPTED),
            (S.ACCEPTED, S.RECEIVED),
            (S.ASSIGNED, S.ACCEPTED),
            (S.REOPENED, S.ACCEPTED),
        }
    ),
)
# Which states each action starts from, and where it leaves the item (None: as in the graph for
# that starting state, see `landing`). The graph above allows exactly these moves.
ACTION_FROM: dict[FeedbackAction, frozenset[FeedbackState]] = {
    A.ACCEPT: frozenset({S.RECEIVED}),
    A.REJECT: frozenset({S.RECEIVED}),
    A.ASSIGN: frozenset({S.ACCEPTED, S.ASSIGNED, S.REOPENED}),
    A.ANSWER: frozenset({S.ASSIGNED, S.ACCEPTED}),
    A.ESCALATE: frozenset({S.RECEIVED, S.ACCEPTED, S.ASSIGNED, S.REOPENED}),
    A.TRANSFER: frozenset({S.RECEIVED, S.ACCEPTED}),
    A.REOPEN: frozenset({S.ANSWERED, S.CLOSED}),
    A.CLOSE: frozenset({S.ANSWERED}),
}


# The states an item is answered from by the officer who accepted it, without an assignment
# (see the graph's comment); from the others' hands it must be assigned first.
ANSWER_WITHOUT_ASSIGNING: frozenset[FeedbackState] = frozenset({S.ACCEPTED})


def landing(action: FeedbackAction, current: FeedbackState) -> FeedbackState:
    """The state `action` leaves an item in that is `current` now."""
    if action == A.ESCALATE:
        return S.RECEIVED if current == S.RECEIVED else S.ACCEPTED
    return {
        A.ACCEPT: S.ACCEPTED,
        A.REJECT: S.REJECTED,
        A.ASSIGN: S.ASSIGNED,
        A.ANSWER: S.ANSWERED,
        A.TRANSFER: S.RECEIVED,
        A.REOPEN: S.REOPENED,
        A.CLOSE: S.CLOSED,
    }[action]


class FeedbackQuerySet(UnitRowQuerySet):
    def standard(self) -> FeedbackQuerySet:
        return self.select_related(
            "unit", "unit__parent", "category", "citizen", "assigned_to", "answered_by"
        )


class Feedback(models.Model):
    # "PA-2026-7K3QXM": PA for phản ánh, the year sent, six characters from an alphabet without
    # look-alikes (see congdong.feedback.actions.new_code).
    code = models.CharField(_("tracking code"), max_length=20, unique=True)
    # PROTECT: the sender is part of the record; citizens' accounts are locked, not deleted.
    citizen = recorded_account(_("sender"), related_name="feedback")
    # The unit now responsible: where it was sent, until escalated or transferred.
    unit = owning_unit("feedback")
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="feedback", verbose_name=_("category")
    )
    text = models.TextField(_("text"), max_length=5000, help_text=_("Plain text."))
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    public = models.BooleanField(
        _("answer may be published"),
        default=False,
        help_text=_("The answer may be shown on the unit's page, without the sender's identity."),
    )
    # Law 91/2025 on personal data: when the sender agreed, and to which text.
    consent_at = models.DateTimeField(_("consent given at"))
    consent_version = models.CharField(_("consent text version"), max_length=20)
    urgent = models.BooleanField(_("urgent"), default=False)
    state = models.CharField(
        _("state"), max_length=20, choices=FeedbackState.choices, default=FeedbackState.RECEIVED
    )
    reject_reason = models.CharField(
        _("rejected as"), max_length=20, choices=RejectReason.choices, blank=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback_assigned",
        verbose_name=_("assigned to"),
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = acting_account(_("answered by"), on_delete=models.PROTECT)
    accept_due = models.DateTimeField(_("accept by"))
    answer_due = models.DateTimeField(_("answer by"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The deadline whose lapse the unit above was told about (congdong.feedback.notices): equal
    # to accept_due (answer_due) once notified. A transfer or reopening sets a new deadline,
    # which is then notified again if it lapses too; the same deadline never twice.
    accept_due_notified = models.DateTimeField(
        _("late acceptance notified for"), null=True, blank=True
    )
    answer_due_notified = models.DateTimeField(_("late answer notified for"), null=True, blank=True)
    created_at = models.DateTimeField(_("sent at"))
    updated_at = models.DateTimeField(_("updated at"))

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        indexes = [
            # A unit's queue by state, oldest deadline first; the overdue sweep.
            models.Index(fields=["unit", "state"]),
            models.Index(fields=["state", "accept_due"]),
            models.Index(fields=["state", "answer_due"]),
            # The worker closing answered items; the daily limit per citizen.
            models.Index(fields=["state", "answered_at"]),
            models.Index(fields=["citizen", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.code


class AttachmentKind(models.TextChoices):
    PICTURE = "picture", _("picture")
    PDF = "pdf", _("PDF document")


class FeedbackAttachment(UploadedFile):
    """A picture (re-encoded JPEG) or PDF sent with the feedback, stored under a random name.

    Personal and possibly sensitive: serve it only through a view that checks access, never
    by its media address alone.
    """

    feedback = models.ForeignKey(
        Feedback, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("feedback")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to="feedback/%Y/%m/", storage=private_storage)

    class Meta(UploadedFile.Meta):
        verbose_name = _("feedback attachment")
        verbose_name_plural = _("feedback attachments")

    @property
    def content_type(self) -> str:
        return "application/pdf" if self.kind == AttachmentKind.PDF else "image/jpeg"

    @property
    def download_name(self) -> str | None:
        """Documents are downloaded under the name they were sent with, never opened in the
        browser; pictures are shown."""
        return self.original_name if self.kind == AttachmentKind.PDF else None


class FeedbackTransition(Transition):
    """One move of an item: the audit log, and the history its sender and officers read.

    Its `reason`: why (reject, escalate, transfer, reopen); for an answer, the answer's text, so
    every answer of a reopened item stays in the history. `actor` is None when the worker
    made the move."""

    graph = FEEDBACK_STATES
    subject = "feedback"
    feedback = subject_key(Feedback)
    action = models.CharField(max_length=20, choices=FeedbackAction.choices)
    from_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    # The officer an assign move handed the item to.
    officer = acting_account()

    Meta = transition_meta(_("feedback state change"), _("feedback state changes"))

    def __str__(self) -> str:
        moved = f"{self.from_state or '∅'} → {self.to_state}"
        return f"{self.feedback}: {moved} ({self.at:%Y-%m-%d %H:%M})"


class AccessKind(models.TextChoices):
    VIEW = "view", pgettext_lazy("feedback access", "opened")
    ATTACHMENT = "attachment", pgettext_lazy("feedback access", "opened an attachment")
    API = "api", pgettext_lazy("feedback access", "read through the API")
    EXPORT = "export", pgettext_lazy("feedback access", "exported")
    # Returned with its text, place and coordinates in a list (the staff API's queue).
    LIST = "list", pgettext_lazy("feedback access", "read in a list")


class FeedbackAccess(models.Model):
    """One reading of an individual item by staff: Decree 356/2025 treats political opinion as
    sensitive data, so every access to a raw item (not to aggregates) is recorded here.
    Rows are only ever added (`actions.log_access`); the admin shows them read-only."""

    feedback = models.ForeignKey(
        Feedback, on_delete=models.CASCADE, related_name="accesses", verbose_name=_("feedback")
    )
    user = recorded_account(_("read by"))
    kind = models.CharField(_("how"), max_length=12, choices=AccessKind.choices)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("access to feedback")
        verbose_name_plural = _("accesses to feedback")

    def __str__(self) -> str:
        return f"{self.user} → {self.feedback} ({self.kind}, {self.at:%Y-%m-%d %H:%M})"


# The version (core.versions) of everything the people's situation is made from: items and
# their transitions. Every write of feedback/actions.py bumps it; the report is cached under it.
ITEMS_VERSION = "feedback:items"
