"""Declared state graphs: see congdong.core.workflow.graph (kept here for old imports)."""

from __future__ import annotations

from congdong.core.workflow.graph import Deadline, GraphError, StateGraph

__all__ = ["Deadline", "GraphError", "StateGraph"]
