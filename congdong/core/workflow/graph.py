"""Declared state graphs, checked when declared: which moves there are, which need a reason,
which only the worker makes, and how long a subject may stay in a state (its deadlines).

A graph that is wrong raises `GraphError` at import time, so a bad graph never reaches a
request: exactly one start state, every state reachable from it, every move named in
`needs_reason` / `automatic` a real move, every deadline on a real state.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings


class GraphError(ValueError):
    """A state graph that cannot be right (raised when it is declared)."""


@dataclass(frozen=True)
class Deadline:
    """How long a subject may stay in a state before it is overdue.

    `hours` is a number or the name of a setting holding it (read each time a deadline is
    computed, so tests and deployments can change it); `times` multiplies it (a second, later
    alarm). `working=True` counts on the office calendar (`core.clock`: weekends, holidays and
    the admins' days off skipped); `days` (instead of `hours`) counts whole working days of
    that calendar. Otherwise the hours are wall-clock hours (what the law says for takedowns
    and breaches). `given=True` (no hours, no days) is a deadline a person sets for each
    subject (a campaign's, chosen by its editor): `due_field` holds it, and may be a field of
    a related row (`campaign__deadline`).

    The subject keeps the instant in `due_field` (computed when it enters the state) and, for
    the overdue sweep (`core.workflow.sweep`), whether the lapse was told in `told_field`:
    the instant it was told, or, with `told_is_due`, the deadline that was told (so a new
    deadline, after a transfer or a reopening, is told again when it lapses too).
    """

    hours: float | str | None = None
    name: str = "late"
    working: bool = False
    days: float | str | None = None
    times: float = 1
    due_field: str = "due_at"
    told_field: str | None = None
    told_is_due: bool = False
    given: bool = False

    def __post_init__(self) -> None:
        if self.given:
            if self.hours is not None or self.days is not None:
                raise GraphError("a deadline set for each subject has no hours or days")
        elif (self.hours is None) == (self.days is None):
            raise GraphError("a deadline is given in hours or in working days (one of them)")

    def length(self) -> float:
        """The hours (or, for `days`, the working days), times `times`."""
        if self.given:
            raise GraphError("a deadline set for each subject has no length")
        value = self.hours if self.days is None else self.days
        if isinstance(value, str):
            value = getattr(settings, value)
        return float(value) * self.times  # type: ignore[arg-type]

    def due(self, start: datetime.datetime, length: float | None = None) -> datetime.datetime:
        """The instant this deadline lapses for a subject that entered the state at `start`
        (`length` instead of the declared one, e.g. a shorter one for urgent items)."""
        length = self.length() if length is None else length
        if not (self.working or self.days is not None):
            return start + datetime.timedelta(hours=length)
        from congdong.core.clock import WorkingCalendar

        calendar = WorkingCalendar()
        if self.days is not None:
            minutes = sum(
                (end.hour * 60 + end.minute) - (begin.hour * 60 + begin.minute)
                for begin, end in calendar.periods
            )
            length *= minutes / 60  # working hours in a working day (7.5 by default)
        return calendar.add_working_hours(start, length)


def _as_tuple(value: Deadline | Iterable[Deadline]) -> tuple[Deadline, ...]:
    if isinstance(value, Deadline):
        return (value,)
    if not isinstance(value, tuple | list):
        raise GraphError(f"{value!r} is not a Deadline")
    return tuple(value)


@dataclass(frozen=True)
class StateGraph:
    """`moves` maps each state to the states it may go to; `needs_reason` lists moves
    (from, to) that a person must explain (the reason is kept in the transition row);
    `automatic` lists moves only the worker makes (e.g. a scheduled post going public):
    a person may never make them. `deadlines` maps a state to how long a subject may stay in
    it (one `Deadline` or several, e.g. a first and a second alarm).

    `states` lists every state (a `TextChoices` class or values; default: those the moves
    name); `start` is where a subject is born (default: the one state no move enters);
    `field` is the subject's column holding its state.
    """

    moves: Mapping[str, frozenset[str]]
    needs_reason: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    automatic: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    deadlines: Mapping[str, Deadline | tuple[Deadline, ...]] = field(default_factory=dict)
    states: Any = None
    start: str | None = None
    field: str = "state"
    # The states' `TextChoices` class when one was given (labels for the transition rows).
    choices_class: Any = dataclasses.field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        moves = {str(a): frozenset(str(b) for b in to) for a, to in self.moves.items()}
        named = set(moves) | {b for to in moves.values() for b in to}
        if self.states is None:
            states = frozenset(named)
        else:
            values = getattr(self.states, "values", self.states)
            states = frozenset(str(s) for s in values)
        unknown = named - states
        if unknown:
            raise GraphError(f"moves name states that are not declared: {sorted(unknown)}")
        entered = {b for to in moves.values() for b in to}
        if self.start is None:
            starts = sorted(states - entered)
            if len(starts) != 1:
                raise GraphError(
                    f"a graph needs exactly one start state (one no move enters); found {starts}"
                )
            start = starts[0]
        else:
            start = str(self.start)
            if start not in states:
                raise GraphError(f"the start state {start!r} is not one of the states")
            others = sorted(states - entered - {start})
            if others:
                raise GraphError(f"states besides the start that no move enters: {others}")
        reached, todo = {start}, [start]
        while todo:
            for nxt in moves.get(todo.pop(), ()):
                if nxt not in reached:
                    reached.add(nxt)
                    todo.append(nxt)
        if reached != states:
            raise GraphError(f"states not reachable from {start!r}: {sorted(states - reached)}")
        for name, pairs in (("needs_reason", self.needs_reason), ("automatic", self.automatic)):
            bad = sorted((str(a), str(b)) for a, b in pairs if str(b) not in moves.get(str(a), ()))
            if bad:
                raise GraphError(f"{name} lists moves that are not in the graph: {bad}")
        bad_deadlines = sorted(str(s) for s in self.deadlines if str(s) not in states)
        if bad_deadlines:
            raise GraphError(f"deadlines on states that are not declared: {bad_deadlines}")
        for state, value in self.deadlines.items():
            for deadline in _as_tuple(value):
                if not isinstance(deadline, Deadline):
                    raise GraphError(f"the deadline of {state!r} is not a Deadline")
        if hasattr(self.states, "choices"):
            object.__setattr__(self, "choices_class", self.states)
        object.__setattr__(self, "moves", moves)
        object.__setattr__(self, "states", states)
        object.__setattr__(self, "start", start)
        object.__setattr__(
            self,
            "needs_reason",
            frozenset((str(a), str(b)) for a, b in self.needs_reason),
        )
        object.__setattr__(
            self, "automatic", frozenset((str(a), str(b)) for a, b in self.automatic)
        )
        object.__setattr__(
            self, "deadlines", {str(s): _as_tuple(d) for s, d in self.deadlines.items()}
        )

    def allowed(self, current: str, target: str) -> bool:
        return target in self.moves.get(current, frozenset())

    def allowed_for_person(self, current: str, target: str) -> bool:
        """Allowed, and not one of the worker's moves."""
        return self.allowed(current, target) and (current, target) not in self.automatic

    def next_states(self, current: str) -> frozenset[str]:
        return self.moves.get(current, frozenset())

    def deadlines_of(self, state: str) -> tuple[Deadline, ...]:
        return self.deadlines.get(str(state), ())  # type: ignore[union-attr]

    def deadline(self, state: str, name: str | None = None) -> Deadline:
        """The (first, or named) deadline of `state`; KeyError when it has none."""
        for deadline in self.deadlines_of(state):
            if name is None or deadline.name == name:
                return deadline
        raise KeyError((state, name))

    def lapses(self) -> list[tuple[Deadline, tuple[str, ...]]]:
        """Each distinct deadline with the states that wait on it (one deadline may be shared
        by several states, e.g. feedback's answer deadline)."""
        out: dict[Deadline, list[str]] = {}
        for state, deadlines in self.deadlines.items():
            for deadline in deadlines:  # type: ignore[union-attr]
                out.setdefault(deadline, []).append(state)
        return [(d, tuple(sorted(s))) for d, s in out.items()]
