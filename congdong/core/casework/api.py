"""Schema parts and the list endpoint's body shared by the casework registers' JSON API."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Schema

from congdong.core.casework.cases import Cases
from congdong.core.workflow.models import Transition


class CaseTransitionOut(Schema):
    """One move of a case (each register names its own subclass, for the OpenAPI document)."""

    from_state: str
    to_state: str
    actor_id: int | None
    note: str  # the API's name for the row's reason (its public contract)
    at: datetime.datetime

    @staticmethod
    def resolve_note(row: Transition) -> str:
        return row.reason


def case_list(
    cases: Cases, user: Any, limit: int, offset: int, *, open_only: bool, overdue: bool = False
) -> dict[str, Any]:
    """A register's list endpoint: the cases `user` handles, nearest deadline first (only the
    undecided ones, or only the overdue ones, when asked), `limit` of them from `offset`, and
    how many there are in all."""
    items = cases.to_handle(user).order_by(cases.due_field, "pk")
    if open_only:
        items = items.filter(state__in=list(cases.open_states))
    if overdue:
        items = items & cases.overdue(None)
    return {"count": items.count(), "items": list(items[offset : offset + limit])}
