"""Nothing in the app changes or removes an audit row: the model, its queryset, the admin, and
the database itself (a trigger refuses UPDATE; DELETE too on PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from congdong.audit.models import AppendOnlyError, AuditEntry
from tests.audit.conftest import entry_at
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(readers) -> AuditEntry:
    return entry_at(readers.kinh_bac, actor=readers.province_admin)


NAME = "Nguyễn Thị Lan (bacninh.quantri)"


def test_saving_a_recorded_row_again_is_refused(entry):
    entry.action = "che-giau"
    with pytest.raises(AppendOnlyError):
        entry.save()
    assert AuditEntry.objects.get().action == "posts:approve"


def test_deleting_a_row_is_refused(entry):
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().update(actor_name="ai đó")
    assert AuditEntry.objects.get().actor_name == NAME


@pytest.mark.parametrize(
    "sql",
    [
        pytest.param("UPDATE audit_auditentry SET actor_name = 'ai đó'", id="update"),
        pytest.param(
            "DELETE FROM audit_auditentry",
            marks=pytest.mark.skipif(
                connection.vendor != "postgresql",
                reason="SQLite: Django's flush empties tables with DELETE (see migration 0002)",
            ),
            id="delete-postgresql",
        ),
    ],
)
def test_the_database_refuses_a_change_whatever_the_code(entry, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditEntry.objects.get().actor_name == NAME


def test_the_admin_shows_rows_but_changes_none(entry, personas):
    client = client_for(personas["admin"])
    url = f"/admin/audit/auditentry/{entry.pk}/change/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"actor_name": "ai đó"}).status_code == 403
    assert (
        client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert AuditEntry.objects.filter(actor_name=NAME).count() == 1


def test_removing_an_account_leaves_its_rows(entry, readers):
    readers.province_admin.memberships.all().delete()
    readers.province_admin.delete()
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.actor_id is not None and entry.actor_name == NAME
