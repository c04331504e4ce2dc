"""Overdue notices: the unit above is told, once per lapsed deadline, of items its units below did
not accept or answer in time (issue 6: "overdue items are … notified to the unit above").

The row is the truth: `Feedback.accept_due_notified` (`answer_due_notified`) holds the deadline
whose lapse was told. Each item is claimed by a conditional UPDATE that sets it, in the same
transaction as the notifications, so a rerun, a late run or two workers at once never notify
twice; a new deadline (a transfer, a reopening) is notified again if it lapses too.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from congdong.engagement.models import Notification, NotificationKind
from congdong.feedback.models import Feedback, FeedbackState
from congdong.feedback.queries import ANSWER_STATES, handlers_above, overdue
from congdong.units.models import Unit

S = FeedbackState
# Items claimed per run; the next run takes the rest (the job runs every few minutes).
BATCH = 500


@dataclass(frozen=True)
class Lapse:
    """One kind of deadline: which state waits on it, its column, and its 'told' column."""

    kind: NotificationKind
    states: tuple[str, ...]
    due: str
    notified: str


K = NotificationKind
LAPSES = (
    Lapse(K.FEEDBACK_LATE_ACCEPT, (S.RECEIVED,), "accept_due", "accept_due_notified"),
    Lapse(K.FEEDBACK_LATE_ANSWER, ANSWER_STATES, "answer_due", "answer_due_notified"),
)


def _not_told(lapse: Lapse) -> Q:
    return Q(**{f"{lapse.notified}__isnull": True}) | ~Q(**{lapse.notified: F(lapse.due)})


def notify_overdue(now: datetime.datetime | None = None, batch: int = BATCH) -> int:
    """Tell the handlers of the unit above each item past its deadline at `now` and not yet
    told for that deadline; returns how many items this call notified about.

    The recipients are the active feedback officers and admins placed on the nearest unit
    above the item's unit that has any (the parent, or higher if the parent has nobody). An
    item with nobody above (the central unit's own) is marked told all the same.
    """
    now = now or timezone.now()
    above: dict[int, list[int]] = {}  # unit id → recipients, once per run
    told = 0
    for lapse in LAPSES:
        rows = list(
            overdue(now)
            .filter(state__in=lapse.states)
            .filter(_not_told(lapse))
            .order_by(lapse.due, "pk")
            .values_list("pk", "state", "unit_id", lapse.due)[:batch]
        )
        for item_id, state, unit_id, due in rows:
            if unit_id not in above:
                _unit, above[unit_id] = handlers_above(Unit.objects.get(pk=unit_id))
            with transaction.atomic():
                claimed = (
                    Feedback.objects.filter(
                        pk=item_id, state=state, unit_id=unit_id, **{lapse.due: due}
                    )
                    .exclude(**{lapse.notified: due})
                    .update(**{lapse.notified: due})
                )
                if not claimed:  # moved or told meanwhile
                    continue
                Notification.objects.bulk_create(
                    [
                        Notification(
                            recipient_id=user, kind=lapse.kind, feedback_id=item_id, created_at=now
                        )
                        for user in above[unit_id]
                    ]
                )
            told += 1
    return told
