"""Issue 16, point 4: whoever launched a campaign sees how each province (then each commune)
follows it — targets, done, pending, late, at risk, % done, median and p90 time to publish —
sortable, with a drill-down; late and at risk follow the campaign's clock; the API gives the
same figures; durations read as Vietnamese."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from congdong.campaigns.models import Campaign
from congdong.pages.actions import do_establish_many
from congdong.pages.models import Page
from congdong.units.models import Level, Unit
from tests.campaigns.conftest import pages_below, reshared_by_two
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def url(campaign: Campaign, query: str = "") -> str:
    return f"/lam-viec/chien-dich/{campaign.pk}/{query}"


@pytest.fixture
def every_province(tree) -> list[Unit]:
    """Pages for the 32 provinces the `tree` fixture has not opened: 34 provinces in all."""
    provinces = list(Unit.objects.filter(structure__code="2025", level=Level.PROVINCE))
    do_establish_many(
        [p for p in provinces if not Page.objects.filter(unit=p).exists()],
        opened_at=timezone.now(),
    )
    return provinces


@pytest.fixture
def tasks(personas, tree, every_province, central_post, central_approver) -> Campaign:
    """A central reshare campaign to every page below; Kinh Bắc and Hà Nội's page are done."""
    return reshared_by_two(personas, tree, central_post, central_approver)


def test_the_launcher_sees_every_province_in_a_few_queries(
    tree, tasks, central_approver, every_province, django_assert_max_num_queries
):
    client = client_for(central_approver)
    with django_assert_max_num_queries(16):
        response = client.get(url(tasks))
    assert response.status_code == 200
    units = response.context["units"]
    assert len(units.rows) == 34
    rows = {row.unit.code: row for row in units.rows}
    bac_ninh = rows["24"]
    assert bac_ninh.targets == len(pages_below(tree.bac_ninh)) + 1  # the province page too
    assert (bac_ninh.done, bac_ninh.pending) == (1, bac_ninh.targets - 1)
    assert bac_ninh.median is not None and bac_ninh.p90 is not None
    assert rows["01"].done == 1 and rows["01"].percent == round(100 / rows["01"].targets, 1)
    assert units.total.targets == len(pages_below(tree.centre))
    page = response.content.decode()
    assert 'id="by-unit"' in page and "Trễ hạn" in page and "Có nguy cơ trễ" in page
    assert "25 %" in page  # the at-risk share, in the definitions shown (core.numbers)
    assert "0:00:" not in page  # durations in words, never str(timedelta)
    # A fresh campaign is neither late nor at risk: no page is a laggard yet.
    assert units.total.late == units.total.at_risk == 0
    assert response.context["report"].laggards == []


def test_rows_sort_by_a_column_and_reverse(tasks, central_approver):
    client = client_for(central_approver)
    by_done = client.get(url(tasks, "?sap-xep=-percent")).context["units"]
    percents = [r.percent for r in by_done.rows]
    assert percents == sorted(percents, reverse=True)
    assert {r.unit.code for r in by_done.rows[:2]} == {"01", "24"}  # the only ones with a page done
    assert by_done.rows[2].percent == 0
    page = client.get(url(tasks, "?sap-xep=percent")).content.decode()
    assert 'aria-sort="ascending"' in page and 'href="?don-vi=' in page
    assert client.get(url(tasks, "?sap-xep=nonsense")).context["units"].sort == "unit"


def test_a_province_drills_down_to_its_communes_with_breadcrumbs(tree, tasks, central_approver):
    bac_ninh = tree.bac_ninh.unit
    response = client_for(central_approver).get(url(tasks, f"?don-vi={bac_ninh.pk}"))
    units = response.context["units"]
    assert units.focus == bac_ninh
    assert [u.pk for u in units.trail] == [tree.centre.unit_id, bac_ninh.pk]
    own = [row for row in units.rows if row.own_page]
    assert len(own) == 1 and own[0].unit == bac_ninh and not own[0].drillable
    communes = [row for row in units.rows if not row.own_page]
    assert len(communes) == len(pages_below(tree.bac_ninh))
    kinh_bac = next(r for r in communes if r.unit == tree.kinh_bac.unit)
    assert (kinh_bac.targets, kinh_bac.done, kinh_bac.percent) == (1, 1, 100.0)
    page = response.content.decode()
    assert 'id="units-trail"' in page and tree.centre.unit.full_name in page


def test_late_and_at_risk_follow_the_campaign_clock(tasks, central_approver):
    client = client_for(central_approver)
    now = timezone.now()
    # 10 days in, one day left: less than a quarter of the time is left.
    Campaign.objects.filter(pk=tasks.pk).update(launched_at=now - 10 * DAY, deadline=now + DAY)
    response = client.get(url(tasks))
    total = response.context["units"].total
    assert (total.at_risk, total.late) == (total.pending, 0) and total.pending > 0
    assert len(response.context["report"].laggards) == min(total.pending, 200)
    Campaign.objects.filter(pk=tasks.pk).update(deadline=now - DAY)
    total = client.get(url(tasks)).context["units"].total
    assert (total.late, total.at_risk) == (total.pending, 0)


def test_a_province_admin_cannot_drill_into_another_province(personas, tree, tasks):
    client = client_for(personas["bacninh.quantri"])
    mine = client.get(url(tasks)).context["units"]
    assert [r.unit.code for r in mine.rows] == ["24"]
    assert client.get(url(tasks, f"?don-vi={tree.ha_noi.unit_id}")).status_code == 404
    assert client.get(url(tasks, "?don-vi=abc")).status_code == 404


def test_the_api_gives_the_same_figures(tree, tasks, central_approver):
    client = client_for(central_approver)
    web = client.get(url(tasks, f"?don-vi={tree.bac_ninh.unit_id}")).context["units"]
    api = client.get(
        f"/api/v1/campaigns/{tasks.pk}", {"unit_id": tree.bac_ninh.unit_id, "sort": "-done"}
    ).json()
    assert api["focus_unit_id"] == tree.bac_ninh.unit_id and api["sort"] == "-done"
    assert api["units"][0]["done"] == 1
    assert {r["unit_id"]: r["targets"] for r in api["units"]} == {
        r.unit.pk: r.targets for r in web.rows
    }
    assert api["total"]["pending"] == web.total.pending
    assert {d["key"] for d in api["definitions"]} >= {"late", "at_risk"}
