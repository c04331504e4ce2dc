"""Accent-insensitive unit search in the API, the directory and the admin."""

from __future__ import annotations

import pytest

from congdong.units.models import Unit
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bac ninh", "Tỉnh Bắc Ninh"),
        ("dak lak", "Tỉnh Đắk Lắk"),
        ("ĐẮK LẮK", "Tỉnh Đắk Lắk"),
        ("  Hà   Nội ", "Thành phố Hà Nội"),
    ],
)
def test_search_ignores_accents_case_and_spaces(text, expected):
    found = Unit.objects.filter(structure__code="2025", level="province").search(text)
    assert [u.full_name for u in found] == [expected]


def test_api_search_finds_unit_without_accents(client):
    response = client.get("/api/v1/units", {"q": "dak lak", "level": "province"})
    assert response.status_code == 200
    assert [u["full_name"] for u in response.json()["items"]] == ["Tỉnh Đắk Lắk"]


def test_directory_search_finds_unit_without_accents(client):
    response = client.get("/", {"q": "kinh bac"})
    assert "Phường Kinh Bắc" in response.content.decode()


def test_admin_search_finds_unit_with_or_without_accents(personas):
    admin = client_for(personas["admin"])
    for text in ("Đắk Lắk", "dak lak"):
        page = admin.get("/admin/units/unit/", {"q": text}).content.decode()
        assert "Đắk Lắk" in page


def test_admin_shows_the_tree_but_cannot_change_official_units(personas):
    admin = client_for(personas["admin"])
    unit = Unit.objects.get(structure__code="2025", code="24")
    assert admin.get(f"/admin/units/unit/{unit.pk}/change/").status_code == 200
    admin.post(f"/admin/units/unit/{unit.pk}/change/", {"name": "Đổi tên", "kind": "tinh"})
    unit.refresh_from_db()
    assert unit.name == "Bắc Ninh"
