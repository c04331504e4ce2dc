"""The staff screens and the API: intake with clear Vietnamese refusals, the list with time left
or late in hours, the request's screen, acting and refusing."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from congdong.engagement.models import CommentState
from congdong.takedown.models import TakedownRequest, TakedownState
from tests.conftest import client_for, post_json
from tests.takedown.conftest import AUTHORITY, BASIS, COMMENT_TEXT, fields, record

pytestmark = pytest.mark.django_db
S = TakedownState
H = datetime.timedelta(hours=1)
LIST = "/lam-viec/yeu-cau-go-bo/"


def form(world, **change) -> dict:
    data = fields("comment", world.comment.pk) | change
    return {k: ("" if v is None else v) for k, v in data.items()}


def test_the_province_admin_records_a_request_through_the_form(world):
    admin = world.people["bacninh.quantri"]
    client = client_for(admin)
    assert client.get(LIST + "tiep-nhan/").status_code == 200
    response = client.post(LIST + "tiep-nhan/", form(world))
    item = TakedownRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{LIST}{item.pk}/"
    assert (item.authority, item.legal_basis, item.recorded_by) == (AUTHORITY, BASIS, admin)
    detail = client.get(response["Location"]).content.decode()
    assert COMMENT_TEXT in detail
    assert "Thời gian còn lại" in detail and "còn 23 giờ" in detail


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"legal_basis": ""}, "Vui lòng nhập căn cứ pháp lý"),
        ({"target_id": "999999"}, "Không tìm thấy bình luận số 999999"),
        ({"target_id": "abc"}, "chỉ gồm chữ số"),
    ],
)
def test_bad_input_in_the_form_is_explained_in_vietnamese(world, change, message):
    response = client_for(world.commune_mod).post(LIST + "tiep-nhan/", form(world, **change))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert TakedownRequest.objects.count() == 0


def test_content_of_another_commune_is_refused_with_its_unit_named(world):
    response = client_for(world.sibling_mod).post(LIST + "tiep-nhan/", form(world))
    assert response.status_code == 400
    page = response.content.decode()
    assert "ngoài phạm vi các đơn vị bạn phụ trách" in page
    assert world.kinh_bac.unit.full_name in page
    assert TakedownRequest.objects.count() == 0


def test_the_list_shows_time_left_and_lateness_in_hours_not_only_colour(world):
    now = timezone.now()
    late = record(
        world.commune_mod, world.comment, now=now - 27 * H - 10 * datetime.timedelta(minutes=1)
    )
    fresh = record(world.commune_mod, world.post, now=now - 4 * H)
    page = client_for(world.province_mod).get(LIST).content.decode()
    assert "quá hạn 3 giờ" in page  # received 27 h 10 min ago: 3 h past the 24
    assert "còn 19 giờ" in page or "còn 20 giờ" in page
    assert "1 yêu cầu quá hạn" in page
    # Undecided, nearest deadline first: the late one first.
    assert page.index(f'data-id="{late.pk}"') < page.index(f'data-id="{fresh.pk}"')


def test_acting_on_the_screen_hides_the_comment_for_visitors(world):
    item = record(world.province_mod, world.comment)
    client = client_for(world.province_mod)
    bad = client.post(f"{LIST}{item.pk}/go-bo/", {"note": ""})
    assert bad.status_code == 400 and "ghi rõ biện pháp" in bad.content.decode()
    ok = client.post(f"{LIST}{item.pk}/go-bo/", {"note": "Đã ẩn bình luận vi phạm."})
    assert ok.status_code == 302
    world.comment.refresh_from_db()
    assert world.comment.state == CommentState.HIDDEN
    public = Client().get(f"/trang/{world.kinh_bac.slug}/tin/{world.post.pk}/").content.decode()
    assert COMMENT_TEXT not in public
    detail = client.get(f"{LIST}{item.pk}/").content.decode()
    assert "Đã ẩn bình luận khỏi trang" in detail and "Gỡ bỏ nội dung" not in detail


def test_refusing_on_the_screen_needs_the_legal_reason(world):
    item = record(world.commune_mod, world.comment)
    client = client_for(world.commune_mod)
    assert client.post(f"{LIST}{item.pk}/tu-choi/", {"reason": ""}).status_code == 400
    reason = "Bình luận là góp ý hợp pháp của công dân, không vi phạm Điều 23."
    assert client.post(f"{LIST}{item.pk}/tu-choi/", {"reason": reason}).status_code == 302
    assert TakedownRequest.objects.get(pk=item.pk).state == S.REFUSED


def test_the_workspace_links_to_the_requests_with_the_overdue_count(world):
    record(world.commune_mod, world.comment, now=timezone.now() - 30 * H)
    page = client_for(world.province_mod).get("/lam-viec/").content.decode()
    assert 'id="takedown-work"' in page and "1 quá hạn" in page


# --- API --------------------------------------------------------------------------------------

API = "/api/v1/takedown/requests"


def test_the_api_records_lists_and_acts(world):
    client = client_for(world.commune_mod)
    created = post_json(client, API, fields("comment", world.comment.pk))
    assert created.status_code == 201
    body = created.json()
    assert body["state"] == "received" and body["overdue"] is False
    assert 23 * 60 <= body["minutes_left"] <= 24 * 60
    listed = client.get(API).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == body["id"]
    detail = client.get(f"{API}/{body['id']}").json()
    assert [h["to_state"] for h in detail["history"]] == ["received"]
    acted = post_json(client, f"{API}/{body['id']}/act", {"note": "Đã ẩn bình luận."})
    assert acted.status_code == 200 and acted.json()["state"] == "actioned"
    world.comment.refresh_from_db()
    assert world.comment.state == CommentState.HIDDEN
    again = post_json(client, f"{API}/{body['id']}/refuse", {"reason": "Không có căn cứ"})
    assert again.status_code == 400 and again.json()["field"] == "state"


@pytest.mark.parametrize(
    ("change", "field", "status"),
    [
        ({"legal_basis": ""}, "legal_basis", 400),
        ({"target_id": 999999}, "target_id", 400),
    ],
)
def test_the_api_refuses_bad_input_with_detail_and_field(world, change, field, status):
    client = client_for(world.commune_mod)
    response = post_json(client, API, fields("comment", world.comment.pk) | change)
    assert response.status_code == status
    assert response.json()["field"] == field and response.json()["detail"]
    assert TakedownRequest.objects.count() == 0


def test_the_api_refuses_content_outside_ones_units_with_403(world):
    response = post_json(client_for(world.hanoi_mod), API, fields("comment", world.comment.pk))
    assert response.status_code == 403
    assert "ngoài phạm vi" in response.json()["detail"]


def test_the_api_refuses_with_the_legal_reason(world):
    item = record(world.commune_mod, world.comment)
    client = client_for(world.province_mod)
    response = post_json(client, f"{API}/{item.pk}/refuse", {"reason": "Nội dung hợp pháp."})
    assert response.status_code == 200 and response.json()["refuse_reason"] == "Nội dung hợp pháp."


def test_the_list_costs_the_same_queries_for_two_or_eight_requests(world):
    client = client_for(world.province_mod)

    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    for _ in range(2):
        record(world.commune_mod, world.comment)
    two = cost()
    for _ in range(6):
        record(world.commune_mod, world.post)
    assert cost() == two
