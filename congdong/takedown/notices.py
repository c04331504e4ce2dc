"""Overdue alarms up the tree for takedown requests not decided in time, and the notice to a
page's staff when a request removed content from it.

Past the deadline, the moderators and admins of the nearest unit above the content's unit are
told; past twice the deadline, the central unit's admins too. The row is the truth:
`late_notified_at` (`central_notified_at`) is set by a conditional UPDATE in the same
transaction as the notifications, so a rerun, a late run or two workers never alarm twice.
"""

from __future__ import annotations

import datetime

from congdong.core.workflow.models import Transition
from congdong.core.workflow.sweep import BATCH, Lapse, Overdue, register, sweep
from congdong.engagement.actions.notify import notify
from congdong.engagement.models import NotificationKind
from congdong.takedown import queries
from congdong.takedown.models import (
    TAKEDOWN_STATES,
    TakedownRequest,
    TakedownState,
)
from congdong.units.models import Unit

KIND = {"late": NotificationKind.TAKEDOWN_LATE, "very_late": NotificationKind.TAKEDOWN_VERY_LATE}


def _alarm(lapse: Lapse) -> None:
    """Past the deadline ("late"), the unit above is told; past twice the deadline
    ("very_late"), the central unit's admins. A request with nobody to tell (content of the
    central unit's own page) is marked told all the same."""
    central = lapse.deadline.name == "very_late"
    key = (central, lapse.row["unit_id"])
    if key not in lapse.memo:
        unit = Unit.objects.get(pk=lapse.row["unit_id"])
        lapse.memo[key] = queries.central_admins(unit) if central else queries.handlers_above(unit)
    notify(lapse.memo[key], KIND[lapse.deadline.name], at=lapse.now, takedown_id=lapse.pk)


OVERDUE = register(
    Overdue(
        "takedown",
        TakedownRequest,
        TAKEDOWN_STATES,
        tell=_alarm,
        fields=("unit_id",),
        guard=("unit_id",),
    )
)


def notify_overdue(now: datetime.datetime | None = None, batch: int = BATCH) -> int:
    """Raise each alarm due at `now` and not yet raised (the graph's deadlines, through the
    one overdue sweep); returns how many were raised."""
    return sweep(OVERDUE, now, batch)


def tell_page_staff(request_id: int, actor_id: int | None, *, at: datetime.datetime) -> int:
    """Tell the admins, editors and operators of the page a request removed content from
    (not the person who acted); returns how many were told. `do_act` calls it after commit."""
    item = TakedownRequest.objects.filter(pk=request_id, state=TakedownState.ACTIONED).first()
    if item is None:
        return 0
    staff = [user for user in queries.page_staff(item.unit) if user != actor_id]
    return notify(staff, NotificationKind.TAKEDOWN_ACTED, at=at, takedown_id=item.pk)


def tell_received(item: TakedownRequest, move: Transition) -> int:
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
