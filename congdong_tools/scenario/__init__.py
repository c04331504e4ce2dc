"""The conference-2022 scenario: the Front's 2022 report on its community pages, re-created
from raw events in a database of its own (`congdong scenario conference-2022`).

`run()` makes the data dir (a fresh temporary one unless given), migrates a new SQLite
database there and runs `scenario.build` in a child process against it, so the caller's
database is never touched; it returns what the child printed plus the run's wall time and
peak memory. `plan` says what is built; `build` builds it and makes the report.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from congdong_tools.bench.steps import peak_rss_mb

DATABASE_FILE = "conference-2022.sqlite3"


def run(scale: float, data_dir: str | None, progress) -> dict:
    """Build the scenario at `scale` and report; {"summary": …, "document": …}."""
    started = time.monotonic()
    own_dir = data_dir is None
    directory = Path(data_dir or tempfile.mkdtemp(prefix="congdong-conference-2022-"))
    directory.mkdir(parents=True, exist_ok=True)
    database = directory / DATABASE_FILE
    for stale in directory.glob(DATABASE_FILE + "*"):  # a previous run's, with its WAL files
        stale.unlink()
    env = dict(
        os.environ,
        CONGDONG_DATA_DIR=str(directory),
        DATABASE_URL=f"sqlite:///{database}",
        # Events wait for the scenario's own flushes, not a background thread's.
        CONGDONG_EVENTS_FLUSH_SECONDS="0",
    )
    try:
        progress(f"data dir {directory}; migrating a fresh database…")
        subprocess.run(
            [sys.executable, "-m", "congdong.cli", "migrate", "-v0"], env=env, check=True
        )
        out = subprocess.run(
            [sys.executable, "-m", "congdong_tools.scenario.build", repr(scale)],
            env=env,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout
        result = json.loads(out.strip().splitlines()[-1])
        result["summary"]["database_mb"] = round(database.stat().st_size / 1e6, 1)
    finally:
        if own_dir:
            shutil.rmtree(directory, ignore_errors=True)
    summary = result["summary"]
    summary["wall_seconds"] = round(time.monotonic() - started, 1)
    summary["peak_rss_mb"] = peak_rss_mb()
    summary["data_dir"] = "" if own_dir else str(directory)
    return result


def document_text(document: dict) -> str:
    """The conference report as plain text: title, cards, tables with aligned columns."""
    lines = [document["title"], *document["subtitle"], ""]
    lines += _aligned([[label, value, note] for label, value, note in document["cards"]])
    for table in document["tables"]:
        lines += ["", table["title"]]
        lines += _aligned([table["columns"], *table["rows"]], numbers=True)
        if table["note"]:
            lines.append(table["note"])
    if document["definitions"]:
        lines.append("")
        lines += [f"{name}: {text}" for name, text in document["definitions"]]
    return "\n".join(lines)


def _aligned(rows: list[list[str]], numbers: bool = False) -> list[str]:
    if not rows:
        return []
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    out = []
    for row in rows:
        cells = [row[0].ljust(widths[0])]
        cells += [
            cell.rjust(width) if numbers else cell.ljust(width)
            for cell, width in zip(row[1:], widths[1:], strict=True)
        ]
        out.append("  ".join(cells).rstrip())
    return out
