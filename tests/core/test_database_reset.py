"""Between transactional tests the database is emptied but for the reference rows
(tests/database_reset.py): a test must start from what Django's flush and a fresh copy of the
unit trees would give it, whatever the test before it wrote, changed or deleted."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from congdong.accounts.models import User
from congdong.audit.models import AuditEntry
from congdong.audit.record import record
from congdong.feedback.models import Category
from congdong.units.models import Structure, Unit
from tests import database_reset
from tests.conftest import unit_2025

pytestmark = pytest.mark.django_db(transaction=True)


def _counts() -> dict[str, int]:
    return {
        model.__name__: model._default_manager.count()
        for model in (Structure, Unit, Category, ContentType, Permission)
    }


def test_what_a_test_wrote_goes_and_the_reference_rows_stay_as_they_were(personas):
    before = _counts()
    assert User.objects.exists() and before["Unit"] > 3000
    record(action="test.reset", actor=personas["tw.bientap"])

    database_reset.empty(connection)

    assert not User.objects.exists()
    assert not AuditEntry.objects.exists()  # append-only on PostgreSQL: emptied all the same
    assert _counts() == before


def test_a_changed_or_deleted_reference_row_is_put_back(personas):
    before = _counts()
    bac_ninh = unit_2025("24")
    name = bac_ninh.name
    Unit.objects.filter(pk=bac_ninh.pk).update(name="Đổi tên thử")
    Category.objects.order_by("pk").first().delete()

    database_reset.empty(connection)

    assert _counts() == before
    assert Unit.objects.get(pk=bac_ninh.pk).name == name
    assert database_reset.rows_of(database_reset.reference_models()) == database_reset.REFERENCE
