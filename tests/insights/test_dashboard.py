"""The staff dashboard of a unit's subtree: figures as ingested, the child table adding up,
the viewer's subtree only, every definition shown, bad dates handled, queries bounded."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from congdong import events
from congdong.campaigns import actions as campaign_actions
from congdong.campaigns.models import CampaignMode
from congdong.insights import dashboard
from congdong.insights.figures import ADDITIVE, METRIC_BY_KEY, METRICS, Period
from congdong.insights.models import EventKind, Export
from congdong.insights.tasks import run_exports
from congdong.pages.actions import do_establish_many
from congdong.units.models import Level, Unit
from tests.campaigns.conftest import central_approver, central_post, launched, tree
from tests.conftest import client_for, unit_2025
from tests.posts.conftest import Pages

__all__ = ["central_approver", "central_post", "tree"]  # fixtures used here, defined there

TZ = timezone.get_fixed_timezone(7 * 60)
TODAY = timezone.localdate()
D1, D2 = TODAY - datetime.timedelta(days=5), TODAY - datetime.timedelta(days=2)
PERIOD = {"tu": D1.isoformat(), "den": D2.isoformat()}


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), TZ)


def url(unit: Unit) -> str:
    return f"/lam-viec/thong-ke/{unit.pk}/"


def coverage_url(unit: Unit) -> str:
    return f"/lam-viec/thong-ke/{unit.pk}/do-phu/"


@pytest.fixture
def ingested(pages: Pages) -> Pages:
    """Events on phường Kinh Bắc, tỉnh Bắc Ninh and Hà Nội, through the ingestion path."""
    kb, bn, hn = pages.kinh_bac.pk, pages.bac_ninh.pk, pages.ha_noi.pk
    made = [
        *(events.make(EventKind.PAGE_VIEW, kb, visitor=v, at=at(D1)) for v in ("u1", "u2", "v-a")),
        *(events.make(EventKind.POST_VIEW, kb, visitor=v, at=at(D2)) for v in ("u1", "v-b")),
        events.make(EventKind.FOLLOW, kb, user_id=1, visitor="u1", at=at(D1)),
        events.make(EventKind.FOLLOW, kb, user_id=2, visitor="u2", at=at(D1)),
        events.make(EventKind.UNFOLLOW, kb, user_id=2, visitor="u2", at=at(D2)),
        events.make(EventKind.SHARE, kb, user_id=1, visitor="u1", at=at(D2)),
        events.make(EventKind.REFERRAL_OPEN, kb, visitor="v-c", at=at(D2)),
        events.make(EventKind.REFERRAL_OPEN, kb, visitor="v-d", at=at(D2)),
        events.make(EventKind.REFERRAL_FOLLOW, kb, user_id=7, visitor="u7", at=at(D2)),
        *(events.make(EventKind.PAGE_VIEW, bn, visitor=v, at=at(D1)) for v in ("u1", "u3")),
        events.make(EventKind.REACTION, bn, user_id=3, visitor="u3", at=at(D2)),
        events.make(EventKind.COMMENT, bn, user_id=3, visitor="u3", at=at(D2)),
        events.make(EventKind.REFERRAL_OPEN, bn, visitor="v-e", at=at(D2)),
        events.make(EventKind.PAGE_VIEW, hn, visitor="u9", at=at(D2)),
        events.make(EventKind.FOLLOW, hn, user_id=9, visitor="u9", at=at(D2)),
        # Outside the period asked for: counted in the followers' total only if it is a follow.
        events.make(EventKind.PAGE_VIEW, kb, visitor="u5", at=at(D1 - datetime.timedelta(days=1))),
    ]
    events.submit(made)
    events.flush()
    return pages


def test_the_cards_show_the_figures_ingested_for_the_analysts_province(personas, ingested):
    bac_ninh = ingested.bac_ninh.unit
    response = client_for(personas["bacninh.thongke"]).get(url(bac_ninh), PERIOD)
    assert response.status_code == 200
    board = response.context["board"]
    assert board.period == Period(D1, D2)
    cards = {card.key: card for card in board.cards}
    assert cards["impressions"].value == 7  # Kinh Bắc's 5 and the province page's 2
    assert cards["followers"].value == 1  # two follows, one unfollow
    assert cards["referrals"].value == 3
    assert cards["engagement"].value == 3  # a share, a reaction, a comment
    assert cards["posts"].value == 0
    # u1 saw both pages: one person. Eight distinct visitors (a referral open is a view too);
    # HyperLogLog is exact at this size.
    assert cards["reach"].value == pytest.approx(8, abs=0.01)
    assert cards["reach"].estimated
    assert cards["reach"].low <= 8 <= cards["reach"].high
    html = response.content.decode()
    assert 'data-testid="dashboard-cards"' in html
    assert 'data-metric="impressions"' in html
    assert "Hà Nội" not in html  # nothing of another province


def test_the_child_table_adds_up_to_the_province_with_its_own_page(personas, ingested):
    bac_ninh = ingested.bac_ninh.unit
    response = client_for(personas["bacninh.thongke"]).get(url(bac_ninh), PERIOD)
    board = response.context["board"]
    children = board.children
    assert {child.parent_id for child, _row in children} == {bac_ninh.pk}
    assert len(children) == Unit.objects.filter(parent=bac_ninh).count()
    for key in ADDITIVE:
        assert sum(row[key] for _child, row in children) + board.own[key] == board.totals[key], key
    kinh_bac = next(row for child, row in children if child.pk == ingested.kinh_bac.unit_id)
    assert kinh_bac["impressions"] == 5
    assert board.own["impressions"] == 2


def test_the_child_table_of_the_centre_adds_up_to_the_nation(personas, ingested):
    centre = Unit.objects.get(structure__code="2025", depth=1)
    response = client_for(personas["admin"]).get(url(centre), PERIOD)
    board = response.context["board"]
    for key in ADDITIVE:
        assert sum(row[key] for _child, row in board.children) == board.totals[key], key
    assert board.totals["impressions"] == 8
    rows = dict((child.code, row) for child, row in board.children)
    assert rows["24"]["impressions"] == 7 and rows["01"]["impressions"] == 1
    levels = dict(board.levels)
    assert levels[Level.COMMUNE]["impressions"] == 5
    assert levels[Level.PROVINCE]["impressions"] == 3


def test_each_child_links_to_its_own_dashboard(personas, ingested):
    bac_ninh = ingested.bac_ninh.unit
    client = client_for(personas["bacninh.thongke"])
    html = client.get(url(bac_ninh), PERIOD).content.decode()
    assert 'data-testid="child-table"' in html
    assert f'href="{url(ingested.kinh_bac.unit)}?tu={D1}&amp;den={D2}"' in html
    assert f'data-unit="{ingested.kinh_bac.unit_id}"' in html  # an id, not a grouped number
    drilled = client.get(url(ingested.kinh_bac.unit), PERIOD)
    assert drilled.status_code == 200
    assert drilled.context["board"].totals["impressions"] == 5


def test_top_bottom_and_referral_rankings_are_the_subtrees_pages(personas, ingested):
    response = client_for(personas["bacninh.thongke"]).get(url(ingested.bac_ninh.unit), PERIOD)
    board = response.context["board"]
    top = [(page.pk, row["impressions"]) for page, row in board.top_pages]
    assert top == [(ingested.kinh_bac.pk, 5), (ingested.bac_ninh.pk, 2)]
    # Each page's own reach: its distinct viewers, referral opens included.
    reach = [round(row["reach"]) for _page, row in board.top_pages]
    assert reach == [6, 3]
    assert [page.pk for page, _row in board.bottom_pages] == [
        ingested.bac_ninh.pk,
        ingested.kinh_bac.pk,
    ]
    referrals = [(page.pk, row["referrals"]) for page, row in board.referrals]
    assert referrals == [(ingested.kinh_bac.pk, 2), (ingested.bac_ninh.pk, 1)]
    assert ingested.ha_noi.pk not in {page.pk for page, _row in board.top_pages}


def test_the_analyst_of_bac_ninh_is_refused_ha_noi_and_the_centre(personas, ingested):
    client = client_for(personas["bacninh.thongke"])
    ha_noi = unit_2025("01")
    centre = Unit.objects.get(structure__code="2025", depth=1)
    ha_noi_commune = Unit.objects.filter(parent=ha_noi).order_by("path").first()
    for unit in (ha_noi, centre, ha_noi_commune):  # out of their scope: 404, as any object
        assert client.get(url(unit)).status_code == 404
        assert client.get(coverage_url(unit)).status_code == 404


def test_staff_without_the_analyst_role_and_citizens_see_no_figures(personas, ingested):
    bac_ninh = ingested.bac_ninh.unit
    # No role at all, or a role on a commune below: the province is out of their scope (404).
    assert client_for(personas["tiendu.canbo"]).get(url(bac_ninh)).status_code == 404
    assert client_for(personas["kinhbac.canbo"]).get(url(bac_ninh)).status_code == 404
    # On their own commune, the operator sees the unit but holds no figures role: 403.
    kinh_bac = ingested.kinh_bac.unit
    assert client_for(personas["kinhbac.canbo"]).get(url(kinh_bac)).status_code == 403


def test_the_breadcrumb_starts_at_the_viewers_own_unit(personas, ingested):
    centre = Unit.objects.get(structure__code="2025", depth=1)
    kinh_bac = ingested.kinh_bac.unit
    html = client_for(personas["bacninh.thongke"]).get(url(kinh_bac)).content.decode()
    crumbs = html.split('data-testid="breadcrumb"', 1)[1].split("</nav>", 1)[0]
    assert f'href="{url(ingested.bac_ninh.unit)}"' in crumbs
    assert url(centre) not in html
    assert centre.full_name not in crumbs
    # The superuser's root is the centre: their breadcrumb starts there.
    admin_html = client_for(personas["admin"]).get(url(kinh_bac)).content.decode()
    assert f'href="{url(centre)}"' in admin_html


def test_every_metric_is_defined_on_the_page_and_each_card_points_to_its_definition(
    personas, ingested
):
    response = client_for(personas["bacninh.thongke"]).get(url(ingested.bac_ninh.unit))
    html = response.content.decode()
    for metric in METRICS:
        assert escape(str(metric.definition)) in html, metric.key
        assert f'id="def-{metric.key}"' in html
    assert escape(str(dashboard.COVERAGE_DEFINITION)) in html
    for key in dashboard.CARD_KEYS:
        assert f'aria-describedby="def-{key}"' in html


@pytest.mark.parametrize(
    "params",
    [
        {"tu": "2026-13-45", "den": "2026-01-01"},
        {"tu": "hôm qua"},
        {"tu": "2026-03-10", "den": "2026-03-01"},  # start after end
        {"tu": "2010-01-01", "den": "2026-01-01"},  # longer than MAX_DAYS
    ],
)
def test_bad_dates_say_why_and_show_the_last_30_days(personas, ingested, params):
    response = client_for(personas["bacninh.thongke"]).get(url(ingested.bac_ninh.unit), params)
    assert response.status_code == 200
    assert response.context["error"]
    assert response.context["board"].period == Period.last(30)
    assert 'id="period-error"' in response.content.decode()


def test_the_default_period_is_the_last_30_days_and_counts_recent_events(personas, ingested):
    response = client_for(personas["bacninh.thongke"]).get(url(ingested.bac_ninh.unit))
    board = response.context["board"]
    assert board.period == Period.last(30)
    assert board.totals["impressions"] == 8  # the view the day before D1 too
    assert len(board.series) == 30
    assert sum(row["impressions"] for _day, row in board.series) == 8


def test_the_index_goes_straight_to_a_single_subtree_and_lists_several(personas, ingested):
    response = client_for(personas["bacninh.thongke"]).get("/lam-viec/thong-ke/")
    assert response.status_code == 302
    assert response["Location"] == url(ingested.bac_ninh.unit)
    listed = client_for(personas["admin"]).get("/lam-viec/thong-ke/")
    assert listed.status_code == 200
    assert {root.structure.code for root in listed.context["roots"]} == {"2022", "2025"}


def test_a_viewer_with_both_structures_can_switch_between_them(personas, ingested):
    centre_2025 = Unit.objects.get(structure__code="2025", depth=1)
    centre_2022 = Unit.objects.get(structure__code="2022", depth=1)
    html = client_for(personas["admin"]).get(url(centre_2025)).content.decode()
    assert 'id="structure-switch"' in html
    assert f'href="{url(centre_2022)}"' in html
    analyst = client_for(personas["bacninh.thongke"]).get(url(ingested.bac_ninh.unit))
    assert 'id="structure-switch"' not in analyst.content.decode()


def test_the_dashboard_offers_exports_of_what_it_shows(personas, ingested):
    response = client_for(personas["bacninh.thongke"]).get(url(ingested.bac_ninh.unit), PERIOD)
    html = response.content.decode()
    assert f'action="{reverse("insights:export-start")}"' in html
    assert f'name="unit" value="{ingested.bac_ninh.unit_id}"' in html
    for fmt in ("xlsx", "pdf", "csv"):
        assert f'value="{fmt}"' in html
    assert f'name="tu" value="{D1}"' in html and f'name="den" value="{D2}"' in html


def test_the_dashboard_export_is_made_by_the_worker_for_the_analysts_province_only(
    personas, ingested
):
    client = client_for(personas["bacninh.thongke"])
    form = {"kind": "dashboard", "unit": ingested.bac_ninh.unit_id, "format": "csv", **PERIOD}
    started = client.post(reverse("insights:export-start"), form)
    assert started.status_code == 302
    assert run_exports() == 1  # the worker's sweep
    status = client.get(started["Location"]).content.decode()
    assert 'data-testid="export-download"' in status
    export = Export.objects.get()
    body = b"".join(client.get(reverse("insights:export-download", args=[export.pk])))
    text = body.decode("utf-8-sig")
    assert ingested.kinh_bac.unit.full_name in text
    assert "Hà Nội" not in text
    refused = client.post(
        reverse("insights:export-start"), {**form, "unit": ingested.ha_noi.unit_id}
    )
    assert refused.status_code == 404  # another province: out of scope
    assert Export.objects.count() == 1


def test_the_dashboard_takes_a_bounded_number_of_queries(
    personas, ingested, django_assert_max_num_queries
):
    client = client_for(personas["bacninh.thongke"])
    client.get(url(ingested.bac_ninh.unit))  # sessions and caches warmed
    with django_assert_max_num_queries(30):
        assert client.get(url(ingested.bac_ninh.unit), PERIOD).status_code == 200


def test_the_whole_2022_tree_takes_a_bounded_number_of_queries(
    personas, django_assert_max_num_queries
):
    centre = Unit.objects.get(structure__code="2022", depth=1)
    client = client_for(personas["admin"])
    client.get(url(centre))
    with django_assert_max_num_queries(30):
        response = client.get(url(centre))
    assert response.status_code == 200
    board = response.context["board"]
    assert len(board.children) == 63
    # The 2022 structure ended: its figures and coverage stop on its last day.
    assert board.period.end == centre.structure.valid_to
    assert {c.level: c.units for c in board.coverage}[Level.COMMUNE] == 10_599


def test_campaign_compliance_counts_the_targets_in_the_subtree(
    personas, tree, central_post, central_approver
):
    # Launched by the second approver: tw.bientap wrote the post (four eyes).
    campaign = launched(
        personas["tw.bientap"], central_approver, central_post, CampaignMode.RESHARE_TASK
    )
    bac_ninh = tree.bac_ninh.unit
    in_bac_ninh = Unit.objects.in_subtree(bac_ninh).count()  # every unit of it has a page
    client = client_for(personas["bacninh.thongke"])
    rows = client.get(url(bac_ninh)).context["board"].campaigns
    assert [(r.campaign.pk, r.targets, r.done, r.pending) for r in rows] == [
        (campaign.pk, in_bac_ninh, 0, in_bac_ninh)
    ]
    target = campaign.targets.get(page=tree.kinh_bac)
    campaign_actions.reshare(personas["kinhbac.canbo"], target.pk)
    row = client.get(url(bac_ninh)).context["board"].campaigns[0]
    assert (row.done, row.pending, row.percent) == (
        1,
        in_bac_ninh - 1,
        round(100 / in_bac_ninh, 1),
    )
    # A period before the launch has no campaign.
    before = {"tu": "2025-08-01", "den": "2025-08-31"}
    assert client.get(url(bac_ninh), before).context["board"].campaigns == []


def test_the_coverage_drill_down_lists_units_without_a_page(personas, ingested):
    bac_ninh = ingested.bac_ninh.unit
    client = client_for(personas["bacninh.thongke"])
    response = client.get(coverage_url(bac_ninh), {"cap": Level.COMMUNE})
    assert response.status_code == 200
    communes = Unit.objects.in_subtree(bac_ninh).filter(level=Level.COMMUNE)
    missing = response.context["missing"]
    assert missing.paginator.count == communes.count() - 1  # all but Kinh Bắc
    listed = {u.pk for u in missing.object_list}
    assert ingested.kinh_bac.unit_id not in listed
    html = response.content.decode()
    assert 'data-testid="coverage-missing"' in html
    first = missing.object_list[0]
    assert f'href="/don-vi/{first.pk}/"' in html  # the unit's public page: "no page yet"
    levels = {c.level: (c.with_page, c.units) for c in response.context["levels"]}
    assert levels[Level.PROVINCE] == (1, 1)
    assert levels[Level.COMMUNE] == (1, communes.count())
    assert response.context["history"][-1][0] == TODAY
    # The second page of the list goes on from the first.
    second = client.get(coverage_url(bac_ninh), {"cap": Level.COMMUNE, "trang": 2})
    assert not listed & {u.pk for u in second.context["missing"].object_list}


def test_the_coverage_page_of_the_whole_tree_takes_a_bounded_number_of_queries(
    personas, django_assert_max_num_queries
):
    # A few pages, so that the list of units without one is long (3,000 units): the page
    # reads one page of them, and its year of history in one query (it took 21 queries and
    # over a second on the demo data, a query per point of the history).
    centre = Unit.objects.get(structure__code="2025", depth=1)
    do_establish_many(list(Unit.objects.in_subtree(centre)[:200]), opened_at=timezone.now())
    client = client_for(personas["tw.thongke"])
    client.get(coverage_url(centre))
    with django_assert_max_num_queries(10):
        response = client.get(coverage_url(centre))
    assert response.status_code == 200
    assert len(response.context["history"]) == 12
    assert response.context["levels"] == response.context["history"][-1][1]
    assert len(response.context["missing"].object_list) == 50


def test_the_coverage_page_explains_bad_input(personas, ingested):
    client = client_for(personas["bacninh.thongke"])
    response = client.get(coverage_url(ingested.bac_ninh.unit), {"ngay": "x", "cap": "huyen"})
    assert response.status_code == 200
    assert len(response.context["errors"]) == 2
    assert response.context["as_of"] == TODAY and response.context["level"] is None


def test_the_export_document_holds_the_dashboards_tables_and_definitions(pages, ingested):
    doc = dashboard.document(ingested.bac_ninh.unit, PERIOD)
    cards = {label: value for label, value, _note in doc.cards}
    assert cards[str(METRIC_BY_KEY["impressions"].label)] == 7
    assert len(doc.tables) == 8
    children = doc.tables[1]
    assert children.rows[-1][0] and children.rows[-1][4] == 7  # the total row's impressions
    # Figures by source: congdong's own, Facebook, Zalo and the total, with the viewers note.
    by_source = doc.tables[4]
    assert [row[0] for row in by_source.rows] == [
        "Trang cộng đồng",
        "Facebook",
        "Zalo",
        "Tất cả các nguồn",
    ]
    assert by_source.rows[0][3] == 7 and by_source.rows[-1][3] == 7  # views
    assert by_source.rows[0][5] is None  # congdong's reach is not a platform's viewers
    assert by_source.note
    assert len(doc.definitions) == len(METRICS) + 1
    assert doc.filename.startswith("thong-ke-bac-ninh-")


def test_the_export_document_without_a_unit_is_the_whole_structures(ingested):
    doc = dashboard.document(None, {**PERIOD, "cau_truc": "2025"})
    cards = {label: value for label, value, _note in doc.cards}
    assert cards[str(METRIC_BY_KEY["impressions"].label)] == 8  # Bắc Ninh's 7 and Hà Nội's 1
