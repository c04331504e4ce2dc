"""Generated matrix: every role works in its subtree and nowhere else.

For each role, held on a province (Bắc Ninh) or on a commune (phường Kinh Bắc), we try the
role's unit, a unit below, a sibling, the parent, a unit in another province and the same
place in the other (2022) structure — through the access helpers and through HTTP.
"""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from congdong.accounts.models import Membership, Organisation, User
from congdong.accounts.queries import access_unit, can
from congdong.accounts.roles import ROLE_PERMISSIONS, Permission, Role
from congdong.units.models import Level, Unit
from tests.conftest import client_for, commune_named, unit_2025

pytestmark = pytest.mark.django_db

HOMES = ["province", "commune"]
PLACES = ["own", "below", "sibling", "parent", "other_province", "other_structure"]


def home_unit(home: str) -> Unit:
    return unit_2025("24") if home == "province" else commune_named("24", "Kinh Bắc")


def place_unit(home: str, place: str) -> Unit | None:
    unit = home_unit(home)
    if place == "own":
        return unit
    if place == "below":
        return unit.get_children().first()  # None for a commune: nothing below
    if place == "sibling":
        return unit.get_siblings().exclude(pk=unit.pk).first()
    if place == "parent":
        return unit.parent
    if place == "other_province":
        return Unit.objects.filter(structure__code="2025", code="01").get().get_children().first()
    # The 2022 unit of the same name: a different tree, so a different subtree.
    return Unit.objects.filter(structure__code="2022", name=unit.name, level=unit.level).first()


def inside(place: str) -> bool:
    return place in {"own", "below"}


@pytest.fixture
def holder(db):
    def make(role: Role, home: str) -> User:
        user = User.objects.create_user(f"matrix.{role}", password="x-Very-Long-9")
        Membership.objects.create(
            user=user,
            organisation=Organisation.objects.get_or_create(code="mttq")[0],
            unit=home_unit(home),
            role=role,
        )
        return user

    return make


CASES = [
    (role, home, place)
    for role, home, place in itertools.product(Role, HOMES, PLACES)
    if not (home == "commune" and place == "below")
]


@pytest.mark.parametrize(("role", "home", "place"), CASES)
def test_access_helpers_follow_the_subtree(holder, role, home, place):
    user = holder(role, home)
    unit = place_unit(home, place)
    assert unit is not None
    for permission in Permission:
        expected = inside(place) and permission in ROLE_PERMISSIONS[role]
        assert can(user, unit, permission) is expected, (role, home, place, permission)
        if not expected and inside(place):  # seen, not allowed: 403 naming the unit
            with pytest.raises(PermissionDenied, match=unit.full_name):
                access_unit(user, unit.pk, permission)
        elif not expected:  # out of scope: a plain 404, nothing named
            with pytest.raises(Http404):
                access_unit(user, unit.pk, permission)


@pytest.mark.parametrize(("role", "home", "place"), CASES)
def test_http_workspace_grant_and_api_follow_the_subtree(personas, holder, role, home, place):
    user = holder(role, home)
    unit = place_unit(home, place)
    client = client_for(user)
    may_view = inside(place)
    may_grant = inside(place) and role == Role.UNIT_ADMIN
    # Refused inside one's subtree: 403 with the reason; outside it: a plain 404.
    refused = 403 if may_view else 404

    page = client.get(f"/lam-viec/don-vi/{unit.pk}/")
    assert page.status_code == (200 if may_view else 404)

    form = {"username": "tiendu.canbo", "role": "editor", "organisation": "mttq"}
    response = client.post(f"/lam-viec/don-vi/{unit.pk}/cap-quyen/", form)
    assert response.status_code == (302 if may_grant else refused)

    api = client.post(
        "/api/v1/memberships",
        {"unit_id": unit.pk, "username": "tiendu.canbo", "role": "analyst"},
        content_type="application/json",
    )
    assert api.status_code == (201 if may_grant else refused)
    granted = Membership.objects.filter(user=personas["tiendu.canbo"], unit=unit)
    assert granted.count() == (2 if may_grant else 0)


def test_a_role_on_2025_bac_ninh_does_not_reach_2022_bac_ninh(holder):
    user = holder(Role.UNIT_ADMIN, "province")
    old = Unit.objects.get(structure__code="2022", level=Level.PROVINCE, name="Bắc Ninh")
    assert not can(user, old, Permission.VIEW_UNIT)


def test_superuser_may_do_everything_everywhere(personas):
    assert can(personas["admin"], unit_2025("01"), Permission.MANAGE_MEMBERS)


def test_anonymous_visitor_is_sent_to_login_from_the_workspace(client):
    unit = unit_2025("24")
    response = client.get(f"/lam-viec/don-vi/{unit.pk}/")
    assert response.status_code == 302
    assert response.url.startswith("/dang-nhap/")
