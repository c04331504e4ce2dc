"""What feedback tells people (issue 16.3), and the overdue notices.

Each move of an item tells, through `notify()`, its sender of every step they wait for
(received, accepted, rejected, transferred, escalated, answered, closed by the worker; late, from
the overdue sweep) and the staff whose queue it lands in (new or transferred or escalated to their
unit: `queries.handlers_at`; assigned to them; reopened by its sender). The notifications are
written with the move, in its transaction, one per person and move; whoever made the move is
not told of it (but for the sender's receipt).

Overdue notices: the unit above is told, once per lapsed deadline, of items its units below did
not accept or answer in time (issue 6: "overdue items are … notified to the unit above").

The row is the truth: `Feedback.accept_due_notified` (`answer_due_notified`) holds the deadline
whose lapse was told. Each item is claimed by a conditional UPDATE that sets it, in the same
transaction as the notifications, so a rerun, a late run or two workers at once never notify
twice; a new deadline (a transfer, a reopening) is notified again if it lapses too.
"""

from __future__ import annotations

import datetime

from congdong.core.workflow.models import Transition
from congdong.core.workflow.sweep import BATCH, Lapse, Overdue, register, sweep
from congdong.engagement.actions.notify import notify
from congdong.engagement.models import NotificationKind
from congdong.feedback.models import (
    FEEDBACK_STATES,
    Feedback,
    FeedbackAction,
    FeedbackState,
)
from congdong.feedback.queries import can_handle, handlers_above, handlers_at
from congdong.units.models import Unit

S = FeedbackState
K = NotificationKind

# What the unit above is told when each deadline of the graph lapses.
LATE = {"accept": K.FEEDBACK_LATE_ACCEPT, "answer": K.FEEDBACK_LATE_ANSWER}


def _tell_late(lapse: Lapse) -> None:
    """Tell the handlers of the unit above an item past its deadline, and its sender.

    The recipients are the active feedback officers and admins placed on the nearest unit
    above the item's unit that has any (the parent, or higher if the parent has nobody). An
    item with nobody above (the central unit's own) is marked told all the same.
    """
    unit_id, item_id = lapse.row["unit_id"], lapse.pk
    if unit_id not in lapse.memo:
        _unit, lapse.memo[unit_id] = handlers_above(Unit.objects.get(pk=unit_id))
    notify(lapse.memo[unit_id], LATE[lapse.deadline.name], at=lapse.now, feedback_id=item_id)
    # The sender too: their item is late, and its page says who holds it.
    notify(
        [lapse.row["citizen_id"]],
        K.FEEDBACK_OVERDUE,
        key=f"feedback-late:{lapse.deadline.due_field}:{lapse.due.isoformat()}",
        at=lapse.now,
        feedback_id=item_id,
    )


OVERDUE = register(
    Overdue(
        "feedback",
        Feedback,
        FEEDBACK_STATES,
        tell=_tell_late,
        fields=("unit_id", "citizen_id"),
        guard=("unit_id",),
    )
)


def notify_overdue(now: datetime.datetime | None = None, batch: int = BATCH) -> int:
    """Tell the handlers of the unit above each item past its deadline at `now` and not yet
    told for that deadline (the graph's deadlines, through the one overdue sweep); returns
    how many lapses this call told about."""
    return sweep(OVERDUE, now, batch)


# --- each move, to its sender and to the staff it lands with --------------------------------

A = FeedbackAction
# What the sender is told of each move (none: a move they made, or one inside the unit).
TO_SENDER: dict[FeedbackAction, NotificationKind] = {
    A.SUBMIT: K.FEEDBACK_RECEIVED,
    A.ACCEPT: K.FEEDBACK_ACCEPTED,
    A.REJECT: K.FEEDBACK_REJECTED,
    A.TRANSFER: K.FEEDBACK_TRANSFERRED,
    A.ESCALATE: K.FEEDBACK_ESCALATED,
    A.ANSWER: K.FEEDBACK_ANSWERED,
    A.CLOSE: K.FEEDBACK_CLOSED,  # by the worker only: the sender closing it is not told
}
# What the staff of the unit the item lands at are told.
TO_UNIT: dict[FeedbackAction, NotificationKind] = {
    A.SUBMIT: K.FEEDBACK_NEW,
    A.TRANSFER: K.FEEDBACK_TRANSFER_IN,
    A.ESCALATE: K.FEEDBACK_ESCALATE_IN,
    A.REOPEN: K.FEEDBACK_REOPENED,
}


def tell_move(item: Feedback, move: Transition) -> int:
    """Tell the sender and the staff concerned of `move` (just recorded, in the caller's
    transaction); returns how many people were addressed."""
    action = FeedbackAction(move.action)
    key = f"feedback-move:{move.pk}"
    actor = move.actor_id
    told = 0
    kind = TO_SENDER.get(action)
    # The receipt is the one move the sender is told of although they made it: it confirms
    # the code and where the item went.
    if kind is not None and (item.citizen_id != actor or action == A.SUBMIT):
        told += notify([item.citizen_id], kind, key=key, at=move.at, feedback_id=item.pk)
    staff: set[int] = set()
    kind = TO_UNIT.get(action)
    if kind is not None:
        staff = set(handlers_at(move.to_unit))
        if action == A.REOPEN and item.answered_by_id and can_handle(item.answered_by, item.unit):
            staff.add(item.answered_by_id)  # who answered it hears it was not enough
    elif action == A.ASSIGN and move.officer_id:
        kind, staff = K.FEEDBACK_ASSIGNED, {move.officer_id}
    staff.discard(actor)
    staff.discard(item.citizen_id)
    if kind is not None and staff:
        told += notify(staff, kind, key=key, at=move.at, feedback_id=item.pk)
    return told
