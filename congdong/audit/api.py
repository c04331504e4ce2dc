"""The audit log in the JSON API: the caller's subtrees only (`access_audit`), newest first."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema

from congdong.accounts.tokens import TOKEN_OR_SESSION
from congdong.audit import queries
from congdong.audit.models import Outcome, Via
from congdong.core.api import MAX_OFFSET

router = Router(tags=["audit"])


class EntryOut(Schema):
    id: int
    at: datetime.datetime
    actor_id: int | None
    actor_name: str
    ip: str | None
    via: Via
    method: str
    path: str
    action: str
    # The words the screen shows, in the language asked for (Accept-Language).
    action_label: str
    object_label: str
    object_type: str
    object_id: str
    object_text: str
    unit_id: int | None
    unit_name: str
    status: int | None
    outcome: Outcome


class AuditListOut(Schema):
    count: int
    items: list[EntryOut]


@router.get("/audit/entries", response=AuditListOut, auth=TOKEN_OR_SESSION)
def entry_list(
    request: HttpRequest,
    actor: str = Query("", max_length=150, description="part of the actor's name"),
    action: str = Query("", max_length=120, description="part of the action's name"),
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    """Audit rows of the units where the caller reads the log (and below), newest first;
    `since` and `until` are days in local time, both included."""
    scope = queries.access_audit(request.user)
    items = queries.filtered(scope, queries.Filters(actor, action, since, until))
    return {"count": items.count(), "items": list(items[offset : offset + limit])}
