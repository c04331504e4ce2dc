"""What personal data requests tell people (issue 16.3), and the overdue alarm.

A request's sender is told, through `notify()` (congdong.engagement's, which keeps the bell and
stands above this app: it connects it here in its AppConfig.ready()), that it was received,
answered or refused, and that it is late; the data protection officers of the central unit
(`queries.central_officers`, the only ones who may handle it) that a new one waits in their
queue. Self-service acts (born answered, done by the citizen) tell nobody.

The overdue alarm for citizens' personal data requests not answered in 2 working days.

The row is the truth: `overdue_at` is set by a conditional UPDATE, so a rerun, a late run or
two workers never raise the same alarm twice. The alarm is an email to the data protection
officers of the central unit who have an address, and a warning in the log; the staff queue
shows the request as overdue from then on.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import Protocol

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from congdong.accounts.models import User
from congdong.core.links import absolute_url
from congdong.core.workflow.models import Transition
from congdong.core.workflow.sweep import BATCH, Lapse, Overdue, register, sweep
from congdong.privacy import queries
from congdong.privacy.models import (
    REQUEST_STATES,
    DataRequest,
    RequestState,
)

logger = logging.getLogger(__name__)


class K:
    """The kinds of notification this app sends: values of engagement's NotificationKind, which
    holds their labels (its `connect` checks that each is one)."""

    PRIVACY_RECEIVED = "privacy_received"
    PRIVACY_ANSWERED = "privacy_answered"
    PRIVACY_OVERDUE = "privacy_overdue"
    PRIVACY_NEW = "privacy_new"


KINDS = (K.PRIVACY_RECEIVED, K.PRIVACY_ANSWERED, K.PRIVACY_OVERDUE, K.PRIVACY_NEW)


class Notify(Protocol):
    def __call__(
        self,
        recipients: Iterable[int],
        kind: str,
        *,
        at: datetime.datetime,
        key: str,
        data_request_id: int,
    ) -> int: ...


_notify: Notify | None = None


def connect(notify: Notify) -> None:
    """Called by the bell's owner in its AppConfig.ready(): `notify(recipients, kind, ...)` puts
    a notification of `kind` (one of `KINDS`) about the data request in each one's bell, in the
    caller's transaction, and returns how many were addressed."""
    global _notify
    _notify = notify


def notify(
    recipients: Iterable[int],
    kind: str,
    *,
    at: datetime.datetime,
    key: str,
    data_request_id: int,
) -> int:
    if _notify is None:
        raise RuntimeError("No app keeps the notifications (congdong.engagement connects them).")
    return _notify(recipients, kind, at=at, key=key, data_request_id=data_request_id)


def _mark(lapse: Lapse) -> None:
    """The sender is told their request is late, with the mark, once."""
    notify(
        [lapse.row["citizen_id"]],
        K.PRIVACY_OVERDUE,
        key=f"data-request-late:{lapse.pk}",
        at=lapse.now,
        data_request_id=lapse.pk,
    )


def _alarm(lapses: list[Lapse]) -> None:
    """After the run's marks: a warning in the log, and one email to the central officers."""
    items = list(
        DataRequest.objects.filter(pk__in=[lapse.pk for lapse in lapses]).order_by("due_at", "pk")
    )
    logger.warning("personal data requests overdue: %s", ", ".join(item.code for item in items))
    emails = list(
        User.objects.filter(pk__in=queries.central_officers())
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if emails:
        with translation.override("vi"):
            subject = render_to_string("privacy/overdue_email_subject.txt", {"count": len(items)})
            url = absolute_url(reverse("privacy:staff-list"))
            body = render_to_string("privacy/overdue_email.txt", {"items": items, "url": url})
        send_mail(" ".join(subject.split()), body, None, emails, fail_silently=True)


OVERDUE = register(
    Overdue(
        "privacy", DataRequest, REQUEST_STATES, tell=_mark, after=_alarm, fields=("citizen_id",)
    )
)


def notify_overdue(now: datetime.datetime | None = None, batch: int = BATCH) -> int:
    """Mark the requests past their deadline at `now` not yet marked (the graph's deadline,
    through the one overdue sweep); returns how many."""
    return sweep(OVERDUE, now, batch)


def tell_move(item: DataRequest, move: Transition) -> int:
    """Tell the sender and the officers of `move` (just recorded, in the caller's transaction):
    received (the sender, and the officers: new in their queue), answered or refused (the
    sender). Taking a request in hand tells nobody. Returns how many people were addressed."""
    key = f"data-request-move:{move.pk}"
    if move.to_state == RequestState.RECEIVED:
        told = notify(
            [item.citizen_id], K.PRIVACY_RECEIVED, key=key, at=move.at, data_request_id=item.pk
        )
        officers = [pk for pk in queries.central_officers() if pk != item.citizen_id]
        return told + notify(officers, K.PRIVACY_NEW, key=key, at=move.at, data_request_id=item.pk)
    if move.to_state in (RequestState.ANSWERED, RequestState.REFUSED):
        return notify(
            [item.citizen_id], K.PRIVACY_ANSWERED, key=key, at=move.at, data_request_id=item.pk
        )
    return 0
