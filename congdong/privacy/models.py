"""Personal data (Law 91/2025/QH15, Decree 356/2025/NĐ-CP): what citizens agreed to and when
(`ConsentRecord`), and their requests about their data (`DataRequest`) with every move as a row.

A citizen's account is national, not a unit's: requests are handled by the holders of
PROTECT_DATA on a central unit (congdong.privacy.queries).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from congdong.accounts.models import recorded_account
from congdong.core.models import acting_account
from congdong.core.workflow.graph import Deadline, StateGraph
from congdong.core.workflow.models import Transition, subject_key, transition_meta


class ConsentPurpose(models.TextChoices):
    # Required: without it there is no account (withdrawing it is deleting the account).
    ACCOUNT = "account", _("Your account and the use of the community pages")
    # One per feedback item, given on the feedback form (congdong.feedback.actions.do_submit).
    FEEDBACK = "feedback", _("Handling of a feedback item you sent")
    # Optional: the daily digest of notifications sent outside the site (SMS or email).
    DIGEST = "digest", _("Daily digest of your notifications by SMS or email")


# Purposes a citizen withdraws on their data page; the account's is withdrawn by deleting the
# account, a feedback item's cannot be (the handling record is kept by law, see docs/privacy.md).
WITHDRAWABLE = frozenset({ConsentPurpose.DIGEST})


class DigestChoice(models.TextChoices):
    """How the daily digest goes: the setting is congdong.engagement's (NotificationSettings),
    the consent to it this app's, which asks for the channel with it."""

    NONE = "none", _("No digest, the bell is enough")
    EMAIL = "email", _("Daily digest by email")
    SMS = "sms", _("Daily digest by SMS")


class Channel(models.TextChoices):
    WEB = "web", _("website")
    API = "api", _("mobile app (API)")


class ConsentQuerySet(models.QuerySet):
    def active(self) -> ConsentQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class ConsentRecord(models.Model):
    """`user` agreed to `purpose` under the policy (or consent text) `policy_version`, at
    `given_at`, through `how`. Withdrawing sets `withdrawn_at`; rows are never deleted: they are
    the proof of consent the law asks the controller to keep."""

    user = recorded_account(_("account"), related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    policy_version = models.CharField(_("policy version"), max_length=20)
    # What the consent is about when there is one per thing (a feedback item's tracking code).
    reference = models.CharField(_("about"), max_length=40, blank=True)
    given_at = models.DateTimeField(_("given at"))
    how = models.CharField(_("how"), max_length=10, choices=Channel.choices)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_how = models.CharField(
        _("withdrawn through"), max_length=10, choices=Channel.choices, blank=True
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_at", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            # One consent in force per purpose (feedback: one per item).
            models.UniqueConstraint(
                fields=["user", "purpose"],
                condition=Q(withdrawn_at__isnull=True) & ~Q(purpose="feedback"),
                name="consent_one_active",
            )
        ]
        indexes = [models.Index(fields=["user", "purpose", "withdrawn_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.purpose} · {self.policy_version}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None

    @property
    def withdrawable(self) -> bool:
        return self.active and self.purpose in WITHDRAWABLE


class RequestKind(models.TextChoices):
    """The rights of the data subject (Law 91/2025, art. 4) a request exercises."""

    ACCESS = "access", _("see or get a copy of my data")
    CORRECT = "correct", _("correct my data")
    DELETE = "delete", _("delete my data")
    WITHDRAW = "withdraw", _("withdraw a consent")
    OBJECT = "object", _("object to a processing")
    RESTRICT = "restrict", _("restrict a processing")
    OTHER = "other", _("other question or complaint")


class RequestState(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("data request state", "newly received")
    IN_PROGRESS = "in_progress", pgettext_lazy("data request state", "in progress")
    ANSWERED = "answered", pgettext_lazy("data request state", "answer sent")
    REFUSED = "refused", pgettext_lazy("data request state", "refused")


R = RequestState
# received → in_progress (an officer takes it) → answered | refused; an officer may also answer
# or refuse straight from received. Answering and refusing need the text the citizen reads (a
# refusal its legal reason). People decide every move; the worker only marks requests overdue
# (congdong.privacy.notices). Self-service acts (download, correct, delete, withdraw) are
# recorded as requests born answered, so the register is complete. Every move is a row.
# Answered within PRIVACY_REQUEST_WORKING_DAYS whole working days of the office calendar
# (`due_at`, set at receipt); past it, while open, the sweep marks it once (`overdue_at`).
REQUEST_STATES = StateGraph(
    states=RequestState,
    deadlines=dict.fromkeys(
        (R.RECEIVED, R.IN_PROGRESS),
        Deadline(days="PRIVACY_REQUEST_WORKING_DAYS", told_field="overdue_at"),
    ),
    moves={
        R.RECEIVED: frozenset({R.IN_PROGRESS, R.ANSWERED, R.REFUSED}),
        R.IN_PROGRESS: frozenset({R.ANSWERED, R.REFUSED}),
    },
    needs_reason=frozenset(
        {
            (R.RECEIVED, R.ANSWERED),
            (R.RECEIVED, R.REFUSED),
            (R.IN_PROGRESS, R.ANSWERED),
            (R.IN_PROGRESS, R.REFUSED),
        }
    ),
)
OPEN_STATES = frozenset({R.RECEIVED, R.IN_PROGRESS})


class DataRequestQuerySet(models.QuerySet):
    def standard(self) -> DataRequestQuerySet:
        return self.select_related("citizen", "handled_by")

    def open(self) -> DataRequestQuerySet:
        return self.filter(state__in=OPEN_STATES)


class DataRequest(models.Model):
    citizen = recorded_account(_("citizen"), related_name="data_requests")
    kind = models.CharField(_("request"), max_length=10, choices=RequestKind.choices)
    text = models.TextField(_("text"), max_length=3000, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=RequestState.choices, default=RequestState.RECEIVED
    )
    answer = models.TextField(_("answer"), blank=True)
    # Done by the citizen on their data page (born answered), not handled by an officer.
    self_service = models.BooleanField(_("self-service"), default=False)
    how = models.CharField(_("how"), max_length=10, choices=Channel.choices)
    received_at = models.DateTimeField(_("received at"))
    due_at = models.DateTimeField(_("answer by"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    handled_by = acting_account(_("handled by"), on_delete=models.PROTECT)
    # The row is the truth for the overdue alarm: set once, by a conditional UPDATE.
    overdue_at = models.DateTimeField(_("marked overdue at"), null=True, blank=True)

    objects = DataRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("personal data request")
        verbose_name_plural = _("personal data requests")
        indexes = [
            models.Index(fields=["state", "due_at"]),
            models.Index(fields=["citizen", "received_at"]),
        ]

    def __str__(self) -> str:
        return f"YC-{self.pk} {self.kind} ({self.state})"

    @property
    def code(self) -> str:
        return f"YC-{self.pk:06d}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class DataRequestTransition(Transition):
    """One move of a request (the receipt is the first, from no state): the audit log."""

    graph = REQUEST_STATES
    subject = "request"
    request = subject_key(DataRequest, kept_by_law=True)

    Meta = transition_meta(
        _("personal data request state change"), _("personal data request state changes")
    )
