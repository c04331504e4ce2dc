"""What a transactional test (threads, a live server, a Chromium journey) leaves behind is
emptied before the next test, but not the reference rows every test reads.

pytest-django ends such a test with Django's `flush`: every table emptied (TRUNCATE on
PostgreSQL), the content types and permissions made again by post_migrate, and then the next
test's `personas` copied the unit trees and categories back in: about three seconds a test on
PostgreSQL, for rows the test had not touched. Here every other table is emptied (DELETE, the
foreign keys being deferred until the commit) and the reference tables are compared with the
session's snapshot and copied back only when a test changed them, so the next test starts
from exactly what a flush and a copy would leave.
"""

from __future__ import annotations

from django.core.management.color import no_style
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model
from django.test import TransactionTestCase

# The reference tables as `django_db_setup` left them: (model, columns, rows), parents first.
Snapshot = list[tuple[type[Model], list[str], list[tuple]]]
REFERENCE: Snapshot = []


def reference_models() -> list[type[Model]]:
    """The unit trees and the feedback categories: loaded once for the session."""
    from congdong.feedback.models import Category
    from congdong.units.models import Structure, Succession, Unit

    return [Structure, Unit, Succession, Category]


def _kept_models() -> list[type[Model]]:
    # What post_migrate makes, which a flush would make again (with new ids).
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    return [ContentType, Permission, *reference_models()]


def take_snapshot() -> None:
    """Called once by `django_db_setup`, after the trees are loaded."""
    REFERENCE[:] = rows_of(reference_models())


def rows_of(models: list[type[Model]]) -> Snapshot:
    from django.db import connection

    out = []
    with connection.cursor() as cursor:
        for model in models:
            columns = [field.column for field in model._meta.concrete_fields]
            names = ", ".join(connection.ops.quote_name(column) for column in columns)
            table = connection.ops.quote_name(model._meta.db_table)
            pk = connection.ops.quote_name(model._meta.pk.column)
            cursor.execute(f"SELECT {names} FROM {table} ORDER BY {pk}")
            out.append((model, columns, cursor.fetchall()))
    return out


def copy_reference_back() -> None:
    """Into each empty reference table, its rows as the session's snapshot holds them."""
    from django.db import connection

    with transaction.atomic(), connection.cursor() as cursor:
        for model, columns, rows in REFERENCE:
            if model._default_manager.exists():
                continue  # a table the test filled itself keeps what it holds
            names = ", ".join(connection.ops.quote_name(column) for column in columns)
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({names}) "
                f"VALUES ({marks})",
                rows,
            )
        # PostgreSQL: the sequences go on after the copied ids (SQLite needs nothing).
        for sql in connection.ops.sequence_reset_sql(no_style(), reference_models()):
            cursor.execute(sql)


def empty(connection: BaseDatabaseWrapper) -> None:
    """Every table emptied but the kept ones, which are left as the snapshot has them."""
    kept = {model._meta.db_table for model in _kept_models()}
    changed = REFERENCE and rows_of([model for model, _, _ in REFERENCE]) != REFERENCE
    tables = [
        table
        for table in connection.introspection.django_table_names(
            only_existing=True, include_views=False
        )
        if table not in kept or (changed and table in _reference_tables())
    ]
    quote = connection.ops.quote_name
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The audit log's trigger refuses DELETE (audit/migrations/0002): it is emptied as
            # the flush empties it, before any delete leaves foreign-key checks pending.
            refusing = _refusing_deletes(cursor)
            append_only = [table for table in tables if table in refusing]
            if append_only:
                cursor.execute(f"TRUNCATE {', '.join(map(quote, append_only))} CASCADE")
            tables = [table for table in tables if table not in append_only]
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table in tables:
            cursor.execute(f"DELETE FROM {quote(table)}")
    if changed:
        copy_reference_back()


def _refusing_deletes(cursor) -> set[str]:
    """PostgreSQL tables with a trigger of ours on DELETE (tgtype bit 3)."""
    cursor.execute(
        "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE NOT t.tgisinternal AND t.tgtype & 8 <> 0"
    )
    return {name for (name,) in cursor.fetchall()}


def _reference_tables() -> set[str]:
    return {model._meta.db_table for model in reference_models()}


def _fixture_teardown(self: TransactionTestCase) -> None:
    for alias in self._databases_names(include_mirrors=False):
        empty(connections[alias])


def install() -> None:
    """In place of Django's flush after each transactional test (the suite uses neither
    `available_apps` nor `serialized_rollback`, the two cases the flush treats apart)."""
    TransactionTestCase._fixture_teardown = _fixture_teardown  # type: ignore[method-assign]
