"""The personal data API: the citizen's consents, copy, correction, deletion and requests (with
a bearer key, as the mobile app calls it), and the officers' queue; bad input is a 4xx with a
message in Vietnamese and changes nothing."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.test import Client

from congdong.accounts.tokens import do_issue_token
from congdong.engagement.models import DigestChoice
from congdong.privacy import actions
from congdong.privacy.models import ConsentPurpose, ConsentRecord, DataRequest, RequestState
from tests.conftest import client_for
from tests.privacy.conftest import BINH_COMMENT

API = "/api/v1/privacy"
TEXT = "Đề nghị cho biết dữ liệu của tôi được lưu ở đâu và trong bao lâu."


def bearer(user) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {do_issue_token(user, 'app').key}"}


def post(client: Client, path: str, body: dict | None = None, **extra):
    return client.post(path, json.dumps(body or {}), content_type="application/json", **extra)


@pytest.mark.django_db
def test_consents_are_listed_and_the_digest_withdrawn_through_the_app(world):
    actions.give_digest(world.an, DigestChoice.SMS)
    auth = bearer(world.an)
    client = Client()
    listed = client.get(f"{API}/consents", **auth).json()
    assert {c["purpose"] for c in listed} == {"account", "feedback", "digest"}
    digest = next(c for c in listed if c["purpose"] == "digest")
    assert digest["withdrawable"] is True
    response = post(client, f"{API}/consents/{digest['id']}/withdraw", **auth)
    assert response.status_code == 200 and response.json()["withdrawn_at"]
    assert ConsentRecord.objects.get(pk=digest["id"]).withdrawn_how == "api"
    # The account's consent: refused with a message, nothing changed.
    account = next(c for c in listed if c["purpose"] == "account")
    refused = post(client, f"{API}/consents/{account['id']}/withdraw", **auth)
    assert refused.status_code == 400 and "tài khoản" in refused.json()["detail"]
    assert ConsentRecord.objects.get(pk=account["id"]).withdrawn_at is None


@pytest.mark.django_db
def test_the_export_returns_the_zip_of_the_callers_data_only(world):
    response = post(Client(), f"{API}/export", **bearer(world.an))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    everything = "".join(archive.read(n).decode() for n in archive.namelist())
    assert world.an.full_name in everything and BINH_COMMENT not in everything
    assert DataRequest.objects.get(citizen=world.an).how == "api"


@pytest.mark.django_db
def test_a_bad_correction_is_a_400_in_vietnamese_and_changes_nothing(world):
    client, auth = Client(), bearer(world.an)
    response = post(
        client,
        f"{API}/profile",
        {"full_name": "Nguyễn Văn 3", "date_of_birth": "1990-05-19"},
        **auth,
    )
    assert response.status_code == 400
    assert response.json()["field"] == "full_name"
    assert "họ và tên" in response.json()["detail"].lower()
    world.an.refresh_from_db()
    assert world.an.full_name == "Nguyễn Văn An"
    ok = post(
        client,
        f"{API}/profile",
        {"full_name": "Nguyễn Văn Ân", "date_of_birth": "1990-05-19"},
        **auth,
    )
    assert ok.status_code == 200 and ok.json()["full_name"] == "Nguyễn Văn Ân"


@pytest.mark.django_db
def test_deletion_needs_the_confirmation_then_de_identifies(world):
    client, auth = Client(), bearer(world.an)
    refused = post(client, f"{API}/account/delete", {"understood": True, "word": "không"}, **auth)
    assert refused.status_code == 400 and refused.json()["field"] == "word"
    assert (
        post(
            client, f"{API}/account/delete", {"understood": True, "word": "XÓA"}, **auth
        ).status_code
        == 204
    )
    world.an.refresh_from_db()
    assert world.an.phone is None and not world.an.is_active
    # The key went with the account.
    assert client.get(f"{API}/requests", **auth).status_code == 401


@pytest.mark.django_db
def test_requests_are_sent_and_listed_by_their_citizen_only(world):
    client = Client()
    made = post(client, f"{API}/requests", {"kind": "object", "text": TEXT}, **bearer(world.an))
    assert made.status_code == 201 and made.json()["state"] == "received"
    bad = post(client, f"{API}/requests", {"kind": "xin", "text": TEXT}, **bearer(world.an))
    assert bad.status_code == 400 and bad.json()["field"] == "kind"
    assert [r["id"] for r in client.get(f"{API}/requests", **bearer(world.an)).json()] == [
        made.json()["id"]
    ]
    assert client.get(f"{API}/requests", **bearer(world.binh)).json() == []
    assert client.get(f"{API}/requests").status_code == 401


@pytest.mark.django_db
def test_officers_of_the_central_unit_list_and_answer_others_get_nothing(world):
    item = actions.submit(world.an, "access", TEXT)
    central = client_for(world.central_dpo)
    listed = central.get(f"{API}/staff/requests?open_only=true").json()
    assert [r["id"] for r in listed["items"]] == [item.pk]
    assert listed["items"][0]["citizen_name"] == "Nguyễn Văn An"
    province = client_for(world.province_dpo)
    assert province.get(f"{API}/staff/requests").json() == {"count": 0, "items": []}
    assert province.get(f"{API}/staff/requests/{item.pk}").status_code == 404
    assert (
        post(
            province, f"{API}/staff/requests/{item.pk}/answer", {"answer": "Đã xử lý xong."}
        ).status_code
        == 404
    )
    empty = post(central, f"{API}/staff/requests/{item.pk}/answer", {"answer": ""})
    assert empty.status_code == 400 and empty.json()["field"] == "answer"
    done = post(
        central,
        f"{API}/staff/requests/{item.pk}/answer",
        {"answer": "Dữ liệu lưu tại máy chủ trong nước."},
    )
    assert done.status_code == 200 and done.json()["state"] == RequestState.ANSWERED
    detail = central.get(f"{API}/staff/requests/{item.pk}").json()
    assert [h["to_state"] for h in detail["history"]] == ["received", "answered"]


@pytest.mark.django_db
def test_staff_get_a_clear_refusal_on_citizen_endpoints(world):
    response = client_for(world.central_dpo).get(f"{API}/consents")
    assert response.status_code == 403
    assert ConsentPurpose.ACCOUNT  # the enum is importable for clients of the schema
