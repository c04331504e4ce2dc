"""The register of personal data breaches (sổ theo dõi vi phạm bảo vệ dữ liệu cá nhân).

Law 91/2025/QH15 on personal data protection and Decree 356/2025/NĐ-CP oblige the controller to
notify the specialised personal data protection authority — the Department of Cybersecurity and
High-Tech Crime Prevention (A05), Ministry of Public Security — within 72 hours of discovering a
breach. The hours are wall-clock hours (settings.BREACH_NOTICE_HOURS).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from congdong.accounts.models import recorded_account
from congdong.core.workflow.graph import Deadline, StateGraph
from congdong.core.workflow.models import Transition, subject_key, transition_meta
from congdong.units.models import owning_unit


class BreachState(models.TextChoices):
    RECORDED = "recorded", pgettext_lazy("breach state", "recorded, not yet notified")
    NOTIFIED = "notified", pgettext_lazy("breach state", "authority notified")
    CLOSED = "closed", pgettext_lazy("breach state", "closed")


S = BreachState
# recorded → notified: the notice was sent to A05 (its number and time are kept; after the
#   deadline the reason for the delay is required, and goes into the notice);
# notified → closed: the consequences were dealt with;
# recorded → closed: only with a reason (checked and found not to be a breach of personal data).
# Every move is a person's; the worker only raises the overdue alarm (congdong.breaches.tasks).
# The authority must be notified within BREACH_NOTICE_HOURS wall-clock hours of the discovery
# (`notice_due_at`); past it the sweep raises the alarm once (`alarmed_at`).
BREACH_STATES = StateGraph(
    states=BreachState,
    deadlines={
        S.RECORDED: Deadline(
            "BREACH_NOTICE_HOURS", due_field="notice_due_at", told_field="alarmed_at"
        )
    },
    moves={S.RECORDED: frozenset({S.NOTIFIED, S.CLOSED}), S.NOTIFIED: frozenset({S.CLOSED})},
    needs_reason=frozenset({(S.RECORDED, S.CLOSED), (S.NOTIFIED, S.CLOSED)}),
)


class BreachQuerySet(models.QuerySet):
    def standard(self) -> BreachQuerySet:
        return self.select_related("unit", "recorded_by")


class Breach(models.Model):
    unit = owning_unit("breaches")
    discovered_at = models.DateTimeField(_("discovered at"))
    occurred_at = models.DateTimeField(_("occurred at"), null=True, blank=True)
    description = models.TextField(_("what happened"), max_length=5000)
    data_categories = models.TextField(_("kinds of personal data"), max_length=2000)
    subjects_count = models.PositiveIntegerField(
        _("people affected (approximate)"), null=True, blank=True
    )
    consequences = models.TextField(_("likely consequences"), max_length=3000)
    measures = models.TextField(_("measures taken and planned"), max_length=3000)
    contact = models.CharField(_("contact person"), max_length=300)
    state = models.CharField(
        _("state"), max_length=10, choices=BreachState.choices, default=BreachState.RECORDED
    )
    notice_due_at = models.DateTimeField(_("notice due at"))
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    notice_reference = models.CharField(_("notice number"), max_length=100, blank=True)
    late_reason = models.TextField(_("reason for the late notice"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The row is the truth for the overdue alarm: set once, by a conditional UPDATE.
    alarmed_at = models.DateTimeField(null=True, blank=True)
    recorded_by = recorded_account()
    created_at = models.DateTimeField(_("recorded at"))

    objects = BreachQuerySet.as_manager()

    class Meta:
        ordering = ["-discovered_at", "-pk"]
        verbose_name = _("personal data breach")
        verbose_name_plural = _("personal data breaches")
        indexes = [
            models.Index(fields=["unit", "state"]),
            models.Index(fields=["state", "notice_due_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.discovered_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.state == BreachState.RECORDED


class BreachTransition(Transition):
    """One move of a breach record (the recording is the first, from no state)."""

    graph = BREACH_STATES
    subject = "breach"
    breach = subject_key(Breach, kept_by_law=True)

    Meta = transition_meta(_("breach state change"), _("breach state changes"))
