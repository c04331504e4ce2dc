"""The worker's sweep marks pending targets overdue once their deadline has passed, only those."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from congdong.campaigns import actions
from congdong.campaigns.models import Campaign, CampaignMode, CampaignTarget, TargetStatus
from congdong.worker.jobs import JOBS
from congdong.worker.loop import Loop
from tests.campaigns.conftest import launched
from tests.posts.conftest import approved

pytestmark = pytest.mark.django_db
SWEEP = next(job for job in JOBS if job.name == "sweep-overdue")


def test_the_overdue_sweep_marks_only_past_deadline_pending_targets(
    personas, tree, province_editor, province_post
):
    admin = personas["bacninh.quantri"]
    late = launched(province_editor, admin, province_post, CampaignMode.RESHARE_TASK)
    on_time = launched(
        province_editor,
        admin,
        approved(province_editor, admin, tree.bac_ninh),
        CampaignMode.RESHARE_TASK,
    )
    done = CampaignTarget.objects.get(campaign=late, page=tree.kinh_bac)
    actions.reshare(personas["kinhbac.canbo"], done.pk)
    Campaign.objects.filter(pk=late.pk).update(
        deadline=timezone.now() - datetime.timedelta(minutes=1)
    )

    (outcome,) = Loop([SWEEP]).run_once()

    assert outcome.error == ""
    assert outcome.result == late.targets.count() - 1
    assert set(late.targets.exclude(pk=done.pk).values_list("status", flat=True)) == {
        TargetStatus.OVERDUE
    }
    done.refresh_from_db()
    assert done.status == TargetStatus.PUBLISHED
    assert set(on_time.targets.values_list("status", flat=True)) == {TargetStatus.PENDING}
    assert Loop([SWEEP]).run_once()[0].result == 0  # a second sweep changes nothing


def test_an_overdue_task_can_still_be_reshared(personas, tree, province_editor, province_post):
    campaign = launched(
        province_editor, personas["bacninh.quantri"], province_post, CampaignMode.RESHARE_TASK
    )
    actions.mark_overdue(campaign.deadline + datetime.timedelta(seconds=1))
    task = CampaignTarget.objects.get(campaign=campaign, page=tree.kinh_bac)
    assert task.status == TargetStatus.OVERDUE
    task = actions.reshare(personas["kinhbac.canbo"], task.pk)
    assert task.status == TargetStatus.PUBLISHED


def test_a_closed_campaigns_pending_targets_are_not_marked_overdue(
    personas, tree, province_editor, province_post
):
    campaign = launched(
        province_editor, personas["bacninh.quantri"], province_post, CampaignMode.RESHARE_TASK
    )
    actions.close(province_editor, campaign.pk)
    assert actions.mark_overdue(campaign.deadline + datetime.timedelta(seconds=1)) == 0
    assert set(campaign.targets.values_list("status", flat=True)) == {TargetStatus.PENDING}
    assert not campaign.targets.filter(overdue_at__isnull=False).exists()
