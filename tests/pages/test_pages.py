"""One official page per unit: set up by admins of the unit or above, opened, suspended."""

from __future__ import annotations

import pytest

from congdong.pages.models import Page, PageStatus, PageTransition
from congdong.pages.naming import base_slug, official_name
from congdong.units.models import Unit
from tests.conftest import client_for, commune_named, unit_2025

pytestmark = pytest.mark.django_db


def test_official_names_follow_the_rule():
    assert official_name(unit_2025("24")) == "Mặt trận Tổ quốc Việt Nam tỉnh Bắc Ninh"
    assert official_name(unit_2025("01")) == "Mặt trận Tổ quốc Việt Nam thành phố Hà Nội"
    assert official_name(unit_2025("TW")) == "Mặt trận Tổ quốc Việt Nam"
    kinh_bac = commune_named("24", "Kinh Bắc")
    assert official_name(kinh_bac) == "Mặt trận Tổ quốc Việt Nam phường Kinh Bắc"


def test_slugs_keep_the_letter_d():
    assert base_slug("Mặt trận Tổ quốc Việt Nam tỉnh Đắk Lắk") == (
        "mat-tran-to-quoc-viet-nam-tinh-dak-lak"
    )


def set_up(client, unit: Unit):
    return client.post(f"/lam-viec/don-vi/{unit.pk}/lap-trang/")


def test_province_admin_sets_up_opens_and_suspends_a_commune_page(personas):
    admin = client_for(personas["bacninh.quantri"])
    commune = commune_named("24", "Kinh Bắc")
    response = set_up(admin, commune)
    page = Page.objects.get(unit=commune)
    assert response.url == f"/lam-viec/trang/{page.pk}/"
    assert page.status == PageStatus.NOT_ESTABLISHED and page.verified
    assert page.slug == "mat-tran-to-quoc-viet-nam-phuong-kinh-bac"
    assert admin.get(f"/trang/{page.slug}/").status_code == 404  # not public yet

    admin.post(f"/lam-viec/trang/{page.pk}/trang-thai/", {"status": "active"})
    public = admin.get(f"/trang/{page.slug}/")
    assert public.status_code == 200 and "Mặt trận Tổ quốc Việt Nam phường Kinh Bắc" in (
        public.content.decode()
    )

    admin.post(f"/lam-viec/trang/{page.pk}/trang-thai/", {"status": "suspended", "reason": ""})
    assert Page.objects.get(pk=page.pk).status == PageStatus.ACTIVE  # a reason is required
    admin.post(
        f"/lam-viec/trang/{page.pk}/trang-thai/",
        {"status": "suspended", "reason": "Trang giả mạo đang bị điều tra"},
    )
    page.refresh_from_db()
    assert page.status == PageStatus.SUSPENDED
    moves = list(
        PageTransition.objects.filter(page=page).values_list("from_state", "to_state", "reason")
    )
    assert moves == [
        ("", "not_established", ""),
        ("not_established", "active", ""),
        ("active", "suspended", "Trang giả mạo đang bị điều tra"),
    ]
    assert 'class="notice"' in admin.get(f"/trang/{page.slug}/").content.decode()


def test_a_unit_has_only_one_page(personas):
    admin = client_for(personas["bacninh.quantri"])
    set_up(admin, unit_2025("24"))
    set_up(admin, unit_2025("24"))
    assert Page.objects.filter(unit=unit_2025("24")).count() == 1


def test_moves_outside_the_graph_are_refused(personas):
    admin = client_for(personas["bacninh.quantri"])
    set_up(admin, unit_2025("24"))
    page = Page.objects.get(unit=unit_2025("24"))
    for bad in ("suspended", "not_established", "deleted"):
        admin.post(f"/lam-viec/trang/{page.pk}/trang-thai/", {"status": bad, "reason": "lý do dài"})
        assert Page.objects.get(pk=page.pk).status == PageStatus.NOT_ESTABLISHED


@pytest.mark.parametrize(
    ("username", "status"),
    [("kinhbac.canbo", 403), ("bacninh.thongke", 403), ("hanoi.quantri", 404)],  # 404: out of scope
)
def test_only_admins_of_the_unit_or_above_set_up_pages(personas, username, status):
    response = set_up(client_for(personas[username]), commune_named("24", "Kinh Bắc"))
    assert response.status_code == status
    assert not Page.objects.exists()


