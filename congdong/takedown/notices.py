"""Overdue alarms up the tree for takedown requests not decided in time, and the notice to a
page's staff when a request removed content from it.

Past the deadline, the moderators and admins of the nearest unit above the content's unit are
told; past twice the deadline, the central unit's admins too. The row is the truth:
`late_notified_at` (`central_notified_at`) is set by a conditional UPDATE in the same
transaction as the notifications, so a rerun, a late run or two workers never alarm twice.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from congdong.engagement.actions.notify import notify
from congdong.engagement.models import Notification, NotificationKind
from congdong.takedown import queries
from congdong.takedown.models import TakedownRequest, TakedownState, TakedownTransition
from congdong.units.models import Unit

BATCH = 500


@dataclass(frozen=True)
class Alarm:
    kind: NotificationKind
    due: str  # the column the alarm waits on
    notified: str  # the column saying it was raised
    central: bool  # to the central unit's admins (else the unit above)


ALARMS = (
    Alarm(NotificationKind.TAKEDOWN_LATE, "due_at", "late_notified_at", central=False),
    Alarm(
        NotificationKind.TAKEDOWN_VERY_LATE,
        "alarm_central_at",
        "central_notified_at",
        central=True,
    ),
)


def notify_overdue(now: datetime.datetime | None = None, batch: int = BATCH) -> int:
    """Raise each alarm due at `now` and not yet raised; returns how many were raised. A request
    with nobody to tell (content of the central unit's own page) is marked told all the same."""
    now = now or timezone.now()
    raised = 0
    for alarm in ALARMS:
        rows = list(
            TakedownRequest.objects.filter(
                state=TakedownState.RECEIVED,
                **{f"{alarm.due}__lt": now, f"{alarm.notified}__isnull": True},
            )
            .order_by(alarm.due, "pk")
            .values_list("pk", "unit_id")[:batch]
        )
        recipients: dict[int, list[int]] = {}
        for request_id, unit_id in rows:
            if unit_id not in recipients:
                unit = Unit.objects.get(pk=unit_id)
                recipients[unit_id] = (
                    queries.central_admins(unit) if alarm.central else queries.handlers_above(unit)
                )
            with transaction.atomic():
                claimed = TakedownRequest.objects.filter(
                    pk=request_id,
                    state=TakedownState.RECEIVED,
                    **{f"{alarm.notified}__isnull": True},
                ).update(**{alarm.notified: now})
                if not claimed:  # decided or told meanwhile
                    continue
                Notification.objects.bulk_create(
                    [
                        Notification(
                            recipient_id=user,
                            kind=alarm.kind,
                            takedown_id=request_id,
                            created_at=now,
                        )
                        for user in recipients[unit_id]
                    ]
                )
            raised += 1
    return raised


def tell_page_staff(request_id: int, actor_id: int | None, *, at: datetime.datetime) -> int:
    """Tell the admins, editors and operators of the page a request removed content from
    (not the person who acted); returns how many were told. `do_act` calls it after commit."""
    item = TakedownRequest.objects.filter(pk=request_id, state=TakedownState.ACTIONED).first()
    if item is None:
        return 0
    rows = [
        Notification(
            recipient_id=user,
            kind=NotificationKind.TAKEDOWN_ACTED,
            takedown_id=item.pk,
            created_at=at,
        )
        for user in queries.page_staff(item.unit)
        if user != actor_id
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


def tell_received(item: TakedownRequest, move: TakedownTransition) -> int:
    """A request just recorded (in the caller's transaction) lands in the queue of the
    moderators and admins of its content's unit (`queries.handlers_at`), the one who recorded
    it aside (issue 16.3: a request to handle, addressed to their unit)."""
    staff = [pk for pk in queries.handlers_at(item.unit) if pk != move.actor_id]
    return notify(
        staff,
        NotificationKind.TAKEDOWN_NEW,
        key=f"takedown-move:{move.pk}",
        at=move.at,
        takedown_id=item.pk,
    )
