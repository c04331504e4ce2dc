"""Exports of report documents: `render(document, "csv" | "xlsx" | "pdf") -> bytes`, and the
background jobs that make them for a person (`exports.jobs`, `exports.views`)."""

from congdong.insights.exports.render import FORMATS, render

__all__ = ["FORMATS", "render"]
