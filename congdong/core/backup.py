"""One-file backups of a congdong installation, and their restore (`congdong backup|restore`).

A backup is a .tar.gz holding `manifest.json` (first), the database and the media folder:

- SQLite: a page-by-page copy made with the sqlite3 online backup API, consistent while the app
  runs and writes (`database/congdong.sqlite3`).
- PostgreSQL: `pg_dump --format=custom` (`database/congdong.pgdump`) taken in the same
  repeatable-read snapshot as the row counts of the manifest, so counts and dump always agree.
- `media/…`: everything under MEDIA_ROOT (page avatars and covers, the public files).
- `private/…`: everything under PRIVATE_ROOT (feedback attachments, post pictures and documents,
  exports not yet expired; see core/private_files.py).

Insights figures and reach sketches (`insights_daycount`, `insights_reachsketch`) are database
rows, so they travel with the database. The secret key is not in the backup: keep
CONGDONG_SECRET_KEY (or the data folder's `secret_key` file) yourself.

Restore checks everything before it changes anything (archive readable, format, database
vendor, sha256 of every member, no migration the code does not know, an empty target unless
`force`), then replaces the database and media, runs migrate and compares the row count of every
table with the manifest.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = "congdong-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/congdong.sqlite3"
PG_MEMBER = "database/congdong.pgdump"
CHUNK = 1 << 20
# Models whose rows mean "this database holds an installation": a freshly migrated database has
# none (migrations only seed categories, content types and permissions).
DATA_MODELS = ("accounts.User", "units.Unit", "pages.Page", "feedback.Feedback", "insights.Event")

Progress = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message is for the operator."""


@dataclass(frozen=True)
class Made:
    path: Path
    size: int
    seconds: float
    manifest: dict[str, Any]


@dataclass(frozen=True)
class Restored:
    seconds: float
    tables: int
    rows: int
    media_files: int


def _quiet(_text: str) -> None:
    pass


def vendor() -> str:
    return connection.vendor  # "sqlite" or "postgresql"


def app_version() -> str:
    try:
        return metadata.version("congdong")
    except metadata.PackageNotFoundError:  # running from a checkout that is not installed
        return "0+unknown"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _file_roots() -> dict[str, Path]:
    """The folders of files a backup holds, by their folder in the archive."""
    return {"media": Path(settings.MEDIA_ROOT), "private": Path(settings.PRIVATE_ROOT)}


# --- reading a database -------------------------------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_counts(cursor: Any, tables: list[str]) -> dict[str, int]:
    """Rows of every table, by name (works on a Django and on a plain sqlite3 cursor)."""
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def applied_migrations(cursor: Any) -> dict[str, list[str]]:
    """Applied migrations per app, in the order they were applied."""
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    found: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        found.setdefault(app, []).append(name)
    return found


def current_counts() -> dict[str, int]:
    """Row counts of every table of the configured database (used by tests and restore)."""
    with connection.cursor() as cursor:
        return table_counts(cursor, connection.introspection.table_names(cursor))


def _sqlite_tables(db: sqlite3.Connection) -> list[str]:
    rows = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    return [name for (name,) in rows]


def database_has_data() -> bool:
    """True when the configured database holds an installation (accounts, units, pages…)."""
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        for label in DATA_MODELS:
            table = apps.get_model(label)._meta.db_table
            if table in tables:
                cursor.execute(f"SELECT 1 FROM {_quote(table)} LIMIT 1")
                if cursor.fetchone():
                    return True
    return False


# --- PostgreSQL tools ---------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            _(
                "The PostgreSQL tool “%(tool)s” is not installed or not on PATH. Install the "
                "PostgreSQL client (e.g. apt install postgresql-client) of the server's version."
            )
            % {"tool": name}
        )
    return found


