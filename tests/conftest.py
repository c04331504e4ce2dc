"""Shared fixtures: the real unit trees (loaded once per session) and the demo personas."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from django.test import Client, override_settings

from congdong.accounts.models import User
from congdong.units.actions import do_import_structure
from congdong.units.models import Level, Unit
from congdong_tools.demo.personas import CITIZEN, DEMO_PASSWORD, PERSONAS, ensure_personas
from tests import database_reset, database_template

database_reset.install()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Both structures, imported once from the shipped data, and the demo personas, for every
    database test (granting the personas' roles cost a third of a second in each test that
    asked for them, a fifth of the suite's time).

    Transactional tests (threads, live servers, tests/e2e) empty every other table after them
    (tests/database_reset.py); pytest-django runs them last.
    """
    from django.db import connection
    from django.test import override_settings

    with django_db_blocker.unblock():
        if not database_template.restored():
            do_import_structure("2022")
            do_import_structure("2025")
            with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
                ensure_personas()
            database_template.keep(connection)
        database_reset.take_snapshot()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix) -> None:
    """Just before pytest-django makes the test database: a developer's run copies the one
    an earlier run built (tests/database_template.py)."""
    database_template.install()


@pytest.fixture(scope="session", autouse=True)
def own_files_per_worker(request, tmp_path_factory) -> None:
    """`make test-fast` runs on every CPU (pytest-xdist): each worker process has its own
    in-memory database, and here its own media and private folders, so two workers never
    write the same file name (an export, a picture) into one folder."""
    if not hasattr(request.config, "workerinput"):
        return
    from django.test import override_settings

    folder = tmp_path_factory.mktemp("files")
    override_settings(MEDIA_ROOT=folder / "media", PRIVATE_ROOT=folder / "private").enable()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # PBKDF2 at production strength costs ~0.3 s per password; tests create many accounts.
    settings.PASSWORD_HASHERS = FAST_HASHERS


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def personas(db) -> dict[str, User]:
    """The demo personas, by username (see congdong_tools/demo/personas.py).

    A transactional test before this one (threads, a live server) flushed the database: the
    unit trees of `django_db_setup` come back first."""
    return demo_personas()


def demo_personas() -> dict[str, User]:
    """What the `personas` fixture gives, for a module's world (tests/worlds.py)."""
    if not Unit.objects.exists():
        _reference_data_again()
    names = [persona.username for persona in PERSONAS] + ["admin"]
    found = {user.username: user for user in User.objects.filter(username__in=names)}
    if len(found) < len(names) or not User.objects.filter(phone=CITIZEN["phone"]).exists():
        ensure_personas()  # after a flush, or a test that deleted one
        found = {user.username: user for user in User.objects.filter(username__in=names)}
    return {name: found[name] for name in names}


def _reference_data_again() -> None:
    """What `django_db_setup` and the data migrations put in, after a flush: the unit trees and
    the feedback categories, copied back from the session's snapshot (tests/database_reset.py)."""
    if not database_reset.REFERENCE:  # a database set up without this conftest's fixture
        from importlib import import_module

        from django.apps import apps

        do_import_structure("2022")
        do_import_structure("2025")
        import_module("congdong.feedback.migrations.0002_categories").seed(apps, None)
        return
    database_reset.copy_reference_back()


@pytest.fixture
def sms_outbox(settings, tmp_path) -> Path:
    """Codes sent by SMS land in this file (the file backend), one JSON line each."""
    settings.SMS_BACKEND = "congdong.accounts.sms.FileBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms.jsonl"
    return settings.SMS_FILE_PATH


def last_code(outbox: Path) -> str:
    """The 6-digit code in the newest message of the outbox."""
    text = json.loads(outbox.read_text(encoding="utf-8").splitlines()[-1])["text"]
    return next(
        word for word in text.replace(".", " ").split() if len(word) == 6 and word.isdigit()
    )


def unit_2025(code: str) -> Unit:
    return Unit.objects.get(structure__code="2025", code=code)


def commune_named(province_code: str, name: str, structure: str = "2025") -> Unit:
    province = Unit.objects.get(structure__code=structure, code=province_code)
    return Unit.objects.in_subtree(province).get(level=Level.COMMUNE, name=name)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post_json(client: Client, url: str, data: dict, **headers: str):
    """POST `data` as a JSON body (the API's way), with `headers` (e.g. HTTP_AUTHORIZATION)."""
    return client.post(url, data, content_type="application/json", **headers)


__all__ = ["DEMO_PASSWORD", "client_for", "commune_named", "last_code", "post_json", "unit_2025"]


# Events recorded in this process wait in its buffer until a test flushes them
# (congdong.events.flush): no flusher thread may write beside a test's transaction, nor hold a
# table of SQLite's shared in-memory database while the next test empties it ("database table
# is locked"). Off for the whole session, not only within each test's `settings`: a live
# server's request arriving between two tests (a beacon sent as a page closed) would
# otherwise start the thread with the default period.
override_settings(EVENTS_FLUSH_SECONDS=0).enable()

# The product's own threads (events/__init__.py, worker/loop.py, syndication/actions.py):
# none may outlive the test that started it.
PRODUCT_THREADS = ("congdong-", "send-")


@pytest.fixture(autouse=True)
def no_product_thread_left():
    yield
    left = [
        thread.name for thread in threading.enumerate() if thread.name.startswith(PRODUCT_THREADS)
    ]
    assert not left, f"threads of the product still running after the test: {left}"


@pytest.fixture(autouse=True)
def fresh_public_cache():
    # Cached public pages are keyed by address and page id, which the next test's database
    # reuses: a copy must never outlive its test (nor a rate-limit window).
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.hookimpl(trylast=True)  # after tests/e2e/conftest.py marks the journeys
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """CI runs the suite twice side by side (SQLite, and PostgreSQL + Redis), naming the pass in
    CONGDONG_CI_PASS. A test marked `backend_neutral` drives no query that differs between the
    two (a browser journey or sample over rows any backend stores alike, a demo build, a
    benchmark that measures in processes of its own): it runs in one pass only, the SQLite one
    unless the marker says `run_in="postgres"` (a bench whose code path is the scale-out one:
    Redis limits and streams, the send queue's row locks). `make test` runs every test."""
    from congdong.config import load

    this_pass = load().ci_pass
    if not this_pass:
        return
    for item in items:
        marker = item.get_closest_marker("backend_neutral")
        if marker is None:
            continue
        run_in = marker.kwargs.get("run_in", "sqlite")
        if run_in != this_pass:
            item.add_marker(pytest.mark.skip(reason=f"backend-neutral: run in CI's {run_in} pass"))


@pytest.fixture(autouse=True)
def platforms_unreachable(settings):
    """No test reaches Facebook or Zalo: their addresses point at a closed local port unless
    a test starts the fakes (tests/channels/conftest.py), which set their own addresses."""
    closed = "http://127.0.0.1:9"
    settings.FACEBOOK_GRAPH_URL = settings.FACEBOOK_DIALOG_URL = closed
    settings.ZALO_OAUTH_URL = settings.ZALO_API_URL = closed
