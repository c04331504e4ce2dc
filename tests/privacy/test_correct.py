"""Correct my data: full name and date of birth, with the sign-up's rules; bad input changes
nothing and says why."""

from __future__ import annotations

import datetime

import pytest

from congdong.privacy.models import DataRequest, RequestKind
from tests.conftest import client_for

CORRECT = "/cong-dan/du-lieu-ca-nhan/sua/"


@pytest.mark.django_db
def test_the_form_shows_the_current_details_and_says_the_phone_is_not_changed_here(world):
    page = client_for(world.an).get(CORRECT).content.decode()
    assert 'value="Nguyễn Văn An"' in page and 'value="1990-05-19"' in page


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"full_name": "A", "date_of_birth": "1990-05-19"}, "full_name"),
        ({"full_name": "Nguyễn Văn 3", "date_of_birth": "1990-05-19"}, "full_name"),
        ({"full_name": "Nguyễn Văn An", "date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"full_name": "Nguyễn Văn An", "date_of_birth": "hôm qua"}, "date_of_birth"),
        ({"full_name": "Nguyễn Văn An", "date_of_birth": "1990-05-19"}, "full_name"),  # no change
    ],
)
@pytest.mark.django_db
def test_a_bad_correction_is_refused_on_its_field_and_changes_nothing(world, fields, field):
    response = client_for(world.an).post(CORRECT, fields)
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()
    world.an.refresh_from_db()
    assert (world.an.full_name, world.an.date_of_birth) == (
        "Nguyễn Văn An",
        datetime.date(1990, 5, 19),
    )
    assert not DataRequest.objects.exists()


@pytest.mark.django_db
def test_a_correction_is_saved_and_recorded(world):
    response = client_for(world.an).post(
        CORRECT, {"full_name": "  Nguyễn   Văn  Ân ", "date_of_birth": "1990-05-20"}
    )
    assert response.status_code == 302
    world.an.refresh_from_db()
    assert (world.an.full_name, world.an.date_of_birth) == (
        "Nguyễn Văn Ân",
        datetime.date(1990, 5, 20),
    )
    assert world.an.phone == "+84912000101"
    item = DataRequest.objects.get(citizen=world.an)
    assert (item.kind, item.state, item.self_service) == (RequestKind.CORRECT, "answered", True)
