"""Declared state graphs for workflows: which moves are allowed, checked in one place."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class StateGraph:
    """`moves` maps each state to the states it may go to; `needs_reason` lists moves
    (from, to) that a person must explain (the reason is kept in the transition row);
    `automatic` lists moves only the worker makes (e.g. a scheduled post going public):
    a person may never make them."""

    moves: dict[str, frozenset[str]]
    needs_reason: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    automatic: frozenset[tuple[str, str]] = field(default_factory=frozenset)

    def allowed(self, current: str, target: str) -> bool:
        return target in self.moves.get(current, frozenset())

    def allowed_for_person(self, current: str, target: str) -> bool:
        """Allowed, and not one of the worker's moves."""
        return self.allowed(current, target) and (current, target) not in self.automatic

    def next_states(self, current: str) -> frozenset[str]:
        return self.moves.get(current, frozenset())
