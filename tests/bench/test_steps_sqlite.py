"""A benchmark's or demo's SQLite database is a copy of one migrated once on this machine."""

import os
import sqlite3

import pytest

from congdong_tools.bench import steps


@pytest.mark.slow  # migrates once on a new machine
def test_a_migrated_copy_is_already_in_wal_mode(tmp_path):
    # Its server, worker and flusher open it at once; had each to switch it to WAL, one would
    # meet another's lock and fail with "database is locked" (seen in bench channels-intake).
    target = tmp_path / "bench.sqlite3"
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{target}")

    steps.migrate(env, lambda _text: None)

    with sqlite3.connect(target) as database:
        assert database.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        tables = {row[0] for row in database.execute("SELECT name FROM sqlite_master")}
    assert "posts_post" in tables
