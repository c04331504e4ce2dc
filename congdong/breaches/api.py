"""The breach register in the JSON API, for data protection officers and unit admins: list,
record, read (with the drafted notice), mark notified, close. Every call goes through
`congdong.breaches.actions` and `access_breach` (404 outside the caller's units)."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from congdong.accounts.tokens import TOKEN_OR_SESSION
from congdong.breaches import actions, queries
from congdong.breaches.models import Breach, BreachState
from congdong.breaches.notice import draft
from congdong.core.api import MAX_OFFSET
from congdong.core.casework.api import CaseTransitionOut, case_list

router = Router(tags=["breaches"])


class BreachTransitionOut(CaseTransitionOut):
    pass


class BreachOut(Schema):
    id: int
    unit_id: int
    unit: str
    discovered_at: datetime.datetime
    occurred_at: datetime.datetime | None
    description: str
    data_categories: str
    subjects_count: int | None
    consequences: str
    measures: str
    contact: str
    state: BreachState
    notice_due_at: datetime.datetime
    overdue: bool
    minutes_left: int | None  # negative when late; None once notified or closed
    notified_at: datetime.datetime | None
    notice_reference: str
    late_reason: str
    closed_at: datetime.datetime | None
    recorded_by_id: int
    created_at: datetime.datetime

    @staticmethod
    def resolve_unit(item: Breach) -> str:
        return item.unit.full_name

    resolve_overdue = staticmethod(queries.CASES.is_late)
    resolve_minutes_left = staticmethod(queries.CASES.minutes_left)


class BreachDetailOut(BreachOut):
    history: list[BreachTransitionOut]
    notice_text: str

    resolve_history = staticmethod(queries.history)

    @staticmethod
    def resolve_notice_text(item: Breach) -> str:
        return draft(item).as_text()


class BreachListOut(Schema):
    count: int
    items: list[BreachOut]


class BreachIn(Schema):
    unit_id: int
    discovered_at: datetime.datetime | None = None
    occurred_at: datetime.datetime | None = None
    description: str
    data_categories: str
    subjects_count: int | None = None
    consequences: str
    measures: str
    contact: str


class NotifyIn(Schema):
    reference: str
    notified_at: datetime.datetime | None = None
    late_reason: str = ""


class CloseIn(Schema):
    note: str


@router.get("/breaches", response=BreachListOut, auth=TOKEN_OR_SESSION)
def breach_list(
    request: HttpRequest,
    open_only: bool = Query(False, description="only breaches not yet notified"),
    overdue: bool = False,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    """Breaches of the caller's units (and below), nearest notice deadline first."""
    return case_list(
        queries.CASES, request.user, limit, offset, open_only=open_only, overdue=overdue
    )


@router.post("/breaches", response={201: BreachOut}, auth=TOKEN_OR_SESSION)
def create(request: HttpRequest, body: BreachIn):
    """Record a breach; the authority must be notified within 72 hours of `discovered_at`."""
    return Status(201, actions.record(request.user, body.dict()))


@router.get("/breaches/{breach_id}", response=BreachDetailOut, auth=TOKEN_OR_SESSION)
def detail(request: HttpRequest, breach_id: int):
    return queries.access_breach(request.user, breach_id)


@router.post("/breaches/{breach_id}/notified", response=BreachOut, auth=TOKEN_OR_SESSION)
def notified(request: HttpRequest, breach_id: int, body: NotifyIn):
    """Record that the notice was sent to the authority (after the deadline: why late)."""
    return actions.notify(
        request.user,
        breach_id,
        body.reference,
        notified_at=body.notified_at,
        late_reason=body.late_reason,
    )


@router.post("/breaches/{breach_id}/close", response=BreachOut, auth=TOKEN_OR_SESSION)
def close(request: HttpRequest, breach_id: int, body: CloseIn):
    return actions.close(request.user, breach_id, body.note)
