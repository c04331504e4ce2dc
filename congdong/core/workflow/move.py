"""The one way a subject changes state: `move()`.

A guarded conditional UPDATE (`… WHERE state = <the state the mover saw>`, plus any other
column the mover's decision rests on), the transition row, and hooks run after the commit,
all in one transaction. A move the graph does not allow, or one someone else made first,
raises `ActionError` with a message for the person, and nothing is changed.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congdong.core.errors import ActionError
from congdong.core.workflow.models import Transition, transition_model


def _label(graph: Any, state: str) -> str:
    choices = graph.choices_class
    if choices is not None and state in choices.values:
        return str(choices(state).label)
    return state


def move(
    subject: models.Model,
    to: str,
    *,
    by: Any = None,
    reason: str = "",
    expected_from: str | None = None,
    at: datetime.datetime | None = None,
    changes: Mapping[str, Any] | None = None,
    guard: Mapping[str, Any] | None = None,
    record: Mapping[str, Any] | None = None,
    on_commit: Iterable[Callable[[], object]] = (),
    automatic: bool = False,
    changed: str | None = None,
) -> Transition:
    """Move `subject` to `to` and record it; returns the transition row.

    `expected_from` is the state the mover saw (default: the subject's, as loaded); the
    UPDATE only happens if the row is still in it (and matches `guard`, other columns the
    decision rests on). `changes` are other columns set with the move; `record` other fields
    of the transition row. `by` is the person (None: the worker); `automatic=True` allows the
    worker's moves, which a person may never make. A move that needs a reason needs `reason`.
    `on_commit` callables run after the commit (never if it rolls back). `changed` replaces
    the message given when someone moved the subject first.
    """
    model = type(subject)
    transitions = transition_model(model)
    graph = transitions.graph
    current = str(expected_from if expected_from is not None else getattr(subject, graph.field))
    to = str(to)
    if not graph.allowed(current, to) or (
        not automatic and not graph.allowed_for_person(current, to)
    ):
        raise ActionError(
            _("This cannot be moved from “%(from)s” to “%(to)s”.")
            % {"from": _label(graph, current), "to": _label(graph, to)},
            field=graph.field,
        )
    if (current, to) in graph.needs_reason and not reason.strip():
        raise ActionError(_("Say why."), field="reason")
    at = at or timezone.now()
    values = {graph.field: to, **(changes or {})}
    # No savepoint of its own inside the caller's transaction (two queries fewer per move):
    # a lost race raises only after the block, having written nothing.
    with transaction.atomic(savepoint=False):
        moved = model._default_manager.filter(
            pk=subject.pk, **{graph.field: current}, **(guard or {})
        ).update(**values)
        if moved:
            row = transitions._default_manager.create(
                **{transitions.subject: subject},
                from_state=current,
                to_state=to,
                actor=by,
                reason=reason,
                at=at,
                **(record or {}),
            )
            for hook in on_commit:
                transaction.on_commit(hook)
    if not moved:
        raise ActionError(
            changed or _("Someone changed this meanwhile; reload the page and try again.")
        )
    for name, value in values.items():
        if not isinstance(value, models.expressions.Combinable):
            setattr(subject, name, value)
    return row


def record_start(
    subject: models.Model,
    *,
    by: Any = None,
    reason: str = "",
    at: datetime.datetime | None = None,
    state: str | None = None,
    record: Mapping[str, Any] | None = None,
) -> Transition:
    """The first row of a subject's history: its birth, from no state, in the caller's
    transaction. `state` defaults to the state the subject was created in."""
    transitions = transition_model(type(subject))
    graph = transitions.graph
    born = str(state if state is not None else getattr(subject, graph.field))
    if born not in graph.states:
        raise ValueError(f"{born!r} is not a state of {type(subject).__name__}")
    return transitions._default_manager.create(
        **{transitions.subject: subject},
        from_state="",
        to_state=born,
        actor=by,
        reason=reason,
        at=at or timezone.now(),
        **(record or {}),
    )


def record_starts(
    subjects: Iterable[models.Model],
    *,
    by: Any = None,
    reason: str = "",
    at: datetime.datetime | None = None,
    state: str | None = None,
    batch_size: int = 2000,
) -> int:
    """`record_start` for many subjects of one model made at once (a fan-out, a bulk
    establishment), in one INSERT per `batch_size`; returns how many rows."""
    subjects = list(subjects)
    if not subjects:
        return 0
    transitions = transition_model(type(subjects[0]))
    graph = transitions.graph
    at = at or timezone.now()
    rows = []
    for subject in subjects:
        born = str(state if state is not None else getattr(subject, graph.field))
        if born not in graph.states:
            raise ValueError(f"{born!r} is not a state of {type(subject).__name__}")
        rows.append(
            transitions(
                **{f"{transitions.subject}_id": subject.pk},
                from_state="",
                to_state=born,
                actor=by,
                reason=reason,
                at=at,
            )
        )
    transitions._default_manager.bulk_create(rows, batch_size=batch_size)
    return len(rows)
