"""What the bench tests share: the database a bench builds its world in.

A bench makes its own database (a throwaway SQLite file) whatever the suite's; in the
PostgreSQL pass of CI (DATABASE_URL=postgres://…) the benches that accept `--database-url` run
on a scratch PostgreSQL database instead, created beside the suite's and dropped after, so the
pass measures PostgreSQL rather than running the SQLite case twice.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest

from congdong_tools.bench import steps


def _server() -> str | None:
    """The server's maintenance database (the suite's own may not exist: pytest-django works
    in test_<name>)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return None
    base, _slash, _name = url.replace("postgres://", "postgresql://", 1).rpartition("/")
    return f"{base}/postgres"


@pytest.fixture(scope="session")
def _migrated_template() -> str | None:
    """In the PostgreSQL pass, the server's database migrated by these very migrations
    (congdong_tools.bench.steps, shared with the installation tests and kept for the next
    runs): each bench's database is a copy of it (`CREATE DATABASE … TEMPLATE`, a second), and
    the bench's own `migrate` then finds nothing to do, instead of ~100 migrations per bench."""
    server = _server()
    if server is None:
        return None
    base, _slash, _db = server.rpartition("/")
    return steps.migrated_postgres(dict(os.environ), base, print)


@pytest.fixture
def bench_database(_migrated_template: str | None) -> Iterator[list[str]]:
    """`["--database-url", URL]` of a scratch PostgreSQL database (migrated, no rows) in the
    PostgreSQL pass, else `[]` (the bench's own SQLite file)."""
    server = _server()
    if server is None or _migrated_template is None:
        yield []
        return
    name = f"congdong_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{_migrated_template}"')
    base, _slash, _db = server.rpartition("/")
    try:
        yield ["--database-url", f"{base}/{name}"]
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
