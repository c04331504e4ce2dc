"""The one overdue sweep, driven by the deadlines declared in the state graphs.

A workflow registers what it does when one of its deadlines lapses (`Overdue`); the worker's
job `sweep-overdue` runs them all (`sweep_all`). For each deadline of the graph, the subjects
still in a state that waits on it, past it at `now`, and not yet told, are claimed one by one
by a conditional UPDATE of the deadline's `told_field`, in the same transaction as what `tell`
does: a rerun, a late run or two workers at once never tell twice. The row is the truth.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

from congdong.core.workflow.graph import Deadline, StateGraph

# Subjects claimed per deadline and run; the next run takes the rest.
BATCH = 500


@dataclass(frozen=True)
class Lapse:
    """One subject found past one deadline, claimed: what `tell` is given."""

    pk: Any
    state: str
    deadline: Deadline
    due: datetime.datetime
    now: datetime.datetime
    row: dict[str, Any]
    memo: dict[Any, Any]  # shared by the run: e.g. recipients by unit, looked up once


@dataclass(frozen=True)
class Overdue:
    """What a workflow does when a deadline of `graph` lapses for one of `model`'s rows.

    `tell(lapse)` runs in the claim's transaction (notifications written with the claim);
    `after(lapses)` once per run, after the claims, with every lapse claimed (a summary email,
    a log line). `fields` are loaded for them; `guard` are the ones whose value, as loaded,
    the claim also requires (e.g. the unit whose handlers above are told). `where` narrows
    the subjects swept (e.g. only targets of campaigns still running). `move_to` makes the
    claim itself the worker's move (a move the graph lists as `automatic`), e.g. a pending
    campaign target becoming overdue; `batch` is how many are claimed per deadline and run.
    """

    name: str
    model: type[models.Model]
    graph: StateGraph
    tell: Callable[[Lapse], object] | None = None
    after: Callable[[list[Lapse]], object] | None = None
    fields: tuple[str, ...] = ()
    guard: tuple[str, ...] = ()
    where: Q | None = None
    move_to: str | None = None
    batch: int | None = None


REGISTRY: dict[str, Overdue] = {}


def register(overdue: Overdue) -> Overdue:
    """Add a workflow's overdue handling to the worker's sweep (once per name)."""
    for deadline, _states in overdue.graph.lapses():
        if deadline.told_field is None:
            raise ValueError(f"{overdue.name}: the deadline {deadline.name!r} has no told_field")
        for state in _states if overdue.move_to is not None else ():
            if (state, str(overdue.move_to)) not in overdue.graph.automatic:
                raise ValueError(f"{overdue.name}: {state} → {overdue.move_to} is no worker's move")
    REGISTRY[overdue.name] = overdue
    return overdue


def _not_told(deadline: Deadline) -> Q:
    told = deadline.told_field
    if deadline.told_is_due:
        return Q(**{f"{told}__isnull": True}) | ~Q(**{told: F(deadline.due_field)})
    return Q(**{f"{told}__isnull": True})


def sweep(
    overdue: Overdue,
    now: datetime.datetime | None = None,
    batch: int = BATCH,
    only: str | None = None,
) -> int:
    """Claim and tell each lapse of `overdue`'s deadlines at `now` (or of the deadline named
    `only`); returns how many subjects were told about."""
    now = now or timezone.now()
    graph, manager = overdue.graph, overdue.model._default_manager
    memo: dict[Any, Any] = {}
    where = overdue.where if overdue.where is not None else Q()
    if overdue.batch is not None and batch == BATCH:
        batch = overdue.batch
    claimed: list[Lapse] = []
    for deadline, states in overdue.graph.lapses():
        if only is not None and deadline.name != only:
            continue
        due_field, told = deadline.due_field, deadline.told_field
        assert told is not None
        rows = list(
            manager.filter(where, **{f"{graph.field}__in": states, f"{due_field}__lt": now})
            .filter(_not_told(deadline))
            .order_by(due_field, "pk")
            .values("pk", graph.field, due_field, *overdue.fields)[:batch]
        )
        for row in rows:
            due = row[due_field]
            guard = {name: row[name] for name in overdue.guard}
            with transaction.atomic():
                claim = {told: due if deadline.told_is_due else now}
                if overdue.move_to is not None:
                    claim[graph.field] = str(overdue.move_to)
                won = manager.filter(
                    where,
                    _not_told(deadline),
                    pk=row["pk"],
                    **{graph.field: row[graph.field], due_field: due},
                    **guard,
                ).update(**claim)
                if not won:  # moved or told meanwhile
                    continue
                lapse = Lapse(row["pk"], row[graph.field], deadline, due, now, row, memo)
                if overdue.tell is not None:
                    overdue.tell(lapse)
            claimed.append(lapse)
    if claimed and overdue.after is not None:
        overdue.after(claimed)
    return len(claimed)


def sweep_all(now: datetime.datetime | None = None) -> dict[str, int]:
    """Every registered workflow's sweep at `now`: how many each told about."""
    now = now or timezone.now()
    return {name: sweep(overdue, now) for name, overdue in sorted(REGISTRY.items())}
