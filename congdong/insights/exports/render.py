"""`render(document, format)`: a report `Document` as the bytes of a CSV, XLSX or PDF file.

Each format is a module of its own (`csv_`, `xlsx`, `pdf`); they share the progress reporting
below. Progress is a fraction from 0 to 1, reported every few hundred rows; the caller decides
how often it is worth writing down (`exports.jobs` throttles its writes to the row).
"""

from __future__ import annotations

from collections.abc import Callable

from congdong.insights.exports.document import Document

Progress = Callable[[float], None]

# Format → (file extension, Content-Type).
FORMATS: dict[str, tuple[str, str]] = {
    "csv": ("csv", "text/csv; charset=utf-8"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pdf": ("pdf", "application/pdf"),
}
# Rows between two progress reports: often enough for a bar, rare enough to cost nothing.
EVERY = 250


class Counter:
    """Counts rows written out of `total` and reports the fraction every `EVERY` rows.

    `share` scales the fraction when rows are only part of the work (the PDF lays out its
    tables first, then draws them): `start + done / total * share`.
    """

    def __init__(
        self, progress: Progress | None, total: int, start: float = 0.0, share: float = 1.0
    ) -> None:
        self.progress = progress
        self.total = max(total, 1)
        self.start = start
        self.share = share
        self.done = 0
        self._next = EVERY

    def add(self, rows: int = 1) -> None:
        self.done += rows
        if self.progress is not None and self.done >= self._next:
            self._next = self.done + EVERY
            self.report()

    def report(self) -> None:
        if self.progress is not None:
            self.progress(min(self.start + self.done / self.total * self.share, 1.0))


def row_count(document: Document) -> int:
    return sum(len(table.rows) for table in document.tables) + len(document.cards)


def render(document: Document, fmt: str, progress: Progress | None = None) -> bytes:
    """The document as a file in `fmt` ("csv", "xlsx" or "pdf"); `progress(fraction)` is called
    now and then while it is written, and with 1.0 at the end."""
    if fmt == "csv":
        from congdong.insights.exports.csv_ import render_csv as writer
    elif fmt == "xlsx":
        from congdong.insights.exports.xlsx import render_xlsx as writer
    elif fmt == "pdf":
        from congdong.insights.exports.pdf import render_pdf as writer
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    data = writer(document, progress)
    if progress is not None:
        progress(1.0)
    return data
