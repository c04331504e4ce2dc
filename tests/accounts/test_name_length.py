"""A full name longer than the column holds is refused with a message and nothing is stored
(SQLite kept it whole; PostgreSQL answered an error 500 — found by `bench xss` on PostgreSQL)."""

from __future__ import annotations

import datetime

import pytest

from congdong.accounts.actions import check_citizen_signup, check_create_staff
from congdong.accounts.models import User
from congdong.core.errors import ActionError
from congdong.privacy.actions import check_correct
from tests.conftest import unit_2025

pytestmark = pytest.mark.django_db
LONG = "Nguyễn " * 25  # 175 characters
BORN = datetime.date(1990, 5, 1)


def test_a_citizen_name_too_long_is_refused_at_signup():
    with pytest.raises(ActionError) as refused:
        check_citizen_signup("+84912000111", LONG, BORN)
    assert refused.value.field == "full_name"
    assert "150" in str(refused.value.message)
    name = "Nguyễn Thị Minh Khai " * 7  # 147 characters: kept whole
    assert check_citizen_signup("+84912000111", name, BORN).full_name == name.strip()


def test_a_staff_name_too_long_is_refused(personas):
    with pytest.raises(ActionError) as refused:
        check_create_staff(
            personas["bacninh.quantri"],
            unit_2025("24").pk,
            "moi.canbo",
            LONG,
            "mot-mat-khau-dai-2026",
            "editor",
            "mttq",
        )
    assert refused.value.field == "full_name"
    assert not User.objects.filter(username="moi.canbo").exists()


def test_a_correction_too_long_is_refused(db):
    from tests.engagement.conftest import citizen

    person = citizen("+84912345679", "Trần Thị Bình")
    with pytest.raises(ActionError) as refused:
        check_correct(person, LONG, BORN)
    assert refused.value.field == "full_name"
    person.refresh_from_db()
    assert person.full_name == "Trần Thị Bình"
