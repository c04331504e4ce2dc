"""The staff screens and the API: record with clear Vietnamese refusals, the list with the
time left, mark notified, close; each staff write lands in the audit log of the unit."""

from __future__ import annotations

import pytest
from django.utils import timezone

from congdong.accounts.tokens import do_issue_token
from congdong.audit.models import AuditEntry, Via
from congdong.breaches.models import Breach, BreachState
from tests.breaches.conftest import DESCRIPTION
from tests.conftest import client_for, post_json

pytestmark = pytest.mark.django_db
LIST = "/lam-viec/su-co-du-lieu/"
S = BreachState


def form(world, **change) -> dict:
    data = {
        "unit_id": world.kinh_bac.pk,
        "discovered_at": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
        "occurred_at": "",
        "description": DESCRIPTION,
        "data_categories": "Họ và tên, số điện thoại",
        "subjects_count": "1250",
        "consequences": "Có thể bị lừa đảo qua điện thoại.",
        "measures": "Đã xóa tệp khỏi nhóm.",
        "contact": "Nguyễn Văn Bảo, 0912 000 111",
    }
    return data | change


def test_a_commune_officer_records_notifies_and_closes_through_the_screens(world):
    client = client_for(world.commune_dpo)
    page = client.get(LIST + "ghi-nhan/").content.decode()
    assert "Phường Kinh Bắc" in page
    response = client.post(LIST + "ghi-nhan/", form(world))
    item = Breach.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{LIST}{item.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert (
        DESCRIPTION in detail and "còn 2 ngày 23 giờ" in detail
    )  # 71 h left, in words (core.durations)
    assert f'data-id="{item.pk}"' in client.get(LIST).content.decode()
    response = client.post(f"{LIST}{item.pk}/da-thong-bao/", {"reference": "15/TB-MTTQ"})
    assert response.status_code == 302 and Breach.objects.get().state == S.NOTIFIED
    response = client.post(f"{LIST}{item.pk}/dong/", {"note": "Đã khắc phục xong."})
    assert response.status_code == 302 and Breach.objects.get().state == S.CLOSED
    rows = AuditEntry.objects.exclude(action="login").order_by("pk")
    assert [r.action for r in rows] == ["breaches:new", "breaches:notify", "breaches:close"]
    assert {r.unit_path for r in rows} == {world.kinh_bac.path}
    assert {r.object_id for r in rows} == {str(item.pk)}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"description": ""}, "Mô tả sự việc"),
        ({"discovered_at": "32/13/2026 25:00"}, "ngày/tháng/năm giờ:phút"),
        ({"unit_id": "999999"}, "Chọn đơn vị xảy ra vi phạm"),
    ],
)
def test_bad_input_in_the_form_is_explained_in_vietnamese(world, change, message):
    response = client_for(world.commune_dpo).post(LIST + "ghi-nhan/", form(world, **change))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Breach.objects.exists()


def test_the_api_records_reads_and_moves_a_breach(world):
    key = do_issue_token(world.province_admin, "máy tính bảng").key
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    from django.test import Client

    api = Client()
    body = {k: v for k, v in form(world).items() if k not in ("discovered_at", "occurred_at")}
    body["subjects_count"] = 1250
    created = post_json(api, "/api/v1/breaches", body, **auth)
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["state"] == S.RECORDED and data["overdue"] is False
    assert 4310 <= data["minutes_left"] <= 4320
    detail = api.get(f"/api/v1/breaches/{data['id']}", **auth).json()
    assert "Kính gửi: Cục An ninh mạng" in detail["notice_text"]
    refused = post_json(api, f"/api/v1/breaches/{data['id']}/notified", {"reference": ""}, **auth)
    assert refused.status_code == 400 and refused.json()["field"] == "reference"
    moved = post_json(
        api, f"/api/v1/breaches/{data['id']}/notified", {"reference": "15/TB-MTTQ"}, **auth
    )
    assert moved.json()["state"] == S.NOTIFIED
    rows = AuditEntry.objects.filter(via=Via.API).order_by("pk")
    assert [r.action for r in rows] == [
        "api:breaches",
        "api:breaches/<breach_id>/notified",
        "api:breaches/<breach_id>/notified",
    ]
    assert [r.outcome for r in rows] == ["done", "refused", "done"]
    # Created through the API: no object in the address, so filed under the actor's province.
    assert rows[0].unit_path == world.bac_ninh.path
    assert {r.unit_path for r in rows[1:]} == {world.kinh_bac.path}
