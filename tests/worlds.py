"""Data built once for a whole test module, rolled back after it.

A demo step built for every test (posts through the actions, feedback handled through its
graph) costs seconds each, much more on PostgreSQL; tests that only read what it made share one
build. The module's tests run inside its transaction (each in a savepoint of its own, as
pytest-django nests them), so what one test writes never reaches the next, and nothing of the
world outlives the module. Module-scoped fixtures are set up before function-scoped ones, so
the world's transaction is always the outer one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.test import TestCase, override_settings


@contextmanager
def module_world(django_db_blocker, **settings) -> Iterator[None]:
    """Inside: the database is open and every write is rolled back when the block ends.
    Callbacks on commit wait for a commit that never comes: wrap a build step that needs
    them in `committed_callbacks()`."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            EVENTS_FLUSH_SECONDS=0,
            **settings,
        ),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@contextmanager
def committed_callbacks() -> Iterator[None]:
    """Run the on-commit callbacks registered inside as the block ends, as a commit would."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        yield
