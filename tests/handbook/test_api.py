"""The handbook and the board in /api/v1/: the same rules as the web, errors as JSON."""

from __future__ import annotations

from congdong.handbook.models import BoardPost, BoardState
from tests.conftest import client_for
from tests.handbook.conftest import PROPOSAL, REGULATION, proposal

API = "/api/v1"


def test_staff_list_and_read_pages_and_revisions(people, regulation):
    client = client_for(people["kinhbac.canbo"])
    pages = client.get(f"{API}/handbook/pages").json()
    assert [p["slug"] for p in pages] == ["quy-che-thong-tin"]
    page = client.get(f"{API}/handbook/pages/quy-che-thong-tin").json()
    assert page["revision"]["number"] == 1
    assert page["revision"]["body"] == REGULATION.strip()
    assert "<h2>Điều 1. Phạm vi</h2>" in page["revision"]["html"]
    assert client.get(f"{API}/handbook/pages/khong-co").status_code == 404


def test_the_central_admin_saves_a_revision_through_the_api(people, regulation):
    admin = client_for(people["tw.quantri"])
    url = f"{API}/handbook/pages/quy-che-thong-tin/revisions"
    body = {"title": "Quy chế", "body": REGULATION + "\nThêm.", "note": "Bổ sung", "base": 1}
    response = admin.post(url, body, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["number"] == 2 and response.json()["state"] == "proposed"
    listed = admin.get(url).json()
    assert [(r["number"], r["note"]) for r in listed] == [(2, "Bổ sung"), (1, "Ban hành")]
    old = admin.get(f"{url}/1").json()
    assert old["body"] == REGULATION.strip()
    stale = admin.post(url, body | {"body": "Khác"}, content_type="application/json")
    assert stale.status_code == 400 and stale.json()["detail"]
    refused = client_for(people["bacninh.quantri"]).post(
        url, body | {"base": 2, "body": "Khác"}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert regulation.revisions.count() == 2


def test_anonymous_callers_are_refused(regulation):
    from django.test import Client

    assert Client().get(f"{API}/handbook/pages").status_code == 401
    assert Client().get(f"{API}/board/posts").status_code == 401


def test_the_board_in_the_api(people, units):
    officer = client_for(people["kinhbac.canbo"])
    created = officer.post(
        f"{API}/board/posts",
        {"unit_id": units.kinh_bac.pk, "kind": "proposal", "title": "Tập huấn", "body": PROPOSAL},
        content_type="application/json",
    )
    assert created.status_code == 201
    post_id = created.json()["id"]
    assert created.json()["may_answer"] is False

    bad = officer.post(
        f"{API}/board/posts",
        {"unit_id": units.sibling.pk, "kind": "proposal", "title": "Tập huấn", "body": PROPOSAL},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["field"] == "unit"
    short = officer.post(
        f"{API}/board/posts",
        {"unit_id": units.kinh_bac.pk, "kind": "proposal", "title": "Tập huấn", "body": "Ngắn"},
        content_type="application/json",
    )
    assert short.status_code == 400 and short.json()["field"] == "body"
    assert BoardPost.objects.count() == 1

    province = client_for(people["bacninh.quantri"])
    replied = province.post(
        f"{API}/board/posts/{post_id}/replies",
        {"body": "Tỉnh sẽ tổ chức tập huấn."},
        content_type="application/json",
    )
    assert replied.status_code == 201
    assert replied.json()["replies"][0]["unit_id"] == units.bac_ninh.pk
    decided = province.post(
        f"{API}/board/posts/{post_id}/decision",
        {"decision": "accepted", "note": "Đưa vào kế hoạch."},
        content_type="application/json",
    )
    assert decided.status_code == 200
    assert decided.json()["state"] == "accepted"
    assert decided.json()["transitions"][0]["to_state"] == "accepted"

    listed = officer.get(f"{API}/board/posts?state=accepted").json()
    assert [p["id"] for p in listed] == [post_id]
    assert (
        officer.post(
            f"{API}/board/posts/{post_id}/replies",
            {"body": "Cảm ơn"},
            content_type="application/json",
        ).status_code
        == 403
    )
    sibling = client_for(people["sibling.canbo"])
    assert sibling.get(f"{API}/board/posts/{post_id}").status_code == 404
    assert sibling.get(f"{API}/board/posts").json() == []


def test_a_decision_from_another_province_is_not_found(people, units):
    post = proposal(people, units)
    response = client_for(people["hanoi.quantri"]).post(
        f"{API}/board/posts/{post.pk}/decision",
        {"decision": "accepted"},
        content_type="application/json",
    )
    assert response.status_code == 404
    post.refresh_from_db()
    assert post.state == BoardState.OPEN