def _pg_env() -> dict[str, str]:
    """libpq variables for the configured database, so no password shows in `ps`."""
    s = connection.settings_dict
    env = dict(os.environ)
    for key, value in (
        ("PGHOST", s.get("HOST")),
        ("PGPORT", s.get("PORT")),
        ("PGUSER", s.get("USER")),
        ("PGPASSWORD", s.get("PASSWORD")),
        ("PGDATABASE", s.get("NAME")),
    ):
        if value:
            env[key] = str(value)
    return env


def _run(args: list[str]) -> None:
    done = subprocess.run(args, env=_pg_env(), capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(
            _("%(tool)s failed: %(error)s")
            % {"tool": Path(args[0]).name, "error": done.stderr.strip()[-2000:]}
        )


# --- backup -------------------------------------------------------------------------------------


def _dump_sqlite(target: Path, progress: Progress) -> tuple[dict[str, int], dict[str, list[str]]]:
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:

        def step(status: int, remaining: int, total: int) -> None:
            if total > 2000:  # only worth a line on databases of some size
                progress(
                    _("database: %(done)d of %(total)d pages")
                    % {"done": total - remaining, "total": total}
                )

        # Pages in steps so writers are not blocked for long; a write between steps restarts
        # the copy, so the file is always one consistent state of the database.
        connection.connection.backup(copy, pages=4096, progress=step)
        counts = table_counts(copy.cursor(), _sqlite_tables(copy))
        migrations = applied_migrations(copy.cursor())
    copy.close()
    return counts, migrations


def _dump_postgresql(
    target: Path, progress: Progress
) -> tuple[dict[str, int], dict[str, list[str]]]:
    pg_dump = _pg_tool("pg_dump")
    if connection.in_atomic_block:
        raise BackupError(_("A backup cannot run inside a database transaction."))
    connection.ensure_connection()
    conn = connection.connection
    conn.autocommit = False
    try:
        with conn.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            tables = connection.introspection.table_names(cursor)
            counts = table_counts(cursor, tables)
            migrations = applied_migrations(cursor)
            progress(_("database: pg_dump…"))
            # The dump sees exactly what the counts saw: the snapshot stays open until commit.
            _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", "--file", str(target)])
    finally:
        conn.rollback()
        conn.autocommit = True
    return counts, migrations


def make_backup(path: str | Path, progress: Progress = _quiet) -> Made:
    """Write one .tar.gz with the database, the media and a manifest; returns what was made."""
    started = timezone.now()
    clock = datetime.datetime.now().timestamp()
    path = Path(path).resolve()
    if path.is_dir():
        path = path / f"congdong-{timezone.localtime(started):%Y%m%d-%H%M%S}.tar.gz"
    for served in (settings.MEDIA_ROOT, settings.STATIC_ROOT):
        # A backup holds every private file and the database: a served folder would give it
        # an address (docs/operations.md, "Private files and the reverse proxy").
        if served and Path(served).resolve() in path.parents:
            raise BackupError(
                _(
                    "A backup holds personal data: write it outside the folder %(folder)s, "
                    "which is served to anyone. Nothing was written."
                )
                % {"folder": Path(served).resolve()}
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    kind = vendor()
    if kind not in ("sqlite", "postgresql"):
        raise BackupError(_("Backups support SQLite and PostgreSQL only."))
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".congdong-backup-") as tmp:
        member = SQLITE_MEMBER if kind == "sqlite" else PG_MEMBER
        db_file = Path(tmp) / Path(member).name
        progress(_("Copying the database (%(vendor)s)…") % {"vendor": kind})
        dump = _dump_sqlite if kind == "sqlite" else _dump_postgresql
        counts, migrations = dump(db_file, progress)
        files = {
            f"{folder}/{file.relative_to(root).as_posix()}": file
            for folder, root in _file_roots().items()
            for file in _media_files(root)
        }
        progress(_("Checking %(n)d media files…") % {"n": len(files)})
        members = {member: sha256_of(db_file)}
        for name, file in files.items():
            members[name] = sha256_of(file)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "app_version": app_version(),
            "created_at": started.isoformat(),
            "database_vendor": kind,
            "database_member": member,
            "last_migrations": {app: names[-1] for app, names in sorted(migrations.items())},
            "migrations": dict(sorted(migrations.items())),
            "row_counts": counts,
            "media_files": len(files),
            "sha256": members,
            "notes": (
                "Insights figures and reach sketches (insights_daycount, insights_reachsketch) "
                "are database rows and are restored with the database. The secret key is not "
                "included."
            ),
        }
        manifest_file = Path(tmp) / MANIFEST
        manifest_file.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")
        partial = path.with_name(path.name + ".partial")
        progress(_("Writing %(path)s…") % {"path": path})
        with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
            tar.add(manifest_file, arcname=MANIFEST)
            tar.add(db_file, arcname=member)
            for name, file in files.items():
                tar.add(file, arcname=name)
        os.replace(partial, path)  # never a half-written backup under the real name
    return Made(path, path.stat().st_size, datetime.datetime.now().timestamp() - clock, manifest)


