"""Launching fans the post out to exactly the active pages below, once."""

from __future__ import annotations

import pytest

from congdong.campaigns import actions
from congdong.campaigns.models import (
    CampaignMode,
    CampaignStatus,
    CampaignTarget,
    CampaignTransition,
    Targeting,
    TargetStatus,
)
from congdong.core.errors import ActionError
from congdong.pages.models import Page, PageStatus
from congdong.posts.models import Post, PostState, PostTransition
from congdong.units.models import Level, Unit
from tests.campaigns.conftest import launched, pages_below

pytestmark = pytest.mark.django_db


def test_launch_to_a_province_reaches_every_active_page_below_and_nothing_else(
    personas, tree, province_editor, province_post
):
    suspended = Page.objects.filter(unit__parent=tree.bac_ninh.unit).order_by("pk").first()
    Page.objects.filter(pk=suspended.pk).update(status=PageStatus.SUSPENDED)
    expected = pages_below(tree.bac_ninh)
    admin = personas["bacninh.quantri"]

    campaign = launched(province_editor, admin, province_post)

    targets = CampaignTarget.objects.filter(campaign=campaign)
    reached = set(targets.values_list("page_id", flat=True))
    assert reached == expected
    assert len(expected) > 50
    assert suspended.pk not in reached
    assert tree.bac_ninh.pk not in reached and tree.centre.pk not in reached
    ha_noi = Page.objects.filter(unit__path__startswith=tree.ha_noi.unit.path)
    assert not reached & set(ha_noi.values_list("pk", flat=True))
    assert campaign.status == CampaignStatus.LAUNCHED
    assert list(campaign.transitions.values_list("from_state", "to_state")) == [
        ("", CampaignStatus.DRAFT),
        (CampaignStatus.DRAFT, CampaignStatus.LAUNCHED),
    ]


def test_copies_are_published_on_each_page_with_their_transition(
    personas, tree, province_editor, province_post
):
    admin = personas["bacninh.quantri"]
    campaign = launched(province_editor, admin, province_post)
    targets = list(CampaignTarget.objects.filter(campaign=campaign).select_related("copy"))
    assert {t.status for t in targets} == {TargetStatus.PUBLISHED}
    for target in targets:
        copy = target.copy
        assert (copy.page_id, copy.state, copy.author_id) == (
            target.page_id,
            PostState.PUBLISHED,
            admin.pk,
        )
        assert (copy.title, copy.body, copy.category_id) == (
            province_post.title,
            province_post.body,
            province_post.category_id,
        )
        assert target.published_at == campaign.launched_at == copy.published_at
    moves = PostTransition.objects.filter(post__in=[t.copy_id for t in targets])
    assert moves.count() == len(targets)
    assert set(moves.values_list("from_state", "to_state", "actor")) == {
        ("", PostState.PUBLISHED, admin.pk)
    }


def test_a_second_launch_is_refused(personas, tree, province_editor, province_post):
    admin = personas["bacninh.quantri"]
    campaign = launched(province_editor, admin, province_post)
    copies = Post.objects.count()
    with pytest.raises(ActionError):
        actions.launch(admin, campaign.pk)
    assert Post.objects.count() == copies
    assert CampaignTransition.objects.filter(campaign=campaign).count() == 2


def test_a_post_not_yet_approved_cannot_be_launched(personas, tree, province_editor):
    from tests.posts.conftest import submitted

    post = submitted(province_editor, tree.bac_ninh)
    campaign = actions.create(province_editor, post.pk, CampaignMode.PUBLISH)
    with pytest.raises(ActionError, match="phải được duyệt"):
        actions.launch(personas["bacninh.quantri"], campaign.pk)
    assert not CampaignTarget.objects.exists()


def test_reshare_task_mode_creates_pending_targets_and_no_posts(
    personas, tree, province_editor, province_post
):
    posts = Post.objects.count()
    campaign = launched(
        province_editor, personas["bacninh.quantri"], province_post, CampaignMode.RESHARE_TASK
    )
    statuses = set(campaign.targets.values_list("status", flat=True))
    assert statuses == {TargetStatus.PENDING}
    assert campaign.targets.count() == len(pages_below(tree.bac_ninh))
    assert Post.objects.count() == posts


def test_chosen_levels_and_chosen_units_narrow_the_targets(
    personas, tree, central_post, central_approver
):
    editor = personas["tw.bientap"]
    by_level = launched(
        editor, central_approver, central_post, targeting=Targeting.LEVELS, levels=[Level.PROVINCE]
    )
    assert set(by_level.targets.values_list("page_id", flat=True)) == {
        tree.bac_ninh.pk,
        tree.ha_noi.pk,
    }
    from tests.posts.conftest import approved

    second = approved(editor, central_approver, tree.centre)
    chosen = [tree.kinh_bac.unit_id, tree.ha_noi.unit_id]
    by_unit = launched(editor, central_approver, second, targeting=Targeting.UNITS, unit_ids=chosen)
    assert set(by_unit.targets.values_list("unit_id", flat=True)) == set(chosen)
    assert Unit.objects.filter(pk__in=chosen).count() == 2
