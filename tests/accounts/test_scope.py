"""`scope()` and `within()`: where a person holds a permission, and a list narrowed to it.

A role on a unit covers the unit and everything below it: never a sibling, never the parent,
never the same place in the other structure. A superuser is everywhere (one meaning); anyone
without a role, a citizen or an anonymous visitor is nowhere.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from congdong.accounts.models import AccountKind, Membership, Organisation, User
from congdong.accounts.queries import (
    EVERYWHERE,
    NOWHERE,
    Scope,
    scope,
    scope_units,
    scopes,
    within,
)
from congdong.accounts.roles import Permission, Role
from congdong.units.models import Unit
from tests.conftest import commune_named, unit_2025

pytestmark = pytest.mark.django_db


def staff(name: str, *roles: tuple[Role, Unit]) -> User:
    user = User.objects.create_user(f"scope.{name}", password="x-Very-Long-9")
    org = Organisation.objects.get_or_create(code="mttq")[0]
    for role, unit in roles:
        Membership.objects.create(user=user, organisation=org, unit=unit, role=role)
    return user


@pytest.fixture
def places(db) -> dict[str, Unit]:
    province = unit_2025("24")  # Bắc Ninh
    commune = commune_named("24", "Kinh Bắc")
    return {
        "province": province,
        "commune": commune,
        "sibling": commune.get_siblings().exclude(pk=commune.pk).first(),
        "other_province": unit_2025("01").get_children().first(),
        "parent": province.parent,
        "other_structure": Unit.objects.filter(
            structure__code="2022", name=commune.name, level=commune.level
        ).first(),
    }


def test_a_role_on_a_commune_covers_it_and_never_a_sibling_parent_or_other_structure(places):
    user = staff("commune", (Role.FEEDBACK_OFFICER, places["commune"]))
    where = scope(user, Permission.HANDLE_FEEDBACK)
    assert where == Scope((places["commune"].path,))
    assert where.covers(places["commune"])
    for outside in ("sibling", "province", "parent", "other_province", "other_structure"):
        assert not where.covers(places[outside]), outside


def test_a_role_on_a_province_covers_every_unit_below_it_and_no_other_province(places):
    user = staff("province", (Role.UNIT_ADMIN, places["province"]))
    where = scope(user, Permission.HANDLE_FEEDBACK)
    for inside in ("province", "commune", "sibling"):
        assert where.covers(places[inside]), inside
    for outside in ("parent", "other_province", "other_structure"):
        assert not where.covers(places[outside]), outside


def test_within_lists_the_subtree_only(places):
    user = staff("list", (Role.MODERATOR, places["province"]))
    units = within(Unit.objects.all(), scope(user, Permission.MODERATE), field="")
    assert set(units) == set(Unit.objects.in_subtree(places["province"]))
    assert places["parent"] not in units and places["other_province"] not in units
    held = within(Membership.objects.all(), scope(user, Permission.MODERATE))
    inside = Membership.objects.filter(unit__in=Unit.objects.in_subtree(places["province"]))
    assert held.filter(user=user).exists() and set(held) == set(inside)
    assert not held.exclude(unit__in=Unit.objects.in_subtree(places["province"])).exists()


def test_within_strictly_leaves_the_tops_out(places):
    user = staff("strict", (Role.UNIT_ADMIN, places["province"]))
    below = within(Unit.objects.all(), scope(user, Permission.MODERATE), "", strictly=True)
    assert places["commune"] in below and places["province"] not in below
    everything_below_roots = within(Unit.objects.all(), EVERYWHERE, "", strictly=True)
    assert not everything_below_roots.filter(depth=1).exists()
    assert places["province"] in everything_below_roots


def test_a_role_without_the_permission_gives_nowhere(places):
    user = staff("editor", (Role.EDITOR, places["province"]))
    assert scope(user, Permission.MODERATE) == NOWHERE
    assert not scope(user, Permission.MODERATE)
    assert not within(Unit.objects.all(), scope(user, Permission.MODERATE), "").exists()
    # Any of several permissions: an editor writes posts there.
    assert scope(user, Permission.MODERATE, Permission.EDIT_POSTS).covers(places["commune"])


def test_no_role_citizen_and_anonymous_are_nowhere_without_a_query(
    places, django_assert_num_queries
):
    nobody = staff("nobody")
    citizen = User.objects.create(
        username="cd84900000001", kind=AccountKind.CITIZEN, phone="+84900000001"
    )
    assert scope(nobody, Permission.VIEW_UNIT) == NOWHERE
    with django_assert_num_queries(0):
        assert scope(citizen, Permission.VIEW_UNIT) == NOWHERE
        assert scope(AnonymousUser(), Permission.VIEW_UNIT) == NOWHERE
        assert within(Unit.objects.all(), NOWHERE, "").count() == 0
    assert scope_units(AnonymousUser(), Permission.VIEW_UNIT) == (NOWHERE, [])


def test_a_superuser_is_everywhere_with_one_meaning(places, django_assert_num_queries):
    root = User.objects.create_superuser("scope.root", password="x-Very-Long-9")
    with django_assert_num_queries(0):
        where = scope(root, Permission.PROTECT_DATA)
    assert where == EVERYWHERE and where.everywhere and where.paths == ()
    assert all(where.covers(unit) for unit in places.values())
    assert within(Unit.objects.all(), where, "").count() == Unit.objects.count()
    # Where units are listed, a superuser gets the root of every structure.
    found, tops = scope_units(root, Permission.VIEW_INSIGHTS)
    assert found == EVERYWHERE
    assert tops == list(Unit.objects.filter(depth=1).order_by("path"))


def test_nested_roles_collapse_to_the_top_one(places, django_assert_num_queries):
    user = staff(
        "nested",
        (Role.UNIT_ADMIN, places["province"]),
        (Role.FEEDBACK_OFFICER, places["commune"]),
        (Role.FEEDBACK_OFFICER, places["other_province"]),
    )
    with django_assert_num_queries(1):
        where = scope(user, Permission.HANDLE_FEEDBACK)
    assert where.paths == tuple(sorted([places["province"].path, places["other_province"].path]))
    with django_assert_num_queries(1):
        found, tops = scope_units(user, Permission.HANDLE_FEEDBACK)
    assert found == where
    assert [u.pk for u in tops] == [
        u.pk for u in sorted([places["province"], places["other_province"]], key=lambda u: u.path)
    ]


def test_scopes_answers_several_permissions_from_one_query(places, django_assert_num_queries):
    user = staff(
        "two",
        (Role.EDITOR, places["commune"]),
        (Role.MODERATOR, places["province"]),
    )
    with django_assert_num_queries(1):
        held = scopes(user, [Permission.EDIT_POSTS, Permission.MODERATE, Permission.VIEW_AUDIT])
    assert held[Permission.EDIT_POSTS] == Scope((places["commune"].path,))
    assert held[Permission.MODERATE] == Scope((places["province"].path,))
    assert held[Permission.VIEW_AUDIT] == NOWHERE
    for permission, where in held.items():
        assert where == scope(user, permission)


def test_the_part_inside_a_unit_and_the_way_down_to_it(places):
    commune = Scope((places["commune"].path,))
    # Seen from the province: the commune only; the province is above a part of it.
    assert commune.inside(places["province"]) == commune
    assert commune.meets(places["province"]) and not commune.covers(places["province"])
    # A sibling branch: nothing inside, and not on the way down.
    assert not commune.inside(places["sibling"])
    assert not commune.meets(places["sibling"])
    # Covering the unit: all of the unit's subtree.
    province = Scope((places["province"].path,))
    assert province.inside(places["commune"]) == commune
    assert EVERYWHERE.inside(places["commune"]) == commune


def test_has_root_only_for_a_central_unit_or_everywhere(places):
    assert EVERYWHERE.has_root
    assert Scope((places["parent"].path,)).has_root  # the province's parent: the centre
    assert not Scope((places["province"].path,)).has_root
    assert not NOWHERE.has_root


def test_scope_of_keeps_the_minimal_tops():
    assert Scope.of(["0001", "00010002", "0003", "0001"]).paths == ("0001", "0003")
    assert Scope.of([]) == NOWHERE
