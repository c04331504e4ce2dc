"""Takedown requests in the JSON API, for moderators and unit admins: list, record, read, act,
refuse. Every call goes through `congdong.takedown.actions` and `access_takedown` (404 for
requests outside the caller's units)."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from congdong.accounts.tokens import TOKEN_OR_SESSION
from congdong.core.api import MAX_OFFSET
from congdong.core.casework.api import CaseTransitionOut, case_list
from congdong.takedown import actions, queries
from congdong.takedown.models import (
    TakedownRequest,
    TakedownState,
    TargetKind,
)

router = Router(tags=["takedown"])


class TakedownTransitionOut(CaseTransitionOut):
    pass


class TakedownRequestOut(Schema):
    id: int
    authority: str
    reference: str
    contact: str
    legal_basis: str
    target_kind: TargetKind
    target_id: int
    target_snapshot: str
    target_url: str
    unit_id: int
    unit: str
    state: TakedownState
    action_taken: str
    refuse_reason: str
    received_at: datetime.datetime
    due_at: datetime.datetime
    overdue: bool
    minutes_left: int | None  # negative when late; None once decided
    decided_at: datetime.datetime | None
    decided_by_id: int | None
    recorded_by_id: int
    created_at: datetime.datetime

    @staticmethod
    def resolve_unit(item: TakedownRequest) -> str:
        return item.unit.full_name

    resolve_overdue = staticmethod(queries.CASES.is_late)
    resolve_minutes_left = staticmethod(queries.CASES.minutes_left)


class RequestDetailOut(TakedownRequestOut):
    history: list[TakedownTransitionOut]

    resolve_history = staticmethod(queries.history)


class TakedownListOut(Schema):
    count: int
    items: list[TakedownRequestOut]


class IntakeIn(Schema):
    authority: str
    reference: str
    contact: str = ""
    legal_basis: str
    target_kind: str
    target_id: int
    received_at: datetime.datetime | None = None


class ActIn(Schema):
    note: str


class TakedownRefuseIn(Schema):
    reason: str


@router.get("/takedown/requests", response=TakedownListOut, auth=TOKEN_OR_SESSION)
def request_list(
    request: HttpRequest,
    open_only: bool = Query(False, description="only requests still to decide"),
    overdue: bool = False,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    """Requests about content of the caller's units (and below), nearest deadline first."""
    return case_list(
        queries.CASES, request.user, limit, offset, open_only=open_only, overdue=overdue
    )


@router.post("/takedown/requests", response={201: TakedownRequestOut}, auth=TOKEN_OR_SESSION)
def create(request: HttpRequest, body: IntakeIn):
    """Record an authority's request about a post or comment; the timer starts at
    `received_at` (default: now)."""
    return Status(201, actions.intake(request.user, body.dict()))


@router.get("/takedown/requests/{request_id}", response=RequestDetailOut, auth=TOKEN_OR_SESSION)
def detail(request: HttpRequest, request_id: int):
    return queries.access_takedown(request.user, request_id)


@router.post(
    "/takedown/requests/{request_id}/act", response=TakedownRequestOut, auth=TOKEN_OR_SESSION
)
def act(request: HttpRequest, request_id: int, body: ActIn):
    """Hide the content from its page and record what was done."""
    return actions.act(request.user, request_id, body.note)


@router.post(
    "/takedown/requests/{request_id}/refuse", response=TakedownRequestOut, auth=TOKEN_OR_SESSION
)
def refuse(request: HttpRequest, request_id: int, body: TakedownRefuseIn):
    """Refuse the request with its legal reason; the content stays."""
    return actions.refuse(request.user, request_id, body.reason)
