"""The campaigns API goes through the same actions as the screens."""

from __future__ import annotations

import pytest

from congdong.campaigns.models import CampaignTarget
from tests.campaigns.conftest import pages_below
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_create_launch_read_and_reshare_through_the_api(
    personas, tree, province_editor, province_post
):
    editor = client_for(province_editor)
    created = editor.post(
        "/api/v1/campaigns",
        {
            "post_id": province_post.pk,
            "mode": "reshare_task",
            "deadline": "2099-11-18T17:00:00+07:00",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    campaign_id = created.json()["id"]
    assert created.json()["status"] == "draft"

    refused = editor.post(f"/api/v1/campaigns/{campaign_id}/launch")
    assert refused.status_code == 403

    admin = client_for(personas["bacninh.quantri"])
    launched = admin.post(f"/api/v1/campaigns/{campaign_id}/launch")
    assert launched.status_code == 200, launched.content
    assert launched.json()["pages_reached"] == len(pages_below(tree.bac_ninh))
    assert admin.post(f"/api/v1/campaigns/{campaign_id}/launch").status_code == 400

    task = CampaignTarget.objects.get(campaign_id=campaign_id, page=tree.kinh_bac)
    done = client_for(personas["kinhbac.canbo"]).post(f"/api/v1/campaign-tasks/{task.pk}/reshare")
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "published"

    summary = admin.get(f"/api/v1/campaigns/{campaign_id}").json()
    assert summary["whole_campaign"] is True
    total = sum(row["total"] for row in summary["levels"])
    published = sum(row["published"] for row in summary["levels"])
    assert (total, published) == (len(pages_below(tree.bac_ninh)), 1)
    assert task.pk not in {lag["target_id"] for lag in summary["laggards"]}

    elsewhere = client_for(personas["hanoi.quantri"]).get(f"/api/v1/campaigns/{campaign_id}")
    assert elsewhere.status_code == 404  # another province: out of scope, it does not exist
