"""Handling feedback through /api/v1/: the list to handle, one item (logged), one POST per move;
404 outside the caller's units, a JSON message on bad input, nothing changed."""

from __future__ import annotations

import pytest

from congdong.feedback.models import Feedback, FeedbackAccess, FeedbackState
from tests.conftest import client_for
from tests.feedback.conftest import SENT, send

pytestmark = pytest.mark.django_db

S = FeedbackState
API = "/api/v1/feedback/to-handle"


def post(client, url: str, body: dict | None = None):
    return client.post(url, body or {}, content_type="application/json")


def test_the_commune_officer_lists_and_reads_a_kinh_bac_item(people, units):
    item = send(people["an"], units.kinh_bac)
    send(people["binh"], units.hanoi_commune)
    client = client_for(people["kinhbac.canbo"])
    listed = client.get(API).json()
    assert listed["count"] == 1
    row = listed["items"][0]
    assert (row["id"], row["code"], row["state"], row["unit"]["id"]) == (
        item.pk,
        item.code,
        "received",
        units.kinh_bac.pk,
    )
    assert row["overdue"] is True and row["due"] is not None
    # The list carries the texts: each item returned is a reading (issue 15.3).
    listed = FeedbackAccess.objects.get(feedback=item)
    assert (listed.user, listed.kind) == (people["kinhbac.canbo"], "list")
    one = client.get(f"{API}/{item.pk}")
    assert one.status_code == 200
    assert one.json()["text"] == item.text
    assert [h["action"] for h in one.json()["history"]] == ["submit"]
    access = FeedbackAccess.objects.exclude(pk=listed.pk).get(feedback=item)
    assert (access.user, access.kind) == (people["kinhbac.canbo"], "api")


@pytest.mark.parametrize("who", ["sibling.canbo", "hanoi.quantri"])
def test_officers_of_other_units_get_404_and_change_nothing(people, units, who):
    item = send(people["an"], units.kinh_bac)
    client = client_for(people[who])
    assert client.get(f"{API}/{item.pk}").status_code == 404
    assert post(client, f"{API}/{item.pk}/accept").status_code == 404
    assert (
        post(client, f"{API}/{item.pk}/escalate", {"reason": "Vượt thẩm quyền."}).status_code == 404
    )
    assert item.pk not in [row["id"] for row in client.get(API).json()["items"]]
    assert Feedback.objects.get(pk=item.pk).state == S.RECEIVED
    assert not FeedbackAccess.objects.exists()


def test_the_province_admin_lists_the_items_of_its_communes(people, units):
    mine = {send(people["an"], units.kinh_bac).pk, send(people["binh"], units.sibling).pk}
    send(people["an"], units.hanoi_commune)
    client = client_for(people["bacninh.quantri"])
    assert {row["id"] for row in client.get(API).json()["items"]} == mine
    only = client.get(API, {"unit_id": units.kinh_bac.pk}).json()
    assert only["count"] == 1
    refused = client.get(API, {"unit_id": units.hanoi.pk})
    assert refused.status_code == 400 and refused.json()["field"] == "unit_id"


def test_the_list_filters_by_state_and_overdue(people, units):
    item = send(people["an"], units.kinh_bac, now=SENT)
    client = client_for(people["kinhbac.canbo"])
    assert client.get(API, {"overdue": True}).json()["count"] == 1
    assert client.get(API, {"state": "accepted"}).json()["count"] == 0
    assert client.get(API, {"state": "nonsense"}).status_code == 422
    post(client, f"{API}/{item.pk}/accept")
    assert client.get(API, {"state": "accepted"}).json()["count"] == 1


def test_every_move_through_the_api_returns_the_item(people, units):
    officer, province = people["kinhbac.canbo"], people["bacninh.quantri"]
    item = send(people["an"], units.kinh_bac)
    commune = client_for(officer)
    accepted = post(commune, f"{API}/{item.pk}/accept")
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    assigned = post(commune, f"{API}/{item.pk}/assign", {"officer_id": officer.pk})
    assert assigned.json()["assigned_to_id"] == officer.pk
    escalated = post(commune, f"{API}/{item.pk}/escalate", {"reason": "Vượt thẩm quyền phường."})
    assert escalated.status_code == 200
    assert (escalated.json()["state"], escalated.json()["unit"]["id"]) == (
        "accepted",
        units.bac_ninh.pk,
    )
    assert commune.get(f"{API}/{item.pk}").status_code == 404
    above = client_for(province)
    post(above, f"{API}/{item.pk}/assign", {"officer_id": province.pk})
    answered = post(above, f"{API}/{item.pk}/answer", {"text": "Tỉnh đã chỉ đạo sửa đường."})
    assert answered.json()["state"] == "answered"
    assert answered.json()["answer"] == "Tỉnh đã chỉ đạo sửa đường."


def test_reject_and_transfer_through_the_api(people, units):
    first = send(people["an"], units.kinh_bac)
    second = send(people["binh"], units.kinh_bac)
    client = client_for(people["kinhbac.canbo"])
    rejected = post(
        client, f"{API}/{first.pk}/reject", {"reason_kind": "spam", "reason": "Quảng cáo."}
    )
    assert (rejected.json()["state"], rejected.json()["reject_reason"]) == ("rejected", "spam")
    moved = post(
        client,
        f"{API}/{second.pk}/transfer",
        {"unit_id": units.sibling.pk, "reason": "Địa bàn phường bên cạnh."},
    )
    assert moved.status_code == 200 and moved.json()["unit"]["id"] == units.sibling.pk


@pytest.mark.parametrize(
    ("move", "body", "field"),
    [
        ("reject", {"reason_kind": "spam", "reason": "x"}, "reason"),
        ("assign", {"officer_id": 0}, "state"),
        ("answer", {"text": "Đã xử lý xong việc này."}, "state"),
        ("escalate", {"reason": ""}, "reason"),
        ("transfer", {"unit_id": 0, "reason": "Địa bàn phường bên."}, "unit"),
    ],
)
def test_bad_input_gets_a_json_message_and_changes_nothing(people, units, move, body, field):
    item = send(people["an"], units.kinh_bac)
    client = client_for(people["kinhbac.canbo"])
    response = post(client, f"{API}/{item.pk}/{move}", body)
    assert response.status_code == 400
    assert response.json()["detail"] and response.json()["field"] == field
    fresh = Feedback.objects.get(pk=item.pk)
    assert (fresh.state, fresh.unit_id, fresh.transitions.count()) == (
        S.RECEIVED,
        units.kinh_bac.pk,
        1,
    )


def test_an_unknown_reject_reason_is_refused(people, units):
    item = send(people["an"], units.kinh_bac)
    client = client_for(people["kinhbac.canbo"])
    response = post(client, f"{API}/{item.pk}/reject", {"reason_kind": "x", "reason": "Lý do."})
    assert response.status_code == 422
    assert Feedback.objects.get(pk=item.pk).state == S.RECEIVED


def test_the_api_needs_a_signed_in_caller(people, units):
    item = send(people["an"], units.kinh_bac)
    client = client_for(people["an"])
    client.logout()
    assert client.get(API).status_code == 401
    assert post(client, f"{API}/{item.pk}/accept").status_code == 401
