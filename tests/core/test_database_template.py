"""The developer's kept test database (tests/database_template.py): named after everything that
goes into it, so a changed migration, unit file or persona makes a new one instead of a stale
copy; written whole, with the rows the build made, replacing the copies of older sources."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

import pytest
from django.db import connection

from congdong.accounts.models import User
from congdong.units.models import Unit
from tests import database_template


def _write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_the_kept_copy_is_named_after_every_source_of_the_build(tmp_path, monkeypatch):
    monkeypatch.setattr(database_template, "ROOT", tmp_path)
    _write(tmp_path, "congdong/posts/migrations/0001_initial.py", "operations = []")
    _write(tmp_path, "congdong/units/data/2025.csv", "code,name\n01,Hà Nội\n")
    _write(tmp_path, "congdong_tools/demo/personas.py", "PERSONAS = []")
    _write(tmp_path, "congdong/posts/views.py", "def view(): ...")
    first = database_template.path()
    assert database_template.path() == first

    _write(tmp_path, "congdong/posts/views.py", "def view(): return 1")
    assert database_template.path() == first  # not part of the build

    names = set()
    for changed, text in [
        ("congdong/units/data/2025.csv", "code,name\n01,Thủ đô Hà Nội\n"),
        ("congdong/posts/migrations/0002_more.py", "operations = [1]"),
        ("congdong_tools/demo/personas.py", "PERSONAS = [1]"),
    ]:
        _write(tmp_path, changed, text)
        names.add(database_template.path())
    assert first not in names and len(names) == 3


@pytest.mark.django_db(transaction=True)  # a backup reads what is committed
def test_a_kept_copy_holds_the_built_rows_and_replaces_older_copies(tmp_path, monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("the kept copy is of SQLite's in-memory test database")
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    monkeypatch.setattr(database_template, "enabled", lambda: True)
    monkeypatch.setitem(database_template._state, "restored", False)
    folder = tmp_path / "congdong-test-db"
    folder.mkdir()
    older = folder / "0123456789abcdef0123.sqlite3"
    older.write_bytes(b"made from sources since changed")
    # Transactional tests before this one may have emptied the accounts (tests/database_reset.py).
    User.objects.create(username="ban-sao-giu-lai", full_name="Bản sao giữ lại")

    database_template.keep(connection)

    kept = database_template.path()
    assert list(folder.iterdir()) == [kept]  # the older copy gone, no half-written file left
    with sqlite3.connect(kept) as copy:
        (units,) = copy.execute(f"SELECT COUNT(*) FROM {Unit._meta.db_table}").fetchone()
        people = copy.execute(f"SELECT username FROM {User._meta.db_table}").fetchall()
    assert units == Unit.objects.count() > 10_000
    assert ("ban-sao-giu-lai",) in people and len(people) == User.objects.count()
