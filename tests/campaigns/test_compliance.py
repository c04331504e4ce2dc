"""The compliance view: by level, laggards, each viewer's part, in a bounded number of queries."""

from __future__ import annotations

import pytest

from congdong.accounts.queries import EVERYWHERE
from congdong.campaigns import queries
from congdong.pages.models import Page
from congdong.units.models import Level
from tests.campaigns.conftest import launched, pages_below, reshared_by_two
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def central_tasks(personas, tree, central_post, central_approver):
    """A central reshare campaign; Kinh Bắc and Hà Nội (the province page) have reshared."""
    return reshared_by_two(personas, tree, central_post, central_approver)


def _communes_below(page: Page) -> int:
    return Page.objects.filter(
        unit__path__startswith=page.unit.path, unit__level=Level.COMMUNE, status="active"
    ).count()


def _campaign_page(person, campaign, django_assert_max_num_queries):
    """The campaign's page as `person` sees it, in at most 12 queries."""
    client = client_for(person)
    with django_assert_max_num_queries(12):
        response = client.get(f"/lam-viec/chien-dich/{campaign.pk}/")
    assert response.status_code == 200
    return response


def test_compliance_is_rolled_up_by_level(tree, central_tasks):
    report = queries.compliance(central_tasks, EVERYWHERE)
    rows = {row.level: row for row in report.levels}
    assert set(rows) == {Level.PROVINCE, Level.COMMUNE}
    assert (rows[Level.PROVINCE].total, rows[Level.PROVINCE].published) == (2, 1)
    assert rows[Level.PROVINCE].percent_published == 50.0
    communes = _communes_below(tree.bac_ninh) + _communes_below(tree.ha_noi)
    assert (rows[Level.COMMUNE].total, rows[Level.COMMUNE].published) == (communes, 1)
    assert rows[Level.COMMUNE].pending == communes - 1
    assert report.total.total == len(pages_below(tree.centre))
    assert rows[Level.PROVINCE].average_delay is not None
    assert tree.kinh_bac.unit_id not in {t.unit_id for t in report.laggards}


def test_central_staff_see_every_target(
    personas, tree, central_tasks, django_assert_max_num_queries
):
    response = _campaign_page(personas["tw.bientap"], central_tasks, django_assert_max_num_queries)
    assert response.context["full"] is True
    assert response.context["report"].total.total == len(pages_below(tree.centre))


def test_a_province_admin_sees_only_their_province(
    personas, tree, central_tasks, django_assert_max_num_queries
):
    response = _campaign_page(
        personas["bacninh.quantri"], central_tasks, django_assert_max_num_queries
    )
    report = response.context["report"]
    assert response.context["full"] is False
    assert report.total.total == len(pages_below(tree.bac_ninh)) + 1  # the province page too
    assert report.total.published == 1  # Kinh Bắc; Hà Nội's reshare is not theirs to see
    bac_ninh_path = tree.bac_ninh.unit.path
    assert all(t.unit.path.startswith(bac_ninh_path) for t in report.laggards)
    assert not response.context["can_launch"]


def test_the_view_costs_the_same_number_of_queries_for_more_targets(
    personas, tree, central_tasks, central_approver, django_assert_max_num_queries
):
    from tests.posts.conftest import approved

    small = launched(
        personas["tw.bientap"],
        central_approver,
        approved(personas["tw.bientap"], central_approver, tree.centre),
        targeting="levels",
        levels=[Level.PROVINCE],
    )
    client = client_for(personas["tw.bientap"])
    with django_assert_max_num_queries(12) as small_queries:
        client.get(f"/lam-viec/chien-dich/{small.pk}/")
    with django_assert_max_num_queries(len(small_queries.captured_queries)):
        client.get(f"/lam-viec/chien-dich/{central_tasks.pk}/")


def test_staff_of_a_unit_the_campaign_does_not_reach_get_a_404(
    personas, tree, province_editor, province_post
):
    campaign = launched(province_editor, personas["bacninh.quantri"], province_post)
    response = client_for(personas["hanoi.quantri"]).get(f"/lam-viec/chien-dich/{campaign.pk}/")
    assert response.status_code == 404  # out of scope: the same answer as any object


def test_the_list_shows_campaigns_from_above_and_the_creation_form(
    personas, tree, central_tasks, province_post
):
    response = client_for(personas["bacninh.quantri"]).get("/lam-viec/chien-dich/")
    assert response.status_code == 200
    campaigns = response.context["campaigns"]
    assert central_tasks in campaigns  # from above, reaching Bắc Ninh
    assert province_post in response.context["posts"]
    hanoi = client_for(personas["hanoi.quantri"]).get("/lam-viec/chien-dich/")
    assert central_tasks in hanoi.context["campaigns"]


def test_a_campaign_is_created_through_the_form(personas, tree, province_editor, province_post):
    response = client_for(province_editor).post(
        "/lam-viec/chien-dich/",
        {"post": province_post.pk, "mode": "publish", "targeting": "all_below"},
    )
    assert response.status_code == 302
    campaign = province_post.campaigns.get()
    assert response.url == f"/lam-viec/chien-dich/{campaign.pk}/"
    launch = client_for(personas["bacninh.quantri"]).post(
        f"/lam-viec/chien-dich/{campaign.pk}/phat-dong/"
    )
    assert launch.status_code == 302
    assert campaign.targets.count() == len(pages_below(tree.bac_ninh))
