"""Many rows in one INSERT, in the form each backend takes best.

`INSERT INTO table (columns) <source> [ON CONFLICT …]`, where the source is, on PostgreSQL,
`SELECT * FROM unnest(%s::type[], …)`: one array parameter per column. psycopg finds a
statement's placeholders in Python, one regular-expression match each, so a chunk of 30,000
`%s` cost more CPU to send than the server spent running it (a third of the sample demo's
history on PostgreSQL). SQLite takes `VALUES (%s, …), …`. Django's own bulk_create uses
unnest on PostgreSQL too; this is for the upserts it does not write.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper


def rows_source(
    connection: BaseDatabaseWrapper,
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
) -> tuple[str, list[Any]]:
    """The SQL that yields `rows` (values of `columns` of `model`'s table, in that order) as
    the source of an INSERT, and its parameters."""
    if connection.vendor == "postgresql":
        fields = {field.column: field for field in model._meta.concrete_fields}
        arrays = ", ".join(f"%s::{fields[column].db_type(connection)}[]" for column in columns)
        values = [list(column) for column in zip(*rows, strict=True)]
        return f"SELECT * FROM unnest({arrays})", values
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    return "VALUES " + ", ".join([row] * len(rows)), [value for values in rows for value in values]
