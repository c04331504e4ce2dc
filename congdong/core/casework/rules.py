"""Rules shared by the casework registers' actions."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.utils.translation import gettext as _

from congdong.core.errors import ActionError
from congdong.core.text import plain
from congdong.core.workflow.graph import StateGraph

MIN_WRITTEN = 5

Case = TypeVar("Case")


@dataclass(frozen=True)
class Decision(Generic[Case]):
    """A checked move of a case (what a register's `check_*` returns and its `do_*` makes):
    to the state `to`, with the handler's note, at `now`, writing `changes` on the row."""

    item: Case
    to: str
    note: str
    now: datetime.datetime
    changes: Mapping[str, Any] = field(default_factory=dict)


def written(text: str | None, field: str, empty: str, most: int) -> str:
    """What a handler wrote for a move (what was done, an answer, a legal reason): at least
    five characters (else `empty`, on `field`), at most `most`."""
    body = plain(text)
    if len(body) < MIN_WRITTEN:
        raise ActionError(empty, field=field)
    if len(body) > most:
        raise ActionError(_("At most %(max)d characters.") % {"max": most}, field=field)
    return body


def refusal(reason: str | None, most: int) -> str:
    """A refusal's legal reason, which the requester may contest (the field `reason`, as on
    the shared refusing form), at most `most` characters."""
    return written(
        reason, "reason", _("Give the legal reason for refusing (at least 5 characters)."), most
    )


def check_movable(graph: StateGraph, item: Any, to: str, refused: str) -> None:
    """Refuse (on the field `state`) a move of the case `item` to `to` that `graph` does not
    let a person make; `refused` names the case's state as `%(state)s`."""
    if not graph.allowed_for_person(item.state, to):
        raise ActionError(refused % {"state": graph.choices_class(item.state).label}, field="state")
