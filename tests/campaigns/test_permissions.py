"""Who may create and launch campaigns, across units."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from congdong.accounts.roles import Role
from congdong.campaigns import actions
from congdong.campaigns.models import CampaignMode, CampaignTarget, Targeting
from congdong.core.errors import ActionError
from congdong.units.models import Level, Unit
from tests.posts.conftest import approved, grant

pytestmark = pytest.mark.django_db


def test_a_hanoi_admin_cannot_launch_from_bac_ninh(personas, tree, province_editor, province_post):
    campaign = actions.create(province_editor, province_post.pk, CampaignMode.PUBLISH)
    # A draft is Bắc Ninh's own work: out of Hà Nội's scope it does not exist.
    with pytest.raises(Http404):
        actions.launch(personas["hanoi.quantri"], campaign.pk)
    assert not CampaignTarget.objects.exists()


def test_a_hanoi_admin_cannot_create_a_campaign_from_a_bac_ninh_post(personas, tree, province_post):
    with pytest.raises(Http404):  # another province's post: out of scope
        actions.create(personas["hanoi.quantri"], province_post.pk, CampaignMode.PUBLISH)


def test_a_commune_editor_cannot_create_a_campaign_targeting_siblings(personas, tree):
    editor = personas["kinhbac.canbo"]
    approver = grant("kinhbac.duyettin", tree.kinh_bac.unit, Role.APPROVER)
    post = approved(editor, approver, tree.kinh_bac)
    sibling = (
        Unit.objects.filter(parent=tree.kinh_bac.unit.parent, level=Level.COMMUNE)
        .exclude(pk=tree.kinh_bac.unit_id)
        .first()
    )
    for targets in ({"targeting": Targeting.UNITS, "unit_ids": [sibling.pk]}, {}):
        with pytest.raises(ActionError):
            actions.create(editor, post.pk, CampaignMode.PUBLISH, **targets)


def test_a_province_editor_cannot_target_a_unit_of_another_province(
    tree, province_editor, province_post
):
    with pytest.raises(ActionError, match="không thuộc cấp dưới"):
        actions.create(
            province_editor,
            province_post.pk,
            CampaignMode.PUBLISH,
            targeting=Targeting.UNITS,
            unit_ids=[tree.ha_noi.unit_id],
        )


def test_an_editor_without_approval_rights_cannot_launch(tree, province_editor, province_post):
    campaign = actions.create(province_editor, province_post.pk, CampaignMode.PUBLISH)
    with pytest.raises(PermissionDenied):
        actions.launch(province_editor, campaign.pk)


def test_a_reshare_task_needs_a_future_deadline(tree, province_editor, province_post):
    with pytest.raises(ActionError, match="hạn chia sẻ lại"):
        actions.create(province_editor, province_post.pk, CampaignMode.RESHARE_TASK)
