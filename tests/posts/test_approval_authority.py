"""Who approves: the level the regulation names for the category, never the post's author."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from congdong.accounts.roles import Role
from congdong.pages.actions import do_establish_many
from congdong.pages.models import Page
from congdong.posts import actions
from congdong.posts.models import ApprovalLevel, ApprovalRule, Category, Post, PostState
from congdong.posts.queries import access_post_to_write, approving_unit
from congdong.units.models import Level, Unit
from tests.posts.conftest import grant, submitted, write

pytestmark = pytest.mark.django_db


def state_of(post: Post) -> str:
    return Post.objects.get(pk=post.pk).state


def test_commune_operator_cannot_approve_own_post(personas, pages):
    editor = personas["kinhbac.canbo"]
    post = submitted(editor, pages.kinh_bac)
    with pytest.raises(PermissionDenied):
        actions.approve(editor, post.pk)
    assert state_of(post) == PostState.SUBMITTED


def test_an_approver_cannot_approve_a_post_they_wrote(personas, pages, commune_approver):
    post = submitted(commune_approver, pages.kinh_bac)
    with pytest.raises(PermissionDenied) as error:
        actions.approve(commune_approver, post.pk)
    # The author rule, not a lack of authority: this approver decides Kinh Bắc's routine posts.
    assert str(error.value) == _(
        "You wrote or edited this post, so you cannot approve or reject it: another "
        "approver must decide on it."
    )
    with pytest.raises(PermissionDenied):
        actions.reject(commune_approver, post.pk, "Tự từ chối bài mình")
    assert state_of(post) == PostState.SUBMITTED


def test_province_approver_approves_a_commune_post(personas, pages):
    post = submitted(personas["kinhbac.canbo"], pages.kinh_bac)
    actions.approve(personas["bacninh.quantri"], post.pk)
    assert state_of(post) == PostState.APPROVED
    assert post.transitions.get(to_state=PostState.APPROVED).actor == personas["bacninh.quantri"]


def test_a_ha_noi_approver_cannot_approve_a_bac_ninh_post(personas, pages):
    post = submitted(personas["kinhbac.canbo"], pages.kinh_bac)
    for attempt in (
        lambda: actions.approve(personas["hanoi.quantri"], post.pk),
        lambda: actions.reject(personas["hanoi.quantri"], post.pk, "Không thuộc thẩm quyền"),
    ):
        # Another province's post is outside Hà Nội's scope: it answers "not found" (16.12).
        with pytest.raises(Http404):
            attempt()
    assert state_of(post) == PostState.SUBMITTED


def test_editors_analysts_and_lower_units_cannot_approve_but_the_central_approver_can(
    personas, pages, commune_approver
):
    post = submitted(personas["bacninh.quantri"], pages.bac_ninh)
    for user in (
        personas["bacninh.thongke"],
        personas["tiendu.canbo"],
        personas["kinhbac.canbo"],
        commune_approver,  # approves below the province, not the province's own posts
    ):
        # A role on the province refuses with a reason; a unit below does not see the
        # province's unpublished post at all (tests/security/test_out_of_scope_404.py).
        with pytest.raises((PermissionDenied, Http404)):
            actions.approve(user, post.pk)
    assert state_of(post) == PostState.SUBMITTED
    actions.approve(personas["tw.bientap"], post.pk)
    assert state_of(post) == PostState.APPROVED


@pytest.mark.parametrize(
    "category", ["cuu-tro", "giam-sat-phan-bien", "phan-bac-tin-gia", "bau-cu"]
)
def test_sensitive_categories_need_an_approver_above_the_commune(
    personas, pages, commune_approver, category
):
    source = {"source_url": "https://baochinhphu.vn/bai-viet"}
    post = submitted(personas["kinhbac.canbo"], pages.kinh_bac, category, **source)
    with pytest.raises(PermissionDenied, match="Tỉnh Bắc Ninh"):
        actions.approve(commune_approver, post.pk)
    assert state_of(post) == PostState.SUBMITTED
    actions.approve(personas["bacninh.quantri"], post.pk)
    assert state_of(post) == PostState.APPROVED


def test_the_commune_approver_decides_routine_commune_posts(personas, pages, commune_approver):
    post = submitted(personas["kinhbac.canbo"], pages.kinh_bac, "guong-nguoi-tot")
    actions.approve(commune_approver, post.pk)
    assert state_of(post) == PostState.APPROVED


def test_policy_posts_need_the_unit_above_for_communes_only(personas, pages, commune_approver):
    source = {"source_url": "https://vbpl.vn/luat"}
    commune_post = submitted(
        personas["kinhbac.canbo"], pages.kinh_bac, "chinh-sach-phap-luat", **source
    )
    province_approver = grant("bacninh.duyettin", pages.bac_ninh.unit, Role.APPROVER)
    province_post = submitted(
        personas["bacninh.quantri"], pages.bac_ninh, "chinh-sach-phap-luat", **source
    )
    assert approving_unit(commune_post) == pages.bac_ninh.unit  # the rule for communes
    assert approving_unit(province_post) == pages.bac_ninh.unit  # the category's default
    with pytest.raises(PermissionDenied):
        actions.approve(commune_approver, commune_post.pk)
    actions.approve(province_approver, province_post.pk)
    assert state_of(province_post) == PostState.APPROVED


def test_a_central_level_rule_needs_a_central_approver(personas, pages):
    ApprovalRule.objects.create(
        category=Category.objects.get(code="bau-cu"),
        level=Level.COMMUNE,
        approval_level=ApprovalLevel.CENTRAL,
    )
    post = submitted(personas["kinhbac.canbo"], pages.kinh_bac, "bau-cu")
    assert approving_unit(post).depth == 1
    with pytest.raises(PermissionDenied):
        actions.approve(personas["bacninh.quantri"], post.pk)
    actions.approve(personas["tw.bientap"], post.pk)
    assert state_of(post) == PostState.APPROVED


def test_in_the_2022_tree_the_unit_above_a_commune_is_its_district(personas, pages):
    commune = (
        Unit.objects.filter(structure__code="2022", level=Level.COMMUNE)
        .select_related("parent")
        .first()
    )
    district = commune.parent
    assert district.level == Level.DISTRICT
    do_establish_many([commune], opened_at=timezone.now())
    page = Page.objects.get(unit=commune)
    writer = grant("xa2022.bientap", commune, Role.EDITOR)
    district_approver = grant("huyen2022.duyettin", district, Role.APPROVER)

    relief = submitted(writer, page, "cuu-tro")  # unit above: the district
    election = submitted(writer, page, "bau-cu")  # province
    assert approving_unit(relief) == district
    assert approving_unit(election).depth == 2 and commune.is_within(approving_unit(election))
    actions.approve(district_approver, relief.pk)
    with pytest.raises(PermissionDenied):
        actions.approve(district_approver, election.pk)
    assert (state_of(relief), state_of(election)) == (PostState.APPROVED, PostState.SUBMITTED)


def test_only_operators_of_the_page_write_on_it(personas, pages):
    post = write(personas["kinhbac.canbo"], pages.kinh_bac)
    # Refused with a reason inside one's scope, not found outside it (issue 16.12).
    for username in ("hanoi.quantri", "bacninh.thongke", "tiendu.canbo"):
        with pytest.raises((PermissionDenied, Http404)):
            access_post_to_write(personas[username], post.pk)
        with pytest.raises((PermissionDenied, Http404)):
            write(personas[username], pages.kinh_bac)
    assert access_post_to_write(personas["tw.bientap"], post.pk) == post
    with pytest.raises(Http404):
        actions.submit(personas["hanoi.quantri"], post.pk)
    assert state_of(post) == PostState.DRAFT


def test_approving_takes_a_bounded_number_of_queries(
    personas, pages, django_assert_max_num_queries
):
    post = submitted(personas["kinhbac.canbo"], pages.kinh_bac, "bau-cu")
    # The post with its page, unit and category; who wrote it (four eyes); its rules; the
    # roles; the scope (16.12: outside it, not found); savepoint, write, row.
    with django_assert_max_num_queries(9):
        actions.approve(personas["bacninh.quantri"], post.pk)
