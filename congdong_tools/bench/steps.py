"""What the benchmarks share: steps run in a child process against a throwaway database."""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import resource
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import congdong


def child(module: str, env: dict[str, str], *args: str) -> dict:
    """Run `python -m module *args` with `env`; its last stdout line is JSON, returned."""
    out = subprocess.run(
        [sys.executable, "-m", module, *args],
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def child_figures(module: str, database_url: str | None, progress, *args: str) -> dict:
    """`child(module, *args)` against a fresh database (its progress lines go straight to our
    stderr), with the database's kind added to its figures."""
    with fresh_database(database_url, progress) as env:
        figures = child(module, env, *args)
    figures["database"] = database_kind(database_url)
    return figures


def bench_staff(root) -> tuple:
    """An editor and an approver of the Front at unit `root`, granted by nobody (the system):
    the staff a bench's posts and campaigns are written and approved by. In a child step."""
    from congdong.accounts.actions import Grant, do_grant
    from congdong.accounts.models import AccountKind, Organisation, User
    from congdong.accounts.roles import Role

    org, _ = Organisation.objects.get_or_create(
        code=Organisation.Code.FRONT, defaults={"name": Organisation.Code.FRONT.label}
    )
    people = {}
    for username, role in (("bench.bientap", Role.EDITOR), ("bench.duyettin", Role.APPROVER)):
        people[role] = User.objects.create(username=username, kind=AccountKind.STAFF)
        do_grant(None, Grant(unit=root, user=people[role], organisation=org, role=role))
    return people[Role.EDITOR], people[Role.APPROVER]


def peak_rss_mb() -> float:
    """The peak resident memory of this process or of its largest finished child, in MB."""
    peak_kb = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    return round(peak_kb / 1024, 1)


def setup_django() -> None:
    """Django, in a child step (its environment names the database)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congdong.settings")
    django.setup()


def say(text: str) -> None:
    """Progress, on stderr: stdout carries the step's JSON."""
    print(text, file=sys.stderr, flush=True)


@contextmanager
def fresh_database(database_url: str | None, progress) -> Iterator[dict[str, str]]:
    """The environment of a bench's child steps: a throwaway data folder, `database_url` (an
    existing empty database) or a SQLite file in that folder, migrated."""
    with tempfile.TemporaryDirectory() as tmp:
        env = scratch_env(tmp, database_url)
        migrate(env, progress)
        yield env


def scratch_env(tmp: str, database_url: str | None, **more: str) -> dict[str, str]:
    """This process's environment for a bench's own app: its data folder `tmp`, and
    `database_url` (an existing empty database) or a SQLite file in that folder; `more` on top."""
    return dict(
        os.environ,
        CONGDONG_DATA_DIR=tmp,
        DATABASE_URL=database_url or f"sqlite:///{tmp}/bench.sqlite3",
        **more,
    )


def served_env(
    tmp: str, database_url: str | None, hosts: str = "127.0.0.1,localhost", **more: str
) -> dict[str, str]:
    """`scratch_env` for an app the bench serves (or calls through the test client) on
    `hosts`, with DEBUG off as in production."""
    return scratch_env(tmp, database_url, CONGDONG_DEBUG="0", CONGDONG_ALLOWED_HOSTS=hosts, **more)


@contextmanager
def served_alone(
    database_url: str | None,
    progress,
    settings: dict[str, str],
    hosts: str = "127.0.0.1,localhost",
) -> Iterator[dict[str, str]]:
    """The environment of an app a bench serves by itself: `served_env` in a throwaway data
    folder with `settings` on top, without REDIS_URL, its database migrated. Without Redis the
    app keeps its cache in its own memory and runs background tasks inline, so nothing is left
    in (or read from) a Redis another run shares."""
    with tempfile.TemporaryDirectory() as tmp:
        env = served_env(tmp, database_url, hosts, **settings)
        env.pop("REDIS_URL", None)
        migrate(env, progress)
        yield env


def database_kind(database_url: str | None) -> str:
    return "sqlite" if not database_url else database_url.split(":", 1)[0]


def migrate(env: dict[str, str], progress) -> None:
    """The schema into the fresh database that `env` names, from a copy of a database these
    very migrations made once on this machine (about 15 s of CPU each time otherwise, for every
    bench, scenario and installation test): a new SQLite file is copied, and an empty PostgreSQL
    database is made again from a template database on its server."""
    url = env.get("DATABASE_URL", "")
    target = Path(url.removeprefix("sqlite:///"))
    if url.startswith("sqlite:///") and not target.exists():
        copy_sqlite(migrated_sqlite(env, progress), target)
        return
    if url.startswith(("postgres://", "postgresql://")):
        server, _slash, name = url.rpartition("/")
        made = migrated_postgres(env, server, progress)
        with _postgres(server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{made}"')
        return
    progress("migrating a fresh database…")
    subprocess.run([sys.executable, "-m", "congdong.cli", "migrate", "-v0"], env=env, check=True)


def _migrations_digest() -> str:
    package = Path(congdong.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(package.glob("*/migrations/*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


@contextmanager
def _postgres(server: str) -> Iterator:
    import psycopg

    with psycopg.connect(f"{server}/postgres".replace("postgres://", "postgresql://", 1)) as admin:
        admin.autocommit = True
        yield admin


def migrated_postgres(env: dict[str, str], server: str, progress) -> str:
    """The name of a database on `server` with every migration applied, named after the digest
    of the migration files; made under a name of its own and renamed, so two runs at once never
    use half of one, and older ones are dropped. Nothing connects to it but CREATE DATABASE."""
    name = f"congdong_migrated_{_migrations_digest()}"
    with _postgres(server) as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if found:
            return name
        building = f"{name}_{os.getpid()}"
        admin.execute(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{building}"')
    progress("migrating a fresh database (kept on the server for the next runs)…")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "congdong.cli", "migrate", "-v0"],
            env=dict(env, CONGDONG_DATA_DIR=tmp, DATABASE_URL=f"{server}/{building}"),
            check=True,
        )
    with _postgres(server) as admin:
        try:
            admin.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
        except Exception:  # another run renamed its own first: use that one
            admin.execute(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
        older = admin.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE 'congdong\\_migrated\\_%%' "
            "AND datname NOT LIKE %s",
            [f"{name}%"],
        ).fetchall()
        for (old,) in older:
            admin.execute(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')
    return name


def migrated_sqlite(env: dict[str, str], progress) -> Path:
    """A SQLite database with every migration applied, kept in the temporary folder under the
    digest of the migration files (a changed or added migration makes a new one). Made in a
    folder of its own and renamed into place, so two runs at once never see half of one."""
    folder = Path(tempfile.gettempdir()) / "congdong-migrated"
    template = folder / f"{_migrations_digest()}.sqlite3"
    if template.exists():
        return template
    folder.mkdir(exist_ok=True)
    progress("migrating a fresh database (kept for the next runs)…")
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        made = Path(tmp) / "migrated.sqlite3"
        subprocess.run(
            [sys.executable, "-m", "congdong.cli", "migrate", "-v0"],
            env=dict(env, CONGDONG_DATA_DIR=tmp, DATABASE_URL=f"sqlite:///{made}"),
            check=True,
        )
        with sqlite3.connect(made) as database:  # the WAL folded into the file
            database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            database.execute("PRAGMA journal_mode=DELETE")
        os.replace(made, template)
    return template


def copy_sqlite(template: Path, target: Path) -> None:
    """A new database file from the migrated one, already in WAL mode: the processes that open
    it next (a server, the worker, a flusher) would otherwise each switch it from the copy's
    rollback journal to WAL at once, and a switch that meets another's lock fails at once with
    "database is locked" instead of waiting."""
    with sqlite3.connect(template) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=WAL")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict]:
    """One GET on a fresh connection: the status and the headers (the body is read, dropped)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        response.read()
        return response.status, dict(response.getheaders())
    finally:
        conn.close()


def in_threads(worker: Callable[[int], None], count: int) -> float:
    """Run `worker(0)` … `worker(count - 1)` at once, each in its own thread: the seconds
    they took together (the load benches' connections)."""
    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.monotonic() - started


@contextmanager
def gunicorn(env: dict[str, str], options: list[str], ready: str = "/") -> Iterator[int]:
    """The project's WSGI app in gunicorn (gthread workers, `options` for their number) on a
    free local port, yielded once `ready` answers 200; stopped on the way out."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "congdong.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            "--worker-class=gthread",
            "--log-level=warning",
            *options,
        ],
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError("gunicorn exited before serving")
            try:
                if get(port, ready)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer within 60 s")
            time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)
