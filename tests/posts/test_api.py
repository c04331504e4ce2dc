"""The posts API goes through the same actions as the web: drafts, moves, refusals, history."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from congdong.posts.actions import publish_due
from congdong.posts.models import Post, PostState
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

DRAFT = {
    "category": "hoat-dong-mat-tran",
    "title": "Ngày hội Đại đoàn kết toàn dân tộc",
    "body": "<p>Khu dân cư số 3 tổ chức <strong>Ngày hội</strong>.</p><script>x()</script>",
}


def move(client, post_id: int, **body):
    return client.post(
        f"/api/v1/posts/{post_id}/transitions", body, content_type="application/json"
    )


def test_operator_drafts_submits_and_province_approves_and_publishes(personas, pages):
    operator = client_for(personas["kinhbac.canbo"])
    created = operator.post(
        "/api/v1/posts", {**DRAFT, "page_id": pages.kinh_bac.pk}, content_type="application/json"
    )
    assert created.status_code == 201
    post = created.json()
    assert post["state"] == "draft" and "<script>" not in post["body"]
    assert move(operator, post["id"], to="submitted").json()["state"] == "submitted"
    assert move(operator, post["id"], to="approved").status_code == 403  # own post
    admin = client_for(personas["bacninh.quantri"])
    assert move(admin, post["id"], to="approved").json()["state"] == "approved"
    assert move(admin, post["id"], to="published").json()["state"] == "published"
    listed = (
        client_for(personas["hanoi.quantri"])
        .get("/api/v1/posts", {"slug": pages.kinh_bac.slug})
        .json()
    )
    assert [p["id"] for p in listed["items"]] == [post["id"]]
    history = operator.get(f"/api/v1/posts/{post['id']}/history").json()
    assert [h["to_state"] for h in history] == ["draft", "submitted", "approved", "published"]


def test_blocked_phrase_comes_back_with_findings_and_changes_nothing(personas, pages):
    operator = client_for(personas["kinhbac.canbo"])
    body = "<p>Đề nghị bà con chuyen khoan vao tai khoan ca nhan của tôi.</p>"
    post_id = operator.post(
        "/api/v1/posts",
        {**DRAFT, "body": body, "page_id": pages.kinh_bac.pk},
        content_type="application/json",
    ).json()["id"]
    refused = move(operator, post_id, to="submitted")
    assert refused.status_code == 400
    findings = refused.json()["findings"]
    assert any(f["blocking"] and f["field"] == "body" for f in findings)
    assert Post.objects.get(pk=post_id).state == PostState.DRAFT


def test_reject_needs_a_reason_and_scheduling_waits_for_the_worker(personas, pages):
    operator = client_for(personas["kinhbac.canbo"])
    admin = client_for(personas["bacninh.quantri"])
    post_id = operator.post(
        "/api/v1/posts", {**DRAFT, "page_id": pages.kinh_bac.pk}, content_type="application/json"
    ).json()["id"]
    move(operator, post_id, to="submitted")
    assert move(admin, post_id, to="rejected").status_code == 400
    assert move(admin, post_id, to="approved").status_code == 200
    at = timezone.now() + datetime.timedelta(hours=2)
    scheduled = move(admin, post_id, to="published", publish_at=at.isoformat())
    assert scheduled.json()["state"] == "scheduled"
    assert publish_due(timezone.now()) == 0
    assert publish_due(at + datetime.timedelta(seconds=1)) == 1
    assert Post.objects.get(pk=post_id).state == PostState.PUBLISHED


def test_strangers_cannot_write_or_read_history(personas, pages):
    stranger = client_for(personas["hanoi.quantri"])
    denied = stranger.post(
        "/api/v1/posts", {**DRAFT, "page_id": pages.kinh_bac.pk}, content_type="application/json"
    )
    assert denied.status_code == 404  # another province's page: out of scope, no such page
    operator = client_for(personas["kinhbac.canbo"])
    post_id = operator.post(
        "/api/v1/posts", {**DRAFT, "page_id": pages.kinh_bac.pk}, content_type="application/json"
    ).json()["id"]
    assert stranger.get(f"/api/v1/posts/{post_id}/history").status_code == 404
    assert (
        client_for(personas["hanoi.quantri"])
        .put(f"/api/v1/posts/{post_id}", DRAFT, content_type="application/json")
        .status_code
        == 404  # out of scope: the post does not exist for them
    )


def test_regulation_in_force_is_public(client, regulation):
    data = client.get("/api/v1/regulation").json()
    assert data["version"] == 1
    assert len(data["categories"]) == 9
