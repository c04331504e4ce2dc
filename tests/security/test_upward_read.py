"""No upward read: what an upper unit has not launched or published is its own work, invisible
to staff below it (404, like any object out of scope) in every list, view and API answer."""

from __future__ import annotations

import json

import pytest

from congdong.campaigns import actions as campaign_actions
from congdong.campaigns.models import Campaign, CampaignMode, CampaignStatus
from congdong.posts import actions
from congdong.posts.models import Post
from tests.conftest import client_for
from tests.posts.conftest import write

pytestmark = pytest.mark.django_db
API = "/api/v1"
SECRET = "Dự thảo chưa duyệt: kế hoạch tuyên truyền quý III"
BELOW = ["bacninh.quantri", "bacninh.thongke", "kinhbac.canbo", "hanoi.quantri"]


@pytest.fixture
def draft_campaign(personas, tree) -> Campaign:
    """A central campaign prepared from a draft nobody has approved yet."""
    post = write(personas["tw.bientap"], tree.centre, title=SECRET)
    return campaign_actions.create(personas["tw.bientap"], post.pk, CampaignMode.PUBLISH)


def reads(client, campaign: Campaign) -> dict[str, int]:
    """Every way a person reaches a campaign, and what each answered."""
    return {
        "web detail": client.get(f"/lam-viec/chien-dich/{campaign.pk}/").status_code,
        "api detail": client.get(f"{API}/campaigns/{campaign.pk}").status_code,
        "web launch": client.post(f"/lam-viec/chien-dich/{campaign.pk}/phat-dong/").status_code,
        "api launch": client.post(
            f"{API}/campaigns/{campaign.pk}/launch", "{}", content_type="application/json"
        ).status_code,
        "web close": client.post(f"/lam-viec/chien-dich/{campaign.pk}/ket-thuc/").status_code,
    }


@pytest.mark.parametrize("username", BELOW)
def test_staff_below_do_not_see_a_draft_campaign_from_above(personas, draft_campaign, username):
    client = client_for(personas[username])
    listing = client.get("/lam-viec/chien-dich/")
    assert listing.status_code == 200
    assert SECRET not in listing.content.decode()
    assert reads(client, draft_campaign) == {
        "web detail": 404,
        "api detail": 404,
        "web launch": 404,
        "api launch": 404,
        "web close": 404,
    }
    assert Campaign.objects.get(pk=draft_campaign.pk).status == CampaignStatus.DRAFT


def test_a_draft_closed_without_launch_stays_invisible_below(personas, draft_campaign):
    campaign_actions.close(personas["tw.bientap"], draft_campaign.pk)
    client = client_for(personas["bacninh.quantri"])
    assert SECRET not in client.get("/lam-viec/chien-dich/").content.decode()
    assert client.get(f"{API}/campaigns/{draft_campaign.pk}").status_code == 404


def test_staff_of_the_source_unit_still_see_their_draft(personas, draft_campaign):
    client = client_for(personas["tw.bientap"])
    assert SECRET in client.get("/lam-viec/chien-dich/").content.decode()
    assert client.get(f"/lam-viec/chien-dich/{draft_campaign.pk}/").status_code == 200
    answer = client.get(f"{API}/campaigns/{draft_campaign.pk}")
    assert answer.status_code == 200 and answer.json()["whole_campaign"] is True


def test_once_launched_the_campaign_is_seen_below_in_part(personas, tree, central_approver):
    post = write(personas["tw.bientap"], tree.centre, title=SECRET)
    actions.submit(personas["tw.bientap"], post.pk)
    actions.approve(central_approver, post.pk)
    campaign = campaign_actions.create(personas["tw.bientap"], post.pk, CampaignMode.PUBLISH)
    campaign_actions.launch(central_approver, campaign.pk)
    client = client_for(personas["bacninh.quantri"])
    assert SECRET in client.get("/lam-viec/chien-dich/").content.decode()
    answer = client.get(f"{API}/campaigns/{campaign.pk}")
    assert answer.status_code == 200 and answer.json()["whole_campaign"] is False
    # Reading is not running it: the source unit's actions stay refused below.
    refused = client.post(
        f"{API}/campaigns/{campaign.pk}/launch", json.dumps({}), content_type="application/json"
    )
    assert refused.status_code in (400, 403)
    assert Post.objects.filter(page=tree.bac_ninh, title=SECRET).count() == 1  # its copy
