"""Moderation over the JSON API: report, queue, decisions, appeals."""

from __future__ import annotations

import json

import pytest

from congdong.moderation.models import Case, CaseState
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
API = "/api/v1/moderation"


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def reported_once(world) -> Case:
    """The world's comment reported for abuse by one citizen through the API: its case."""
    report = {"kind": "comment", "id": world.comment.pk, "reason": "abuse"}
    post(client_for(world.citizens[0]), f"{API}/reports", report)
    return Case.objects.get()


def test_citizens_report_through_the_api_and_the_third_hides_it(world):
    for i, person in enumerate(world.citizens[:3], start=1):
        response = post(
            client_for(person),
            f"{API}/reports",
            {"kind": "comment", "id": world.comment.pk, "reason": "spam"},
        )
        assert response.status_code == 201
        assert response.json()["reporters"] == i
    assert response.json()["hidden"] is True
    again = post(
        client_for(world.citizens[0]),
        f"{API}/reports",
        {"kind": "comment", "id": world.comment.pk, "reason": "spam"},
    )
    assert again.status_code in (400, 404)
    assert "detail" in again.json()


def test_second_report_is_refused_with_a_clear_detail(world):
    client = client_for(world.citizens[0])
    post(client, f"{API}/reports", {"kind": "post", "id": world.post.pk, "reason": "spam"})
    response = post(
        client, f"{API}/reports", {"kind": "post", "id": world.post.pk, "reason": "spam"}
    )
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "already reported" in detail or "đã báo cáo" in detail


def test_anonymous_report_is_refused(world):
    from django.test import Client

    response = post(
        Client(), f"{API}/reports", {"kind": "post", "id": world.post.pk, "reason": "spam"}
    )
    assert response.status_code == 401


def test_queue_and_decisions_are_scoped_to_the_subtree(world):
    case = reported_once(world)
    assert [c["id"] for c in client_for(world.province_mod).get(f"{API}/queue").json()] == [case.pk]
    assert client_for(world.sibling_mod).get(f"{API}/queue").json() == []
    refused = post(
        client_for(world.hanoi_mod), f"{API}/decisions", {"case_ids": [case.pk], "decision": "keep"}
    ).json()
    assert refused["decided"] == [] and refused["refused"][0]["case_id"] == case.pk
    done = post(
        client_for(world.commune_mod),
        f"{API}/decisions",
        {"case_ids": [case.pk], "decision": "remove", "reason": "Lăng mạ người khác"},
    )
    assert done.json()["decided"][0]["state"] == CaseState.REMOVED


def test_author_appeals_and_the_unit_above_overturns(world):
    case = reported_once(world)
    post(
        client_for(world.commune_mod),
        f"{API}/decisions",
        {"case_ids": [case.pk], "decision": "remove", "reason": "Lăng mạ người khác"},
    )
    mine = client_for(world.author).get(f"{API}/mine").json()
    assert mine[0]["state"] == "removed"
    made = post(
        client_for(world.author),
        f"{API}/cases/{case.pk}/appeal",
        {"text": "Tôi không lăng mạ ai cả."},
    )
    assert made.status_code == 201
    appeal_id = made.json()["id"]
    assert client_for(world.commune_mod).get(f"{API}/appeals").json() == []
    wrong = post(
        client_for(world.commune_mod),
        f"{API}/appeals/{appeal_id}/decision",
        {"decision": "overturned", "reason": "Tự xem lại"},
    )
    assert wrong.status_code == 403
    decided = post(
        client_for(world.province_mod),
        f"{API}/appeals/{appeal_id}/decision",
        {"decision": "overturned", "reason": "Ý kiến hợp lệ"},
    )
    assert decided.json()["state"] == "overturned"
