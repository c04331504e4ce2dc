"""Feedback in the API for handling officers: the queue, an item and one call per move of the
handling graph. Every answer carries citizens' texts, so every item returned — in the queue, on
its own, after a move — is logged as read (`actions.log_access`, Decree 356/2025)."""

import datetime

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from congdong.accounts.tokens import TOKEN_OR_SESSION
from congdong.core.api import MAX_OFFSET
from congdong.core.errors import ActionError
from congdong.core.web import client_ip
from congdong.feedback import actions as handling
from congdong.feedback import queries as handling_queries
from congdong.feedback.models import (
    OPEN_STATES,
    AccessKind,
    Feedback,
    FeedbackState,
    RejectReason,
)

router = Router(tags=["feedback"])


class StaffUnitOut(Schema):
    id: int
    code: str
    name: str = Field(..., alias="full_name")
    level: str


class StaffTransitionOut(Schema):
    action: str
    from_state: str
    to_state: str
    actor_id: int | None
    officer_id: int | None
    from_unit_id: int
    to_unit_id: int
    reason: str
    at: datetime.datetime


class StaffItemOut(Schema):
    """An item as its handlers see it (the sender's identity only as an id)."""

    id: int
    code: str
    state: FeedbackState
    unit: StaffUnitOut
    category_id: int
    category: str = Field(..., alias="category.name")
    text: str
    place: str
    latitude: float | None
    longitude: float | None
    public: bool
    urgent: bool
    reject_reason: str
    assigned_to_id: int | None
    answer: str
    answered_at: datetime.datetime | None
    accept_due: datetime.datetime
    answer_due: datetime.datetime
    due: datetime.datetime | None  # the deadline the item waits on now; None when none
    overdue: bool
    attachments: int
    created_at: datetime.datetime
    updated_at: datetime.datetime

    resolve_due = staticmethod(handling_queries.deadline_of)

    @staticmethod
    def resolve_overdue(item: Feedback) -> bool:
        due = handling_queries.deadline_of(item)
        return due is not None and due < timezone.now()

    @staticmethod
    def resolve_attachments(item: Feedback) -> int:
        return len(item.attachments.all())


class StaffItemDetailOut(StaffItemOut):
    history: list[StaffTransitionOut]

    resolve_history = staticmethod(handling_queries.history)


class FeedbackStaffListOut(Schema):
    count: int
    items: list[StaffItemOut]


class RejectIn(Schema):
    reason_kind: RejectReason
    reason: str


class AssignIn(Schema):
    officer_id: int


class FeedbackAnswerIn(Schema):
    text: str


class EscalateIn(Schema):
    reason: str


class TransferIn(Schema):
    unit_id: int
    reason: str


def _read(request: HttpRequest, item: Feedback) -> Feedback:
    """A move answers with the item, its text included: that is a reading, logged."""
    handling.log_access(request.user, item, AccessKind.API, client_ip(request))
    return item


@router.get("/feedback/to-handle", response=FeedbackStaffListOut, auth=TOKEN_OR_SESSION)
def to_handle(
    request: HttpRequest,
    state: FeedbackState | None = None,  # one state; default: every open one
    all_states: bool = Query(False, description="answered, closed and rejected items too"),
    unit_id: int | None = Query(None, description="a unit of the caller's, with its subtree"),
    category_id: int | None = None,
    overdue: bool = False,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    """Items the caller handles, nearest deadline first (as the queue), with their texts:
    every item returned is logged as read (Decree 356/2025), one access row each."""
    now = timezone.now()
    items = handling_queries.to_handle(request.user)
    if unit_id is not None:
        unit = handling_queries.within_handling(request.user, unit_id)
        if unit is None:
            raise ActionError(_("Choose one of the units where you handle feedback."), "unit_id")
        items = items.in_subtree(unit)
    if category_id is not None:
        items = items.filter(category_id=category_id)
    if state is not None:
        items = items.filter(state=state)
    elif not all_states:
        items = items.filter(state__in=OPEN_STATES)
    if overdue:
        items = items & handling_queries.overdue(now)
    items = handling_queries.with_due(items).prefetch_related("attachments")
    found = list(items[offset : offset + limit])
    handling.log_accesses(request.user, found, AccessKind.LIST, client_ip(request))
    return {"count": items.count(), "items": found}


@router.get("/feedback/to-handle/{feedback_id}", response=StaffItemDetailOut, auth=TOKEN_OR_SESSION)
def handle_item(request: HttpRequest, feedback_id: int):
    """One item with its history, for those who handle feedback for its unit (404 otherwise).
    Every call is logged as an access to the item (Decree 356/2025)."""
    item = handling_queries.access_feedback_to_handle(request.user, feedback_id)
    handling.log_access(request.user, item, AccessKind.API, client_ip(request))
    return item


@router.post(
    "/feedback/to-handle/{feedback_id}/accept", response=StaffItemOut, auth=TOKEN_OR_SESSION
)
def accept(request: HttpRequest, feedback_id: int):
    """Accept a received item."""
    return _read(request, handling.accept(request.user, feedback_id))


@router.post(
    "/feedback/to-handle/{feedback_id}/reject", response=StaffItemOut, auth=TOKEN_OR_SESSION
)
def reject(request: HttpRequest, feedback_id: int, body: RejectIn):
    """Reject a received item as out of scope, a duplicate or spam, with a reason the sender
    reads."""
    return _read(request, handling.reject(request.user, feedback_id, body.reason_kind, body.reason))


@router.post(
    "/feedback/to-handle/{feedback_id}/assign", response=StaffItemOut, auth=TOKEN_OR_SESSION
)
def assign(request: HttpRequest, feedback_id: int, body: AssignIn):
    """Give an accepted, assigned or reopened item to an officer who handles its unit."""
    return _read(request, handling.assign(request.user, feedback_id, body.officer_id))


@router.post(
    "/feedback/to-handle/{feedback_id}/answer", response=StaffItemOut, auth=TOKEN_OR_SESSION
)
def answer(request: HttpRequest, feedback_id: int, body: FeedbackAnswerIn):
    """Answer an assigned item; the sender reads the text."""
    return _read(request, handling.answer(request.user, feedback_id, body.text))


@router.post(
    "/feedback/to-handle/{feedback_id}/escalate", response=StaffItemOut, auth=TOKEN_OR_SESSION
)
def escalate(request: HttpRequest, feedback_id: int, body: EscalateIn):
    """Send the item to the unit above, saying why; it leaves the caller's hands unless they
    handle feedback there too."""
    return _read(request, handling.escalate(request.user, feedback_id, body.reason))


@router.post(
    "/feedback/to-handle/{feedback_id}/transfer", response=StaffItemOut, auth=TOKEN_OR_SESSION
)
def transfer(request: HttpRequest, feedback_id: int, body: TransferIn):
    """Send a received or accepted item to another unit of the same structure, saying why."""
    return _read(request, handling.transfer(request.user, feedback_id, body.unit_id, body.reason))
