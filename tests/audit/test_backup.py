"""A backup restored elsewhere keeps the audit log's trigger and its hash chain: the restored log
is still append-only and verifies with the same head (SQLite and PostgreSQL).

The backed-up installation is a fresh one made in a subprocess (its own data folder, and its
own scratch database on PostgreSQL): a backup needs committed data, and a transactional test
here would empty the test database before the other transactional tests."""

from __future__ import annotations

import json
import os

import pytest
from django.db import connection

from tests.core.test_backup_restore import (
    _admin,
    _server_url,
    congdong,
    empty_target,
    migrate,
    python_in,
)

__all__ = ["empty_target"]  # fixture used here, defined there

SOURCE_DB = f"congdong_audit_source_{os.getpid()}"
ADD_ROW = """
from congdong.audit.record import record
record(action="posts:approve", actor_name="Người thử")
print(json.dumps(1))
"""
TRY_CHANGES = """
from django.db import DatabaseError, connection, transaction
from congdong.audit.models import AuditEntry
rows = AuditEntry.objects.filter(actor_name="Người thử").count()
refused = []
for sql in ("UPDATE audit_auditentry SET actor_name = 'ai đó'", "DELETE FROM audit_auditentry"):
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
        refused.append(False)
    except DatabaseError as exc:
        refused.append("append-only" in str(exc))
print(json.dumps([rows, *refused]))
"""


@pytest.fixture
def source(tmp_path, empty_target):
    """A new installation with one audit row (same kind of database as the tests)."""
    env = dict(empty_target, CONGDONG_DATA_DIR=str(tmp_path / "source"))
    if connection.vendor == "postgresql":
        _admin(f'DROP DATABASE IF EXISTS "{SOURCE_DB}" WITH (FORCE)')
        _admin(f'CREATE DATABASE "{SOURCE_DB}"')
        url = f"{_server_url()}/{SOURCE_DB}".replace("postgresql://", "postgres://")
        env["DATABASE_URL"] = url
    migrate(env)
    python_in(env, ADD_ROW)
    yield env
    if connection.vendor == "postgresql":
        _admin(f'DROP DATABASE IF EXISTS "{SOURCE_DB}" WITH (FORCE)')


@pytest.mark.slow  # two installations, migrated in subprocesses
def test_the_restored_log_refuses_changes_too(source, tmp_path, empty_target):
    archive = tmp_path / "congdong.tar.gz"
    made = congdong(source, "backup", str(archive))
    assert made.returncode == 0, made.stderr
    done = congdong(empty_target, "restore", str(archive))
    assert done.returncode == 0, done.stderr
    # The hash chain comes over whole: the same rows, the same head, every link holding.
    before, after = (congdong(env, "audit", "verify", "--json") for env in (source, empty_target))
    assert before.returncode == after.returncode == 0, after.stderr
    assert json.loads(after.stdout) == json.loads(before.stdout)
    assert json.loads(after.stdout)["chained"] == 1
    rows, update_refused, delete_refused = python_in(empty_target, TRY_CHANGES)
    assert rows == 1 and update_refused
    # SQLite keeps DELETE possible for Django's flush (migration audit/0002).
    assert delete_refused == (connection.vendor == "postgresql")
