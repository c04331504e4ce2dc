"""What the benchmarks share: steps run in a child process against a throwaway database."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager


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
        env = dict(
            os.environ,
            CONGDONG_DATA_DIR=tmp,
            DATABASE_URL=database_url or f"sqlite:///{tmp}/bench.sqlite3",
        )
        migrate(env, progress)
        yield env


def database_kind(database_url: str | None) -> str:
    return "sqlite" if not database_url else database_url.split(":", 1)[0]


def migrate(env: dict[str, str], progress) -> None:
    """The schema into the fresh database that `env` names."""
    progress("migrating a fresh database…")
    subprocess.run([sys.executable, "-m", "congdong.cli", "migrate", "-v0"], env=env, check=True)


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
