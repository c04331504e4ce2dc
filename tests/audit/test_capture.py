"""Staff writes are recorded by the middleware, through the web and the API (bearer key):
who, what, which object, which unit, from which address, and the outcome. Citizens' actions,
reads and sign-in pages are not actions of staff."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from congdong.accounts.tokens import do_issue_token
from congdong.audit.models import Action, AuditEntry, Outcome, Via
from congdong.takedown.models import TakedownRequest
from tests.conftest import DEMO_PASSWORD, client_for
from tests.takedown.conftest import fields, record

pytestmark = pytest.mark.django_db
LIST = "/lam-viec/yeu-cau-go-bo/"


def writes():
    """Rows of requests, not of signing in (the test client's force_login is a sign-in)."""
    return AuditEntry.objects.exclude(action=Action.LOGIN)


def test_a_refusal_through_the_web_names_actor_object_unit_and_address(world):
    item = record(world.commune_mod, world.comment)
    assert not AuditEntry.objects.exists()  # an action called in code is not a request
    client = client_for(world.commune_mod)
    response = client.post(
        f"{LIST}{item.pk}/tu-choi/", {"reason": "Không vi phạm"}, REMOTE_ADDR="203.0.113.7"
    )
    assert response.status_code == 302
    entry = writes().get()
    assert entry.actor == world.commune_mod and "kinhbac.kiemduyet" in entry.actor_name
    assert (entry.action, entry.method, entry.via) == ("takedown:refuse", "POST", Via.WEB)
    assert (entry.object_type, entry.object_id) == ("takedownrequest", str(item.pk))
    assert entry.object_text == item.reference
    assert entry.unit_path == world.kinh_bac.unit.path
    assert entry.unit_name == "Phường Kinh Bắc"
    assert (entry.ip, entry.status, entry.outcome) == ("203.0.113.7", 302, Outcome.DONE)


def test_bad_input_is_recorded_as_refused(world):
    item = record(world.commune_mod, world.comment)
    client_for(world.commune_mod).post(f"{LIST}{item.pk}/tu-choi/", {"reason": ""})
    entry = writes().get()
    assert (entry.status, entry.outcome) == (400, Outcome.REFUSED)


def test_a_form_that_creates_is_filed_under_the_object_it_redirects_to(world):
    client = client_for(world.province_mod)
    data = {k: v for k, v in fields("comment", world.comment.pk).items() if v is not None}
    assert client.post(LIST + "tiep-nhan/", data).status_code == 302
    item = TakedownRequest.objects.get()
    entry = writes().get()
    assert (entry.action, entry.object_id) == ("takedown:intake", str(item.pk))
    # The content is on the commune's page: the commune's own readers see the row too.
    assert entry.unit_path == world.kinh_bac.unit.path


def test_an_api_action_with_a_bearer_key_is_recorded_as_api(world):
    item = record(world.commune_mod, world.comment)
    key = do_issue_token(world.province_mod, "điện thoại").key
    response = Client().post(
        f"/api/v1/takedown/requests/{item.pk}/refuse",
        {"reason": "Nội dung không vi phạm pháp luật"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 200
    entry = writes().get()
    assert entry.via == Via.API and entry.actor == world.province_mod
    assert entry.action == "api:takedown/requests/<request_id>/refuse"
    assert (entry.object_id, entry.unit_path) == (str(item.pk), world.kinh_bac.unit.path)


def test_a_citizens_actions_are_not_staff_actions(world):
    client = client_for(world.author)
    client.post(f"/api/v1/posts/{world.post.pk}/comments", {"body": "Cảm ơn"}, "application/json")
    key = do_issue_token(world.author).key
    Client().post(
        f"/api/v1/posts/{world.post.pk}/reactions",
        {"kind": "like"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert not writes().exists()


def test_reading_is_not_recorded_and_costs_the_log_no_query(world):
    client = client_for(world.province_mod)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST).status_code == 200
    assert not any("audit_" in q["sql"] for q in queries.captured_queries)
    assert not writes().exists()


def test_staff_sign_in_failure_and_sign_out_are_recorded(personas):
    client = Client()
    client.post("/dang-nhap/", {"username": "bacninh.quantri", "password": "sai-mat-khau"})
    client.post("/dang-nhap/", {"username": "khong.ton.tai", "password": "sai-mat-khau"})
    client.post("/dang-nhap/", {"username": "bacninh.quantri", "password": DEMO_PASSWORD})
    client.post("/dang-xuat/")
    rows = list(AuditEntry.objects.order_by("pk"))
    assert [r.action for r in rows] == [
        Action.LOGIN_FAILED,
        Action.LOGIN_FAILED,
        Action.LOGIN,
        Action.LOGOUT,
    ]
    admin = personas["bacninh.quantri"]
    province_path = admin.memberships.get().unit.path
    # A failure against a known account is filed under its unit; an unknown name under none.
    assert (rows[0].actor, rows[0].unit_path, rows[0].outcome) == (
        admin,
        province_path,
        Outcome.REFUSED,
    )
    assert (rows[1].actor, rows[1].actor_name, rows[1].unit_path) == (None, "khong.ton.tai", "")
    assert {rows[2].unit_path, rows[3].unit_path} == {province_path}
    assert rows[2].ip == "127.0.0.1"
