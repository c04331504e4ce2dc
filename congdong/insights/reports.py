"""The reports a person can export or print, by kind: each builds an `exports.Document`.

A builder takes the unit (already checked by `access_insights_unit`, or None from the CLI for
the whole tree) and the request's parameters, and returns the document. The export job, the
CLI and the views look builders up here, so a new report is one line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.module_loading import import_string

from congdong.insights.exports.document import Document

# kind → dotted path of `build(unit, params: dict[str, str]) -> Document`
BUILDERS: dict[str, str] = {
    "dashboard": "congdong.insights.dashboard.document",
    "coverage": "congdong.insights.coverage.document",
    "conference": "congdong.insights.conference.document",
    # The people's situation (feedback aggregates): a period and, with `cap`, one row per unit
    # of that level (the periodic report per level).
    "situation": "congdong.insights.situation.document",
}


def builder(kind: str) -> Callable[..., Document]:
    return import_string(BUILDERS[kind])


def build(kind: str, unit: Any, params: dict[str, str]) -> Document:
    return builder(kind)(unit, params)