def test_name_may_be_edited_within_the_rule(personas):
    admin = client_for(personas["bacninh.quantri"])
    set_up(admin, unit_2025("24"))
    page = Page.objects.get()
    url = f"/lam-viec/trang/{page.pk}/"
    bad = admin.post(url, {"name": "Trang tin Bắc Ninh", "contact_email": "mttq@bacninh.gov.vn"})
    assert bad.status_code == 400 and bad.context["form"].errors["name"]
    other_place = admin.post(url, {"name": "Mặt trận Tổ quốc Việt Nam tỉnh Bắc Giang"})
    assert other_place.status_code == 400
    good = admin.post(
        url,
        {
            "name": "MẶT TRẬN TỔ QUỐC VIỆT NAM TỈNH BẮC NINH",
            "description": "Trang chính thức.",
            "contact_email": "x@y.vn",
        },
    )
    assert good.status_code == 302
    page.refresh_from_db()
    assert page.name == "MẶT TRẬN TỔ QUỐC VIỆT NAM TỈNH BẮC NINH" and page.contact_email == "x@y.vn"
    bad_email = admin.post(url, {"name": page.name, "contact_email": "không phải email"})
    assert bad_email.status_code == 400


def test_directory_marks_units_with_an_active_page(client, personas):
    admin = client_for(personas["bacninh.quantri"])
    set_up(admin, unit_2025("24"))
    page = Page.objects.get()
    before = client.get("/").content.decode()
    assert f"/trang/{page.slug}/" not in before
    admin.post(f"/lam-viec/trang/{page.pk}/trang-thai/", {"status": "active"})
    after = client.get("/").content.decode()
    assert f"/trang/{page.slug}/" in after


def test_api_sets_up_opens_and_lists_pages(personas, client):
    admin = client_for(personas["bacninh.quantri"])
    created = admin.post(
        "/api/v1/pages", {"unit_id": unit_2025("24").pk}, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["status"] == "not_established"
    page_id = created.json()["id"]
    again = admin.post(
        "/api/v1/pages", {"unit_id": unit_2025("24").pk}, content_type="application/json"
    )
    assert again.status_code == 400
    bad = admin.post(
        f"/api/v1/pages/{page_id}/status", {"status": "suspended"}, content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["field"] == "status"
    opened = admin.post(
        f"/api/v1/pages/{page_id}/status", {"status": "active"}, content_type="application/json"
    )
    assert opened.json()["status"] == "active"
    listed = client.get("/api/v1/pages", {"structure": "2025"}).json()
    assert [p["unit_name"] for p in listed["items"]] == ["Tỉnh Bắc Ninh"]
    slug = listed["items"][0]["slug"]
    assert client.get(f"/api/v1/pages/{slug}").json()["verified"] is True
    other = client_for(personas["hanoi.quantri"]).put(
        f"/api/v1/pages/{page_id}/profile",
        {"name": "Mặt trận Tổ quốc Việt Nam tỉnh Bắc Ninh"},
        content_type="application/json",
    )
    assert other.status_code == 404  # another province's page: out of scope


@pytest.mark.slow  # sets up the demo's pages of the 2022 tree
def test_demo_pages_match_the_2022_coverage(personas):
    from congdong_tools.demo.pages import ensure_pages

    ensure_pages()
    counts = {
        level: Page.objects.filter(unit__structure__code="2022", unit__level=level).count()
        for level in ("province", "district", "commune")
    }
    assert counts == {"province": 63, "district": 548, "commune": 5776}  # 100 %, 77.8 %, 54.5 %
    assert Page.objects.filter(unit=commune_named("24", "Kinh Bắc")).exists()
    assert ensure_pages() == {"2025": 0, "2022": 0}
    assert Page.objects.filter(unit=unit_2025("24")).get().slug == (
        "mat-tran-to-quoc-viet-nam-tinh-bac-ninh"
    )


def test_admins_preview_a_page_before_it_is_open_and_others_cannot(personas, client):
    admin = client_for(personas["bacninh.quantri"])
    set_up(admin, unit_2025("24"))
    page = Page.objects.get()
    assert client.get(f"/trang/{page.slug}/").status_code == 404  # not public yet
    preview = admin.get(f"/lam-viec/trang/{page.pk}/xem-truoc/")
    assert preview.status_code == 200
    assert preview.context["preview"] is True and page.name in preview.content.decode()
    outsider = client_for(personas["hanoi.quantri"]).get(f"/lam-viec/trang/{page.pk}/xem-truoc/")
    assert outsider.status_code == 404  # out of scope
