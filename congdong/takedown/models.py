"""Takedown requests from the authorities (yêu cầu gỡ bỏ của cơ quan có thẩm quyền): a request
to remove a post or comment, its 24-hour timer, what was done, and every move as a row.

Decree 147/2024/NĐ-CP obliges the page to remove unlawful content within 24 hours of a
competent authority's request; the hours are wall-clock hours, not working hours.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from congdong.accounts.models import recorded_account
from congdong.core.models import acting_account
from congdong.core.workflow.graph import Deadline, StateGraph
from congdong.core.workflow.models import Transition, subject_key, transition_meta
from congdong.units.models import UnitRowQuerySet, owning_unit


class TakedownState(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("takedown state", "received")
    ACTIONED = "actioned", pgettext_lazy("takedown state", "content removed")
    REFUSED = "refused", pgettext_lazy("takedown state", "refused")


class TargetKind(models.TextChoices):
    POST = "post", _("post")
    COMMENT = "comment", _("comment")


S = TakedownState
# received → actioned: the content is hidden through its own write path (posts or comments)
#   and what was done is written down; received → refused: with the legal reason, which the
#   requesting body may contest. Both are decided by a person; the worker never moves a request
#   (it only raises the overdue alarms, see congdong.takedown.notices). Every move, the intake
#   included, is a TakedownTransition row: the audit.
# The deadline is TAKEDOWN_HOURS wall-clock hours after receipt (the unit above is alarmed past
# it), and twice that (the central unit's admins are alarmed too).
TAKEDOWN_STATES = StateGraph(
    states=TakedownState,
    moves={S.RECEIVED: frozenset({S.ACTIONED, S.REFUSED})},
    needs_reason=frozenset({(S.RECEIVED, S.ACTIONED), (S.RECEIVED, S.REFUSED)}),
    deadlines={
        S.RECEIVED: (
            Deadline("TAKEDOWN_HOURS", name="late", told_field="late_notified_at"),
            Deadline(
                "TAKEDOWN_HOURS",
                name="very_late",
                times=2,
                due_field="alarm_central_at",
                told_field="central_notified_at",
            ),
        )
    },
)
OPEN_STATES = frozenset({S.RECEIVED})


class TakedownQuerySet(UnitRowQuerySet):
    def standard(self) -> TakedownQuerySet:
        return self.select_related("unit", "unit__parent", "recorded_by", "decided_by")


class TakedownRequest(models.Model):
    authority = models.CharField(
        _("requesting body"),
        max_length=300,
        help_text=_("E.g. Department of Information and Communications of Bắc Ninh province."),
    )
    reference = models.CharField(_("reference number"), max_length=100)
    contact = models.CharField(_("contact"), max_length=300, blank=True)
    legal_basis = models.TextField(
        _("legal basis"), max_length=2000, help_text=_("E.g. Decree 147/2024/NĐ-CP, Article 23.")
    )
    # A generic reference (the content may be a post or a comment) and the text as it was at
    # intake: the record stays readable when the content is later edited or deleted.
    target_kind = models.CharField(_("content kind"), max_length=10, choices=TargetKind.choices)
    target_id = models.PositiveBigIntegerField(_("content number"))
    target_snapshot = models.TextField(_("content at intake"))
    target_url = models.CharField(_("content address"), max_length=500, blank=True)
    # The unit of the page holding the content: its moderators and admins (or above) handle it.
    unit = owning_unit("takedown_requests")
    state = models.CharField(
        _("state"), max_length=10, choices=TakedownState.choices, default=TakedownState.RECEIVED
    )
    action_taken = models.TextField(_("action taken"), blank=True)
    refuse_reason = models.TextField(_("legal reason for refusing"), blank=True)
    received_at = models.DateTimeField(_("received at"))
    due_at = models.DateTimeField(_("due at"))
    # Twice the deadline: past it the central unit's admins are alarmed too.
    alarm_central_at = models.DateTimeField(_("central unit alarmed after"))
    # The row is the truth for the alarms (congdong.takedown.notices): set, by a conditional
    # UPDATE, when the alarm was raised, so each is raised once.
    late_notified_at = models.DateTimeField(null=True, blank=True)
    central_notified_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    recorded_by = recorded_account(_("recorded by"))
    decided_by = acting_account(_("decided by"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("recorded at"))

    objects = TakedownQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("takedown request")
        verbose_name_plural = _("takedown requests")
        indexes = [
            models.Index(fields=["unit", "state"]),
            models.Index(fields=["state", "due_at"]),
            models.Index(fields=["state", "alarm_central_at"]),
            models.Index(fields=["target_kind", "target_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.authority} {self.reference}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class TakedownTransition(Transition):
    """One move of a request (the intake is the first, from no state): the audit log."""

    graph = TAKEDOWN_STATES
    subject = "request"
    request = subject_key(TakedownRequest, kept_by_law=True)

    Meta = transition_meta(_("takedown request state change"), _("takedown request state changes"))
