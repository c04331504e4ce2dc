"""Preparing a campaign tells every bad field in one submit (issue 16.9): the targets, the mode
and the deadline; no campaign is made."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from congdong.campaigns import actions
from congdong.campaigns.models import Campaign
from congdong.core.errors import ActionError, each

pytestmark = pytest.mark.django_db


def test_bad_levels_mode_and_a_past_deadline_are_told_together(personas, central_post):
    with pytest.raises(ActionError) as refused:
        actions.create(
            personas["tw.bientap"],
            central_post.pk,
            "shout",
            targeting="levels",
            levels=["galaxy"],
            deadline=timezone.now() - datetime.timedelta(hours=1),
        )
    assert {error.field for error in each(refused.value)} == {"levels", "mode", "deadline"}
    assert not Campaign.objects.exists()


def test_one_bad_field_is_still_told_alone(personas, central_post):
    with pytest.raises(ActionError) as refused:
        actions.create(personas["tw.bientap"], central_post.pk, "reshare_task")
    assert [error.field for error in each(refused.value)] == ["deadline"]
