"""The public directory of units and the units API."""

from __future__ import annotations

import pytest

from congdong.units.models import Unit
from tests.conftest import unit_2025

pytestmark = pytest.mark.django_db


def test_home_lists_the_34_provinces_of_today_without_pages_yet(client):
    response = client.get("/")
    provinces = list(response.context["provinces"])
    assert len(provinces) == 34
    page = response.content.decode()
    assert "Tỉnh Bắc Ninh" in page and "Thành phố Hồ Chí Minh" in page
    assert page.count("chưa có trang") >= 34


def test_home_can_show_the_2022_structure(client):
    response = client.get("/", {"structure": "2022"})
    assert len(list(response.context["provinces"])) == 63
    assert "Tỉnh Bắc Giang" in response.content.decode()


def test_2022_province_page_lists_districts_and_the_successor(client):
    old_bac_giang = Unit.objects.get(structure__code="2022", level="province", name="Bắc Giang")
    page = client.get(f"/don-vi/{old_bac_giang.pk}/").content.decode()
    assert "Huyện Lục Ngạn" in page
    assert "Tỉnh Bắc Ninh" in page  # merged into Bắc Ninh on 1 July 2025


def test_2025_province_page_lists_communes(client):
    response = client.get(f"/don-vi/{unit_2025('24').pk}/")
    assert len(response.context["children"]) == 99
    assert "Phường Kinh Bắc" in response.content.decode()


def test_htmx_search_returns_only_the_results_fragment(client):
    response = client.get(
        "/", {"q": "dak lak"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="search-results"
    )
    body = response.content.decode()
    assert "Tỉnh Đắk Lắk" in body and "<html" not in body


def test_unknown_unit_is_404(client):
    assert client.get("/don-vi/999999999/").status_code == 404


def test_english_switch(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page and "Directory of community pages" in page


def test_vietnamese_is_the_default(client):
    page = client.get("/").content.decode()
    assert '<html lang="vi">' in page


def test_api_units_filter_by_level_and_parent_with_pages(client):
    province = unit_2025("24")
    first = client.get("/api/v1/units", {"parent": province.pk}).json()
    assert first["count"] == 99 and len(first["items"]) == 50
    second = client.get("/api/v1/units", {"parent": province.pk, "page": 2}).json()
    assert len(second["items"]) == 49
    codes = {u["code"] for u in first["items"]} | {u["code"] for u in second["items"]}
    assert len(codes) == 99
    districts = client.get("/api/v1/units", {"structure": "2022", "level": "district"}).json()
    assert districts["count"] == 705


def test_api_unit_detail_has_ancestors(client):
    commune = Unit.objects.get(structure__code="2022", code="00001")
    data = client.get(f"/api/v1/units/{commune.pk}").json()
    assert [a["full_name"] for a in data["ancestors"]] == [
        "Trung ương",
        "Thành phố Hà Nội",
        "Quận Ba Đình",
    ]


def test_api_bad_filters_are_clear_400s(client):
    assert client.get("/api/v1/units", {"structure": "1999"}).status_code == 400
    assert client.get("/api/v1/units", {"level": "planet"}).status_code == 422
    assert client.get("/api/v1/units/0").status_code == 404


def test_openapi_and_local_docs(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/units" in spec["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()


def test_query_count_of_the_directory_is_bounded(client, django_assert_max_num_queries):
    province = unit_2025("24")
    with django_assert_max_num_queries(8):
        client.get(f"/don-vi/{province.pk}/")
    with django_assert_max_num_queries(6):
        client.get("/api/v1/units", {"parent": province.pk})


def test_pages_are_vietnamese_even_for_an_english_browser(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in page


def test_api_messages_follow_accept_language(client):
    vi = client.get("/api/v1/units", {"structure": "1999"}, HTTP_ACCEPT_LANGUAGE="vi").json()
    en = client.get("/api/v1/units", {"structure": "1999"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert en["detail"] == "Unknown structure “1999”."
    assert vi["detail"] != en["detail"] and "1999" in vi["detail"]
