"""A developer's test database, copied instead of built: the in-memory SQLite database after the
migrations, both unit trees and the demo personas (about 25 s of CPU in every pytest process,
and `make test-fast` starts one per worker) is kept in the temporary folder under a digest of
everything that goes into it, and the next processes copy it in a moment.

CI builds it every time (CONGDONG_CI_PASS set, or CONGDONG_TEST_DB_TEMPLATE=0): a clean clone
must show that the migrations themselves still run, which the SQLite pass does. A PostgreSQL
test database is created from the server's migrated template (`from_migrated_postgres`), made
by running these very migrations whenever one changes; file databases are built as
pytest-django builds them.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
from pathlib import Path

import django
from django.conf import settings
from django.db.backends.sqlite3.creation import DatabaseCreation

ROOT = Path(__file__).resolve().parent.parent
# What the built database is made of: a change to any of these makes a new one.
SOURCES = (
    "congdong/*/migrations/*.py",
    "congdong/units/**/*",
    "congdong/accounts/**/*.py",
    "congdong/audit/**/*.py",
    "congdong_tools/demo/personas.py",
    "tests/conftest.py",
    "tests/database_template.py",
)
_state = {"restored": False}


def enabled() -> bool:
    from congdong.config import load

    config = load()
    if config.ci_pass or not config.test_db_template:
        return False
    database = settings.DATABASES["default"]
    return database["ENGINE"] == "django.db.backends.sqlite3" and _in_memory(database)


def _in_memory(database: dict) -> bool:
    name = database.get("TEST", {}).get("NAME")
    return not name or name == ":memory:" or "mode=memory" in str(name)


def path() -> Path:
    digest = hashlib.sha256(django.get_version().encode())
    for pattern in SOURCES:
        for source in sorted(p for p in ROOT.glob(pattern) if p.is_file()):
            digest.update(source.relative_to(ROOT).as_posix().encode())
            digest.update(source.read_bytes())
    return Path(tempfile.gettempdir()) / "congdong-test-db" / f"{digest.hexdigest()[:20]}.sqlite3"


def install() -> None:
    """From now on a new in-memory test database is a copy of the kept one, when there is one;
    a PostgreSQL one a copy of the server's migrated database."""
    from_migrated_postgres()
    if not enabled():
        return
    template = path()
    if not template.exists():
        return
    building = DatabaseCreation.create_test_db

    def create_test_db(self, verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        if self.connection.alias != "default":
            return building(self, verbosity, autoclobber, serialize, keepdb)
        name = self._create_test_db(verbosity, autoclobber, keepdb)
        self.connection.close()
        settings.DATABASES[self.connection.alias]["NAME"] = name
        self.connection.settings_dict["NAME"] = name
        self.connection.ensure_connection()
        with sqlite3.connect(template) as source:
            source.backup(self.connection.connection)
        _state["restored"] = True
        return name

    DatabaseCreation.create_test_db = create_test_db


def from_migrated_postgres() -> None:
    """PostgreSQL: the test database is created from the server's database migrated by these
    very migration files (`congdong_tools.bench.steps.migrated_postgres`, shared with the
    benches and the installation tests, made anew when a migration changes), so pytest-django's
    `migrate` finds nothing left to do: half a minute of each PostgreSQL run, CI's included (a
    changed migration is still run for real, once, to make the new template)."""
    from congdong.config import load

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres") or not load().test_db_template:
        return
    from congdong_tools.bench import steps

    server = url.replace("postgres://", "postgresql://", 1).rpartition("/")[0]
    name = steps.migrated_postgres(dict(os.environ), server, lambda _text: None)
    settings.DATABASES["default"].setdefault("TEST", {})["TEMPLATE"] = name


def restored() -> bool:
    """Whether this process's database came from the kept copy (nothing left to build)."""
    return _state["restored"]


def keep(connection) -> None:
    """Keep the database just built, for the next processes (and drop those of older sources).
    Written aside and renamed into place, so two workers building at once never leave half of
    one."""
    if not enabled() or restored():
        return
    template = path()
    template.parent.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=template.parent) as tmp:
        made = Path(tmp) / "built.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(made) as copy:
            connection.connection.backup(copy)
        os.replace(made, template)
    for older in template.parent.glob("*.sqlite3"):
        if older != template:
            older.unlink(missing_ok=True)  # made from sources since changed
