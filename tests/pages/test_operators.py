"""Youth Union co-admins run one page only; a role on the unit runs its page too."""

from __future__ import annotations

import pytest
from django.utils import timezone

from congdong.pages.actions import do_establish_many
from congdong.pages.models import Page, PageOperator
from congdong.pages.queries import can_operate
from congdong.units.models import Level, Unit
from tests.conftest import client_for, commune_named, post_json, unit_2025

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(personas):
    kinh_bac = commune_named("24", "Kinh Bắc")
    sibling = (
        Unit.objects.filter(parent=kinh_bac.parent, level=Level.COMMUNE)
        .exclude(pk=kinh_bac.pk)
        .first()
    )
    do_establish_many([kinh_bac, sibling], opened_at=timezone.now())
    return Page.objects.get(unit=kinh_bac), Page.objects.get(unit=sibling)


def add(client, page, username, organisation="doan"):
    return client.post(
        f"/lam-viec/trang/{page.pk}/dong-quan-tri/",
        {"op-username": username, "op-organisation": organisation},
    )


def test_admin_grants_a_youth_union_member_this_page_only(personas, pages):
    kinh_bac, sibling = pages
    admin = client_for(personas["bacninh.quantri"])
    member = personas["kinhbac.doanvien"]
    assert not can_operate(member, kinh_bac)
    assert add(admin, kinh_bac, "kinhbac.doanvien").status_code == 302
    operator = PageOperator.objects.get(user=member)
    assert (operator.page, operator.organisation.code) == (kinh_bac, "doan")
    assert can_operate(member, kinh_bac)
    assert not can_operate(member, sibling)
    member_client = client_for(member)
    # Nothing else: not the unit's workspace (outside their scope: 404), not the page's
    # settings (their page, but not their right: 403), not other pages.
    assert member_client.get(f"/lam-viec/don-vi/{kinh_bac.unit_id}/").status_code == 404
    assert member_client.get(f"/lam-viec/trang/{kinh_bac.pk}/").status_code == 403
    assert add(member_client, kinh_bac, "tiendu.canbo").status_code == 403
    assert kinh_bac.name in member_client.get("/lam-viec/").content.decode()


def test_unit_editors_operate_their_page_without_a_grant(personas, pages):
    kinh_bac, sibling = pages
    assert can_operate(personas["kinhbac.canbo"], kinh_bac)
    assert not can_operate(personas["kinhbac.canbo"], sibling)
    assert can_operate(personas["tw.bientap"], sibling)  # central editor: whole tree
    assert not can_operate(personas["bacninh.thongke"], kinh_bac)  # analysts do not post


def test_only_page_admins_grant_co_admins(personas, pages):
    kinh_bac, _ = pages
    for username, status in (("kinhbac.canbo", 403), ("hanoi.quantri", 404)):
        assert add(client_for(personas[username]), kinh_bac, "tiendu.canbo").status_code == status
    assert not PageOperator.objects.exists()


@pytest.mark.parametrize(
    ("username", "organisation"), [("khong.co.ai", "doan"), ("tiendu.canbo", "abc")]
)
def test_bad_co_admin_grants_say_why(personas, pages, username, organisation):
    kinh_bac, _ = pages
    response = add(client_for(personas["bacninh.quantri"]), kinh_bac, username, organisation)
    assert response.status_code == 400
    assert response.context["operator_form"].errors
    assert not PageOperator.objects.exists()


def test_removing_a_co_admin_ends_their_access(personas, pages):
    kinh_bac, _ = pages
    admin = client_for(personas["bacninh.quantri"])
    add(admin, kinh_bac, "kinhbac.doanvien")
    operator = PageOperator.objects.get()
    outsider = client_for(personas["hanoi.quantri"])
    outsider.post(f"/lam-viec/trang/{kinh_bac.pk}/dong-quan-tri/{operator.pk}/go/")
    assert PageOperator.objects.exists()
    admin.post(f"/lam-viec/trang/{kinh_bac.pk}/dong-quan-tri/{operator.pk}/go/")
    assert not can_operate(personas["kinhbac.doanvien"], kinh_bac)


def test_api_grants_and_removes_co_admins(personas, pages):
    kinh_bac, _ = pages
    admin = client_for(personas["bacninh.quantri"])
    operators = f"/api/v1/pages/{kinh_bac.pk}/operators"
    created = post_json(admin, operators, {"username": "kinhbac.doanvien"})
    assert created.status_code == 201 and created.json()["organisation"] == "doan"
    again = post_json(admin, operators, {"username": "kinhbac.doanvien"})
    assert again.status_code == 400
    gone = admin.delete(f"/api/v1/pages/{kinh_bac.pk}/operators/{created.json()['id']}")
    assert gone.status_code == 204 and not PageOperator.objects.exists()


@pytest.mark.slow  # sets up the demo's pages
def test_demo_youth_union_persona_co_runs_kinh_bac(personas):
    from congdong_tools.demo.pages import ensure_pages

    ensure_pages()
    member = personas["kinhbac.doanvien"]
    assert not member.memberships.exists()
    page = PageOperator.objects.get(user=member).page
    assert page.unit == commune_named("24", "Kinh Bắc")
    assert not can_operate(member, Page.objects.get(unit=unit_2025("24")))
