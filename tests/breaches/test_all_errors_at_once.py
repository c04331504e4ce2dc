"""The breach form tells every bad field in one submit (issue 16.9); nothing is recorded."""

from __future__ import annotations

import pytest

from congdong.breaches.models import Breach
from tests.breaches.test_web_api import LIST, form
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("discovered", ["", "32/13/2026 25:00"], ids=["rule", "form"])
def test_the_breach_form_shows_every_bad_field_at_once(world, discovered):
    bad = {
        "description": "",
        "consequences": "",
        "measures": "",
        "subjects_count": "nhiều",
        "discovered_at": discovered,
    }
    response = client_for(world.commune_dpo).post(LIST + "ghi-nhan/", form(world, **bad))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"description", "consequences", "measures", "subjects_count"} <= set(errors)
    assert "Mô tả sự việc" in response.content.decode()
    assert not Breach.objects.exists()
