"""The demo has a national campaign that reached every page and a Bắc Ninh task in progress."""

from __future__ import annotations

import pytest

from congdong.campaigns.models import Campaign, CampaignMode, CampaignTarget
from congdong.pages.models import Page, PageStatus
from congdong.posts.default_regulation import ensure_default_regulation
from congdong_tools.demo.campaigns import ensure_campaigns
from congdong_tools.demo.pages import ensure_pages
from congdong_tools.demo.posts import ensure_posts
from tests.conftest import client_for, unit_2025

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # builds demo data


def test_demo_campaigns_show_progress_and_laggards(personas):
    ensure_default_regulation()
    ensure_pages()
    ensure_posts()
    assert ensure_campaigns() > 0
    national = Campaign.objects.get(mode=CampaignMode.PUBLISH)
    below_centre = Page.objects.filter(
        unit__structure__code="2025", unit__depth__gt=1, status=PageStatus.ACTIVE
    ).count()
    assert national.targets.filter(status="published").count() == below_centre
    task, late = Campaign.objects.filter(mode=CampaignMode.RESHARE_TASK).order_by("pk")
    statuses = set(task.targets.values_list("status", flat=True))
    assert statuses == {"published", "pending"}  # in progress, with laggards
    assert set(late.targets.values_list("status", flat=True)) == {"published", "overdue"}
    bac_ninh = unit_2025("24")
    assert all(
        t.page.unit.path.startswith(bac_ninh.path)
        for t in CampaignTarget.objects.filter(campaign=task).select_related("page__unit")
    )
    page = client_for(personas["bacninh.quantri"]).get(f"/lam-viec/chien-dich/{task.pk}/")
    assert page.status_code == 200
    assert ensure_campaigns() == 0