# --- restore ------------------------------------------------------------------------------------


def _damaged(path: Path, why: str) -> BackupError:
    return BackupError(
        _("“%(path)s” is not a usable congdong backup (%(why)s). Nothing was changed.")
        % {"path": path, "why": why}
    )


def _safe_name(name: str) -> bool:
    pure = PurePosixPath(name)
    return not pure.is_absolute() and ".." not in pure.parts and name not in ("", ".")


@contextmanager
def _opened(path: Path, workdir: Path) -> Iterator[dict[str, Any]]:
    """Unpack the backup into `workdir` after checking it whole; yields the manifest."""
    if not path.is_file():
        raise BackupError(_("No backup file at “%(path)s”.") % {"path": path})
    try:
        with tarfile.open(path, "r:gz") as tar:
            entries = tar.getmembers()
            names = [m.name for m in entries]
            if MANIFEST not in names:
                raise _damaged(path, _("no manifest"))
            for entry in entries:
                if not entry.isfile() or not _safe_name(entry.name):
                    raise _damaged(path, _("unexpected member %(name)s") % {"name": entry.name})
            manifest = json.loads(tar.extractfile(MANIFEST).read().decode("utf-8"))
            if manifest.get("format") != FORMAT:
                raise _damaged(path, _("no congdong manifest"))
            if manifest.get("format_version") != FORMAT_VERSION:
                raise BackupError(
                    _(
                        "This backup has format version %(found)s; this version of congdong "
                        "restores format %(ours)s. Nothing was changed."
                    )
                    % {"found": manifest.get("format_version"), "ours": FORMAT_VERSION}
                )
            expected = manifest.get("sha256") or {}
            if set(expected) != set(names) - {MANIFEST}:
                raise _damaged(path, _("its members do not match the manifest"))
            tar.extractall(workdir, filter="data")
    except (tarfile.TarError, EOFError, OSError, ValueError, UnicodeDecodeError) as exc:
        raise _damaged(path, str(exc) or exc.__class__.__name__) from exc
    for name, digest in expected.items():
        if sha256_of(workdir / name) != digest:
            raise _damaged(path, _("checksum mismatch in %(name)s") % {"name": name})
    yield manifest


def _check_migrations(manifest: dict[str, Any]) -> None:
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [
        f"{app}.{name}"
        for app, names in manifest.get("migrations", {}).items()
        for name in names
        if (app, name) not in known
    ]
    if unknown:
        raise BackupError(
            _(
                "This backup was made by a newer version of congdong (%(version)s): this code "
                "does not know the migrations %(names)s. Install that version or newer, then "
                "restore. Nothing was changed."
            )
            % {"version": manifest.get("app_version"), "names": ", ".join(unknown[:5])}
        )


def _restore_sqlite(db_file: Path) -> None:
    connection.ensure_connection()
    with sqlite3.connect(db_file) as source:
        # The online backup API writes into the open database: WAL, -shm and the file's
        # identity stay right, which copying files over a live database would not.
        source.backup(connection.connection)
    source.close()
    connection.close()


