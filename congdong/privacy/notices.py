"""What personal data requests tell people (issue 16.3), and the overdue alarm.

A request's sender is told, through `notify()`, that it was received, answered or refused, and
that it is late; the data protection officers of the central unit (`queries.central_officers`,
the only ones who may handle it) that a new one waits in their queue. Self-service acts (born
answered, done by the citizen) tell nobody.

The overdue alarm for citizens' personal data requests not answered in 2 working days.

The row is the truth: `overdue_at` is set by a conditional UPDATE, so a rerun, a late run or
two workers never raise the same alarm twice. The alarm is an email to the data protection
officers of the central unit who have an address, and a warning in the log; the staff queue
shows the request as overdue from then on.
"""

from __future__ import annotations

import datetime
import logging

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from congdong.accounts.models import User
from congdong.core.links import absolute_url
from congdong.engagement.actions.notify import notify
from congdong.engagement.models import NotificationKind
from congdong.privacy import queries
from congdong.privacy.models import OPEN_STATES, DataRequest, DataRequestTransition, RequestState

K = NotificationKind

logger = logging.getLogger(__name__)
BATCH = 500


def notify_overdue(now: datetime.datetime | None = None, batch: int = BATCH) -> int:
    """Mark the requests past their deadline at `now` not yet marked; returns how many."""
    now = now or timezone.now()
    due = list(
        DataRequest.objects.filter(state__in=OPEN_STATES, due_at__lt=now, overdue_at__isnull=True)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)[:batch]
    )
    marked = []
    for request_id in due:
        with transaction.atomic():
            claimed = DataRequest.objects.filter(
                pk=request_id, state__in=OPEN_STATES, overdue_at__isnull=True
            ).update(overdue_at=now)
            if not claimed:  # answered or marked meanwhile
                continue
            marked.append(request_id)
            # The sender is told their request is late, with the mark, once.
            citizen = DataRequest.objects.values_list("citizen_id", flat=True).get(pk=request_id)
            notify(
                [citizen],
                K.PRIVACY_OVERDUE,
                key=f"data-request-late:{request_id}",
                at=now,
                data_request_id=request_id,
            )
    if not marked:
        return 0
    items = list(DataRequest.objects.filter(pk__in=marked).order_by("due_at", "pk"))
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
    return len(items)


def tell_move(item: DataRequest, move: DataRequestTransition) -> int:
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
