"""The insights API: a subtree's figures, coverage and ranked pages, for the viewer's subtree
only, by session or bearer token."""

from __future__ import annotations

import pytest
from django.test import Client

from congdong.accounts.tokens import do_issue_token
from congdong.insights.figures import ADDITIVE, METRICS
from congdong.units.models import Level, Unit
from tests.conftest import client_for, unit_2025
from tests.insights.test_dashboard import D1, D2, ingested

__all__ = ["ingested"]  # the fixture, defined there

API = "/api/v1/insights/units"
PERIOD = {"from": D1.isoformat(), "to": D2.isoformat()}


def bearer(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {do_issue_token(user).key}"})


def test_the_figures_are_those_ingested_and_the_children_add_up(personas, ingested):
    bac_ninh = ingested.bac_ninh.unit
    response = client_for(personas["bacninh.thongke"]).get(f"{API}/{bac_ninh.pk}/figures", PERIOD)
    assert response.status_code == 200
    body = response.json()
    assert (body["start"], body["end"]) == (D1.isoformat(), D2.isoformat())
    totals = body["totals"]
    assert totals["impressions"] == 7 and totals["referrals"] == 3 and totals["engagement"] == 3
    assert totals["reach"] == pytest.approx(8, abs=0.01)
    assert totals["reach_low"] <= totals["reach"] <= totals["reach_high"]
    for key in ADDITIVE:
        children = sum(child["figures"][key] for child in body["children"])
        assert children + body["own"][key] == totals[key], key
    levels = {row["level"]: row["figures"] for row in body["levels"]}
    assert levels[Level.COMMUNE]["impressions"] == 5
    assert levels[Level.COMMUNE]["reach"] is None  # reach is not additive over a level
    assert len(body["series"]) == 4
    assert sum(day["figures"]["impressions"] for day in body["series"]) == 7
    assert [d["key"] for d in body["definitions"]] == [m.key for m in METRICS]
    assert next(d for d in body["definitions"] if d["key"] == "reach")["estimated"]


def test_a_bearer_token_reads_the_same_figures(personas, ingested):
    client = bearer(personas["bacninh.thongke"])
    response = client.get(f"{API}/{ingested.bac_ninh.unit_id}/figures", PERIOD)
    assert response.status_code == 200
    assert response.json()["totals"]["impressions"] == 7


def test_another_province_or_the_centre_is_refused_by_session_and_token(personas, ingested):
    ha_noi = unit_2025("01")
    centre = Unit.objects.get(structure__code="2025", depth=1)
    for client in (client_for(personas["bacninh.thongke"]), bearer(personas["bacninh.thongke"])):
        for unit in (ha_noi, centre):
            for what in ("figures", "coverage", "pages"):
                response = client.get(f"{API}/{unit.pk}/{what}")
                assert response.status_code == 404, (unit, what)  # out of scope
                assert "impressions" not in response.content.decode()


def test_no_sign_in_gets_nothing(ingested):
    assert Client().get(f"{API}/{ingested.bac_ninh.unit_id}/figures").status_code == 401
    revoked = Client(headers={"Authorization": "Bearer not-a-token"})
    assert revoked.get(f"{API}/{ingested.bac_ninh.unit_id}/figures").status_code == 401


def test_a_unit_that_does_not_exist_is_404(personas, ingested):
    assert client_for(personas["admin"]).get(f"{API}/999999999/figures").status_code == 404


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-02-30"}, "from"),
        ({"to": "ngày mai"}, "to"),
        ({"from": "2026-05-02", "to": "2026-05-01"}, "from"),
    ],
)
def test_bad_dates_are_refused_with_a_message(personas, ingested, params, field):
    client = client_for(personas["bacninh.thongke"])
    response = client.get(f"{API}/{ingested.bac_ninh.unit_id}/figures", params)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert response.json()["detail"]


def test_coverage_counts_the_units_with_an_active_page(personas, ingested):
    bac_ninh = ingested.bac_ninh.unit
    response = client_for(personas["bacninh.thongke"]).get(f"{API}/{bac_ninh.pk}/coverage")
    assert response.status_code == 200
    levels = {row["level"]: row for row in response.json()["levels"]}
    communes = Unit.objects.in_subtree(bac_ninh).filter(level=Level.COMMUNE).count()
    assert (levels[Level.PROVINCE]["with_page"], levels[Level.PROVINCE]["units"]) == (1, 1)
    assert (levels[Level.COMMUNE]["with_page"], levels[Level.COMMUNE]["units"]) == (1, communes)
    assert levels[Level.COMMUNE]["percent"] == round(100 / communes, 1)
    bad = client_for(personas["bacninh.thongke"]).get(
        f"{API}/{bac_ninh.pk}/coverage", {"as_of": "05/08/2022"}
    )
    assert bad.status_code == 400 and bad.json()["field"] == "as_of"


def test_pages_are_ranked_top_or_bottom_by_an_additive_metric(personas, ingested):
    client = client_for(personas["bacninh.thongke"])
    where = f"{API}/{ingested.bac_ninh.unit_id}/pages"
    top = client.get(where, {**PERIOD, "metric": "referrals"}).json()["items"]
    assert [(p["page_id"], p["figures"]["referrals"]) for p in top] == [
        (ingested.kinh_bac.pk, 2),
        (ingested.bac_ninh.pk, 1),
    ]
    bottom = client.get(where, {**PERIOD, "bottom": "true", "limit": 1}).json()["items"]
    assert [p["page_id"] for p in bottom] == [ingested.bac_ninh.pk]
    refused = client.get(where, {"metric": "reach"})
    assert refused.status_code == 400 and refused.json()["field"] == "metric"
    assert client.get(where, {"limit": 0}).status_code == 400
