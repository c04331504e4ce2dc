"""Schema parts shared by the casework registers' JSON API."""

from __future__ import annotations

import datetime

from ninja import Schema

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