def _restore_postgresql(db_file: Path, force: bool) -> None:
    pg_restore = _pg_tool("pg_restore")
    connection.close()  # pg_restore must not wait on a lock we hold
    # With --force, --clean drops each object of the backup inside the same single transaction
    # that re-creates it: if the restore fails half way, the old database is still there.
    clean = ["--clean", "--if-exists"] if force else []
    _run(
        [
            pg_restore,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            *clean,
            "--dbname",
            connection.settings_dict["NAME"],
            str(db_file),
        ]
    )


def _replace_media(unpacked: Path, media_root: Path, workdir: Path) -> int:
    media_root.parent.mkdir(parents=True, exist_ok=True)
    if media_root.exists():
        # Removed with the work folder; a move, as PRIVATE_ROOT may be on another file system.
        shutil.move(media_root, workdir / f"{unpacked.name}-before-restore")
    if unpacked.is_dir():
        shutil.move(unpacked, media_root)  # a rename when the work folder is beside it
    else:
        media_root.mkdir()
    return len(_media_files(media_root))


def _compare(expected: dict[str, int], found: dict[str, int]) -> list[str]:
    return [
        f"{table}: {expected[table]} → {found.get(table)}"
        for table in sorted(expected)
        if found.get(table) != expected[table]
    ]


def restore_backup(path: str | Path, force: bool = False, progress: Progress = _quiet) -> Restored:
    """Replace the database and media with the backup's, after checking all of it."""
    clock = datetime.datetime.now().timestamp()
    path = Path(path).resolve()
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=media_root.parent, prefix=".congdong-restore-") as tmp:
        workdir = Path(tmp)
        progress(_("Checking %(path)s…") % {"path": path})
        with _opened(path, workdir / "unpacked") as manifest:
            if manifest.get("database_vendor") != vendor():
                raise BackupError(
                    _(
                        "This backup holds a %(theirs)s database; this installation uses "
                        "%(ours)s. Restore it with the same kind of database. Nothing was changed."
                    )
                    % {"theirs": manifest.get("database_vendor"), "ours": vendor()}
                )
            _check_migrations(manifest)
            if not force and database_has_data():
                raise BackupError(
                    _(
                        "The database already holds data. Restore into an empty database, or add "
                        "--force to replace it. Nothing was changed."
                    )
                )
            for root in _file_roots().values():
                if not force and _media_files(root):
                    raise BackupError(
                        _(
                            "The media folder %(folder)s is not empty. Restore into an empty "
                            "data folder, or add --force to replace it. Nothing was changed."
                        )
                        % {"folder": root}
                    )
            if vendor() == "postgresql":
                _pg_tool("pg_restore")  # before anything changes
            db_file = workdir / "unpacked" / manifest["database_member"]
            progress(_("Restoring the database…"))
            if vendor() == "sqlite":
                _restore_sqlite(db_file)
            else:
                _restore_postgresql(db_file, force)
            expected = manifest["row_counts"]
            wrong = _compare(expected, current_counts())
            if wrong:
                raise BackupError(
                    _("The restored database does not have the rows of the backup: %(tables)s")
                    % {"tables": "; ".join(wrong[:10])}
                )
            progress(_("Restoring %(n)d media files…") % {"n": manifest.get("media_files", 0)})
            media = sum(
                _replace_media(workdir / "unpacked" / folder, root, workdir)
                for folder, root in _file_roots().items()
            )
            progress(_("Migrating…"))
            before = set(MigrationRecorder(connection).applied_migrations())
            call_command("migrate", interactive=False, verbosity=0)
            found = current_counts()
            # Same code as the backup's: migrate applied nothing, so no count may change.
            # Newer code may add rows (seeded data, permissions); then the check above stands.
            if set(MigrationRecorder(connection).applied_migrations()) == before:
                wrong = _compare(expected, found)
                if wrong:
                    raise BackupError(
                        _("Row counts changed while migrating: %(tables)s")
                        % {"tables": "; ".join(wrong[:10])}
                    )
    return Restored(
        datetime.datetime.now().timestamp() - clock,
        len(expected),
        sum(expected.values()),
        media,
    )
