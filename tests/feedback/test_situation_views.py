"""The people's situation on the web, in the API and as an export: analysts of a province read
its aggregates and nothing of another province; no text or tracking code is ever shown."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from congdong.feedback import actions
from congdong.insights.exports import jobs
from congdong.insights.models import Export
from tests.conftest import client_for
from tests.feedback.conftest import category, send

pytestmark = pytest.mark.django_db

SECRET = "Ông trưởng thôn thu tiền sai quy định, giao thông nội đồng xuống cấp nghiêm trọng."


@pytest.fixture
def sent(people, units):
    """Two items to Kinh Bắc today (one accepted), one to Hà Nội."""
    now = timezone.now() - datetime.timedelta(hours=1)
    first = send(people["an"], units.kinh_bac, now=now, text=SECRET)
    send(
        people["binh"],
        units.kinh_bac,
        now=now,
        category_id=category("moi-truong").pk,
        text="Giao thông nội đồng ngập nước sau mưa, rác thải trôi khắp nơi.",
    )
    actions.accept(people["kinhbac.canbo"], first.pk, now=now + datetime.timedelta(minutes=30))
    send(people["an"], units.hanoi_commune, now=now, text="Vỉa hè bị lấn chiếm ở Hà Nội.")
    return first


def since() -> str:
    """The first day holding the items `sent` sent an hour ago: today, or yesterday in the
    first hour of a Vietnamese day."""
    return timezone.localdate(timezone.now() - datetime.timedelta(hours=1)).isoformat()


def page_of(unit) -> str:
    return reverse("feedback:situation-unit", args=[unit.pk])


def test_the_analyst_of_bac_ninh_goes_straight_to_the_province(people, units):
    response = client_for(people["bacninh.thongke"]).get(reverse("feedback:situation"))
    assert response.status_code == 302
    assert response["Location"] == page_of(units.bac_ninh)


def test_the_analyst_sees_counts_and_keywords_but_no_text_or_code(people, units, sent):
    response = client_for(people["bacninh.thongke"]).get(page_of(units.bac_ninh))
    assert response.status_code == 200
    report = response.context["report"]
    assert report.totals.sent == 2 and report.totals.open == 2
    rows = {c.slug: n.sent for c, n in report.categories}
    assert rows["ha-tang-giao-thong"] == 1 and rows["moi-truong"] == 1
    html = response.content.decode()
    assert 'id="category-table"' in html and 'id="aggregates-note"' in html
    assert "nội đồng" in html  # a keyword of both items
    assert SECRET not in html and sent.code not in html and "PA-" not in html
    assert people["an"].full_name not in html
    # Each commune links to its own report (drill-down).
    assert f'data-unit="{units.kinh_bac.pk}"' in html and page_of(units.kinh_bac) in html
    # The export buttons start a "situation" export of this unit.
    assert 'name="kind" value="situation"' in html


def test_drilling_down_to_a_commune_and_choosing_a_period(people, units, sent):
    client = client_for(people["bacninh.thongke"])
    today = timezone.localdate()
    response = client.get(page_of(units.kinh_bac), {"tu": since(), "den": today})
    assert response.status_code == 200
    assert response.context["report"].totals.sent == 2
    bad = client.get(page_of(units.kinh_bac), {"tu": "hôm qua"})
    assert bad.status_code == 200
    assert "hôm qua" in bad.context["error"]


def test_the_analyst_of_bac_ninh_cannot_open_ha_noi_anywhere(people, units, sent):
    # Another province is out of their scope: 404, as any object (test_out_of_scope_404.py).
    client = client_for(people["bacninh.thongke"])
    assert client.get(page_of(units.hanoi)).status_code == 404
    assert client.get(page_of(units.hanoi_commune)).status_code == 404
    api = f"/api/v1/feedback/situation/{units.hanoi.pk}"
    assert client.get(api).status_code == 404
    assert client.get(api + "/keywords").status_code == 404
    response = client.post(
        reverse("insights:export-start"),
        {"kind": "situation", "unit": units.hanoi.pk, "format": "xlsx"},
    )
    assert response.status_code == 404
    assert not Export.objects.exists()


def test_a_commune_officer_without_the_analyst_role_cannot_open_the_province(people, units):
    client = client_for(people["kinhbac.canbo"])
    # The province above is out of a commune officer's scope: 404.
    assert client.get(page_of(units.bac_ninh)).status_code == 404


def test_the_api_gives_the_figures_and_keywords_of_the_province(people, units, sent):
    client = client_for(people["bacninh.thongke"])
    today = timezone.localdate().isoformat()
    data = client.get(
        f"/api/v1/feedback/situation/{units.bac_ninh.pk}", {"from": since(), "to": today}
    ).json()
    assert data["totals"] == {"sent": 2, "open": 2, "answered": 0, "rejected": 0, "overdue": 0}
    assert sum(child["sent"] for child in data["children"]) + data["own"]["sent"] == 2
    assert data["hours_to_accept"]["items"] == 1
    assert SECRET not in str(data) and sent.code not in str(data)
    words = client.get(f"/api/v1/feedback/situation/{units.bac_ninh.pk}/keywords").json()
    assert {"word": "nội đồng", "items": 2} in words["keywords"]
    assert words["feedback_read"] == 2
    bad = client.get(f"/api/v1/feedback/situation/{units.bac_ninh.pk}", {"period": "2026-Q5"})
    assert bad.status_code == 400 and bad.json()["field"] == "period"
    level = client.get(f"/api/v1/feedback/situation/{units.bac_ninh.pk}", {"level": "thon"})
    assert level.status_code == 400


def test_the_export_of_the_situation_is_accepted_for_the_province(people, units):
    export = jobs.request_export(
        people["bacninh.thongke"],
        "situation",
        units.bac_ninh.pk,
        {"tu": "2026-03-01", "den": "2026-03-31", "cap": "commune"},
        "pdf",
    )
    assert (export.kind, export.params) == (
        "situation",
        {"tu": "2026-03-01", "den": "2026-03-31", "cap": "commune"},
    )
    assert jobs.kind_label("situation") != "situation"


def test_the_page_reads_a_bounded_number_of_queries(
    people, units, sent, django_assert_max_num_queries
):
    client = client_for(people["bacninh.thongke"])
    with django_assert_max_num_queries(30):
        assert client.get(page_of(units.bac_ninh)).status_code == 200


def test_the_api_is_described_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/feedback/situation/{unit_id}" in paths
    assert "/api/v1/feedback/situation/{unit_id}/keywords" in paths


def test_the_access_log_is_read_only_in_the_admin(people, units, sent, admin_client):
    actions.log_access(people["kinhbac.canbo"], sent, "view", "127.0.0.1", timezone.now())
    listing = admin_client.get(reverse("admin:feedback_feedbackaccess_changelist"))
    assert listing.status_code == 200
    assert people["kinhbac.canbo"].full_name in listing.content.decode()
    assert admin_client.get(reverse("admin:feedback_feedbackaccess_add")).status_code == 403
    row = sent.accesses.get()
    change = reverse("admin:feedback_feedbackaccess_change", args=[row.pk])
    assert admin_client.post(change, {"kind": "export"}).status_code == 403
    delete = reverse("admin:feedback_feedbackaccess_delete", args=[row.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert sent.accesses.get().kind == "view"


def test_a_level_lists_every_unit_of_it_and_goes_into_the_export(people, units, sent):
    client = client_for(people["bacninh.thongke"])
    response = client.get(page_of(units.bac_ninh), {"cap": "commune"})
    html = response.content.decode()
    assert 'id="level-table"' in html
    rows = {unit.pk: n.sent for unit, n in response.context["report"].level_rows}
    assert rows[units.kinh_bac.pk] == 2
    assert 'name="cap" value="commune"' in html  # the export asks for the same level
    # An unknown level, or none below a commune, is ignored.
    assert (
        'id="level-table"'
        not in client.get(page_of(units.bac_ninh), {"cap": "thon"}).content.decode()
    )
    commune = client.get(page_of(units.kinh_bac), {"cap": "commune"}).content.decode()
    assert 'id="level-table"' not in commune and 'id="cap"' not in commune


def test_someone_with_several_subtrees_chooses_one(admin_client):
    # A superuser reads every structure: the index lists the root of each.
    response = admin_client.get(reverse("feedback:situation"))
    assert response.status_code == 200
    assert 'id="situation-roots"' in response.content.decode()
    assert len(response.context["roots"]) >= 2
