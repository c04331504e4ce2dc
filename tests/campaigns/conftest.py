"""A central unit with pages for itself and for every unit of Bắc Ninh and Hà Nội (2025), the
personas, and helpers to prepare campaigns from approved posts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from congdong.accounts.models import User
from congdong.accounts.roles import Role
from congdong.campaigns import actions
from congdong.campaigns.models import Campaign, CampaignMode, CampaignTarget
from congdong.pages.actions import do_establish_many
from congdong.pages.models import Page
from congdong.posts.models import Post
from congdong.units.models import Unit
from tests.conftest import commune_named, unit_2025
from tests.posts.conftest import approved, grant
from tests.posts.conftest import regulation as regulation  # the fixture, for `tree`

DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Tree:
    centre: Page
    bac_ninh: Page
    ha_noi: Page
    kinh_bac: Page


@pytest.fixture
def tree(personas, regulation) -> Tree:
    centre = Unit.objects.get(structure__code="2025", code="TW")
    bac_ninh, ha_noi = unit_2025("24"), unit_2025("01")
    units = [centre, *Unit.objects.in_subtree(bac_ninh), *Unit.objects.in_subtree(ha_noi)]
    do_establish_many(units, opened_at=timezone.now())
    pages = {p.unit_id: p for p in Page.objects.standard().filter(unit__in=units)}
    kinh_bac = commune_named("24", "Kinh Bắc")
    return Tree(pages[centre.pk], pages[bac_ninh.pk], pages[ha_noi.pk], pages[kinh_bac.pk])


@pytest.fixture
def central_approver(tree) -> User:
    """A second approver at the centre: tw.bientap cannot approve a post they wrote."""
    return grant("tw.duyettin", tree.centre.unit, Role.APPROVER)


@pytest.fixture
def province_editor(tree) -> User:
    return grant("bacninh.bientap", tree.bac_ninh.unit, Role.EDITOR)


@pytest.fixture
def central_post(personas, central_approver, tree) -> Post:
    return approved(personas["tw.bientap"], central_approver, tree.centre)


@pytest.fixture
def province_post(personas, province_editor, tree) -> Post:
    return approved(province_editor, personas["bacninh.quantri"], tree.bac_ninh)


def launched(
    creator: User, launcher: User, post: Post, mode: str = CampaignMode.PUBLISH, **targets
) -> Campaign:
    if mode == CampaignMode.RESHARE_TASK:
        targets.setdefault("deadline", timezone.now() + DAY)
    campaign = actions.create(creator, post.pk, mode, **targets)
    return actions.launch(launcher, campaign.pk)[0]


def reshared_by_two(personas, tree: Tree, central_post: Post, central_approver: User) -> Campaign:
    """A central reshare campaign to every page below; Kinh Bắc and Hà Nội's page are done."""
    campaign = launched(
        personas["tw.bientap"], central_approver, central_post, CampaignMode.RESHARE_TASK
    )
    for page, user in ((tree.kinh_bac, "kinhbac.canbo"), (tree.ha_noi, "hanoi.quantri")):
        target = CampaignTarget.objects.get(campaign=campaign, page=page)
        actions.reshare(personas[user], target.pk)
    return campaign


def pages_below(page: Page) -> set[int]:
    """Active pages of the units strictly below the page's unit."""
    unit = page.unit
    return set(
        Page.objects.filter(
            status="active", unit__path__startswith=unit.path, unit__depth__gt=unit.depth
        ).values_list("pk", flat=True)
    )
