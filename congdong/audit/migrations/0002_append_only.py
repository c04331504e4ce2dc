"""Database triggers that refuse changing the audit log, whatever code or shell tries.

PostgreSQL: a row trigger refuses UPDATE and DELETE. TRUNCATE is deliberately not refused:
it fires no row trigger, needs the table owner's privilege (the app's role in a small install;
a separate owner role at scale, see docs/audit.md), and is how Django's test runner empties the
database between transactional tests (`flush` runs TRUNCATE on PostgreSQL).

SQLite: a trigger refuses UPDATE only. SQLite has no TRUNCATE; Django's `flush` (used between
transactional and live-server tests, and by `congdong restore`'s checks) empties tables with
`DELETE FROM`, which a DELETE trigger would break, and SQLite triggers cannot tell a flush from
any other delete. Deletes are refused by the model and its queryset instead. Anyone holding the
SQLite file can change it anyway: the embedded default trusts its machine.
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit log is append-only: % refused', TG_OP;
END;
$$;
CREATE TRIGGER audit_entry_append_only
    BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_entry_append_only();
"""
SQLITE_UP = """
CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry
BEGIN
    SELECT RAISE(ABORT, 'audit log is append-only: UPDATE refused');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS audit_entry_no_update;"


def _run(schema_editor, pg: str, sqlite: str) -> None:
    vendor = schema_editor.connection.vendor
    # params=None: no placeholder formatting (the PL/pgSQL message has a literal %).
    if vendor == "postgresql":
        schema_editor.execute(pg, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(sqlite, params=None)


def up(apps, schema_editor) -> None:
    _run(schema_editor, PG_UP, SQLITE_UP)


def down(apps, schema_editor) -> None:
    _run(schema_editor, PG_DOWN, SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(up, down, elidable=False)]
