"""The apps' import graph (docs/architecture.md "Layers"): `make lint` enforces the contracts
in pyproject.toml with import-linter; this ratchet holds what is left of the one import cycle
among the domain apps, so that it only shrinks until it is gone."""

from __future__ import annotations

import grimp

# Apps still in the cycle (session 10: 15 of 19 after plumbing, the tools and the home page
# came out; issue 17: 10, once accounts, twofactor, audit and privacy stood below it and
# takedown above it; then none, once event recording left insights for its own app). Lower it
# when an app leaves the cycle; never raise it.
CYCLE_AT_MOST = 0


def app_graph() -> dict[str, set[str]]:
    """Which app imports which (any module of one importing any module of the other,
    function-level imports included, as import-linter reads them)."""
    graph = grimp.build_graph("congdong", include_external_packages=False, cache_dir=None)
    edges: dict[str, set[str]] = {}
    for module in graph.modules:
        parts = module.split(".")
        # An app's package itself counts (`from congdong import events` imports the events
        # app's __init__), and so do the wiring modules (congdong.urls, congdong.celery…).
        if len(parts) < 2 or "migrations" in parts:
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            other = imported.split(".")
            if len(other) >= 2 and other[1] != parts[1] and "migrations" not in other:
                edges.setdefault(parts[1], set()).add(other[1])
    return edges


def largest_cycle(edges: dict[str, set[str]]) -> set[str]:
    """The largest strongly connected set of apps (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.add(top)
                if top == node:
                    break
            found.append(component)

    for node in sorted(set(edges) | {n for targets in edges.values() for n in targets}):
        if node not in index:
            visit(node)
    return max(found, key=len) if found else set()


def test_the_import_cycle_among_apps_only_shrinks():
    cycle = largest_cycle(app_graph())
    if len(cycle) == 1:
        cycle = set()  # with no cycle left, the largest "component" is one app alone
    assert len(cycle) <= CYCLE_AT_MOST, sorted(cycle)
    # Plumbing, the unit trees and the public composition are out of it for good.
    assert not cycle & {"core", "units", "site", "config", "worker"}


def test_the_cycle_finder_finds_a_planted_cycle():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert largest_cycle(edges) == {"a", "b", "c"}
    assert largest_cycle({"a": {"b"}}) in ({"a"}, {"b"})
