"""Reshare tasks: a target page's operators complete theirs; nobody else can."""

from __future__ import annotations

import pytest

from congdong.campaigns.models import CampaignMode, CampaignTarget, TargetStatus
from congdong.posts.models import PostState
from tests.campaigns.conftest import launched
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def task_campaign(personas, tree, province_editor, province_post):
    return launched(
        province_editor, personas["bacninh.quantri"], province_post, CampaignMode.RESHARE_TASK
    )


def test_a_commune_operator_reshares_and_the_task_is_done(personas, tree, task_campaign):
    operator = personas["kinhbac.canbo"]
    task = CampaignTarget.objects.get(campaign=task_campaign, page=tree.kinh_bac)
    client = client_for(operator)
    assert f"task-{task.pk}" in client.get("/lam-viec/chien-dich/").content.decode()

    response = client.post(f"/lam-viec/chien-dich/nhiem-vu/{task.pk}/chia-se/")

    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.completed_by) == (TargetStatus.PUBLISHED, operator)
    copy = task.copy
    assert (copy.page_id, copy.state, copy.title) == (
        tree.kinh_bac.pk,
        PostState.PUBLISHED,
        task_campaign.source_post.title,
    )
    assert list(copy.transitions.values_list("from_state", "to_state", "actor")) == [
        ("", PostState.PUBLISHED, operator.pk)
    ]
    others = CampaignTarget.objects.filter(campaign=task_campaign).exclude(pk=task.pk)
    assert set(others.values_list("status", flat=True)) == {TargetStatus.PENDING}


def test_a_task_is_reshared_once(personas, tree, task_campaign):
    task = CampaignTarget.objects.get(campaign=task_campaign, page=tree.kinh_bac)
    client = client_for(personas["kinhbac.canbo"])
    client.post(f"/lam-viec/chien-dich/nhiem-vu/{task.pk}/chia-se/")
    response = client.post(
        f"/lam-viec/chien-dich/nhiem-vu/{task.pk}/chia-se/", headers={"HX-Request": "true"}
    )
    assert "already reshared" in response.content.decode() or "đã chia sẻ" in (
        response.content.decode()
    )
    assert tree.kinh_bac.posts.count() == 1


def test_a_commune_operator_cannot_reshare_for_another_commune(personas, tree, task_campaign):
    other = (
        CampaignTarget.objects.filter(campaign=task_campaign, level="commune")
        .exclude(page=tree.kinh_bac)
        .first()
    )
    response = client_for(personas["kinhbac.canbo"]).post(
        f"/lam-viec/chien-dich/nhiem-vu/{other.pk}/chia-se/"
    )
    assert response.status_code == 404  # another commune's task is out of scope
    other.refresh_from_db()
    assert other.status == TargetStatus.PENDING
