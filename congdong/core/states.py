"""Declared state graphs for workflows: which moves are allowed, checked in one place."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class StateGraph:
    """`moves` maps each state to the states it may go to; `needs_reason` lists moves
    (from, to) that a person must explain (the reason is kept in the transition row)."""

    moves: dict[str, frozenset[str]]
    needs_reason: frozenset[tuple[str, str]] = field(default_factory=frozenset)

    def allowed(self, current: str, target: str) -> bool:
        return target in self.moves.get(current, frozenset())

    def next_states(self, current: str) -> frozenset[str]:
        return self.moves.get(current, frozenset())
