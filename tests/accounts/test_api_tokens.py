"""Mobile apps sign citizens in by phone through the API and act with a bearer token."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from congdong.accounts.models import AccountKind, ApiToken, User
from congdong.accounts.tokens import hash_key
from congdong.privacy.models import Channel, ConsentPurpose, ConsentRecord
from tests.conftest import client_for, last_code

pytestmark = pytest.mark.django_db

START, VERIFY = "/api/v1/auth/phone/start", "/api/v1/auth/phone/verify"
LOGOUT, ME = "/api/v1/auth/logout", "/api/v1/me"
CITIZEN_PHONE = "+84912345678"  # the demo citizen


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def api_login(client: Client, outbox, phone: str, **profile) -> dict:
    assert client.post(START, {"phone": phone}, content_type="application/json").status_code == 200
    data = {"phone": phone, "code": last_code(outbox), **profile}
    response = client.post(VERIFY, data, content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_known_citizen_gets_a_token_that_opens_me(client, sms_outbox, personas):
    answer = api_login(client, sms_outbox, "0912 345 678")
    assert answer["user"]["kind"] == AccountKind.CITIZEN
    response = Client().get(ME, headers=bearer(answer["token"]))
    assert response.status_code == 200
    assert response.json()["username"] == User.objects.get(phone=CITIZEN_PHONE).username


def test_only_the_hash_of_the_key_is_stored(client, sms_outbox, personas):
    key = api_login(client, sms_outbox, CITIZEN_PHONE, device="Pixel 7")["token"]
    token = ApiToken.objects.get()
    assert token.key_hash == hash_key(key) != key
    assert token.name == "Pixel 7"
    assert not ApiToken.objects.filter(key_hash=key).exists()


def test_a_new_number_signs_up_with_name_and_birth_date(client, sms_outbox):
    client.post(START, {"phone": "0987 654 321"}, content_type="application/json")
    code = last_code(sms_outbox)
    # Without the profile the code is kept: the app asks for it and sends the same code again.
    response = client.post(
        VERIFY, {"phone": "0987654321", "code": code}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "full_name"
    assert not User.objects.filter(phone="+84987654321").exists()
    profile = {
        "phone": "0987654321",
        "code": code,
        "full_name": "Trần Thị Bình",
        "date_of_birth": "1995-03-08",
    }
    # Without consent to the privacy policy there is no account either, and the code is kept.
    response = client.post(VERIFY, profile, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["field"] == "consent"
    assert not User.objects.filter(phone="+84987654321").exists()
    response = client.post(VERIFY, {**profile, "consent": True}, content_type="application/json")
    assert response.status_code == 200
    user = User.objects.get(phone="+84987654321")
    assert user.kind == AccountKind.CITIZEN and user.phone_verified_at is not None
    assert user.full_name == "Trần Thị Bình"
    assert Client().get(ME, headers=bearer(response.json()["token"])).status_code == 200
    consent = ConsentRecord.objects.get(user=user)
    assert consent.purpose == ConsentPurpose.ACCOUNT and consent.how == Channel.API
    assert consent.policy_version == settings.PRIVACY_POLICY_VERSION


def test_a_wrong_code_is_refused_in_vietnamese_unless_english_is_asked(
    client, sms_outbox, personas
):
    client.post(START, {"phone": CITIZEN_PHONE}, content_type="application/json")
    wrong = "000000" if last_code(sms_outbox) != "000000" else "111111"
    data = {"phone": CITIZEN_PHONE, "code": wrong}
    response = client.post(VERIFY, data, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["field"] == "code"
    assert response.json()["detail"].startswith("Mã không đúng")
    response = client.post(
        VERIFY, data, content_type="application/json", headers={"Accept-Language": "en"}
    )
    assert response.json()["detail"].startswith("Wrong code")
    assert not ApiToken.objects.exists()


def test_a_malformed_number_is_refused_and_nothing_is_sent(client, sms_outbox):
    response = client.post(START, {"phone": "12345"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["field"] == "phone"
    assert not sms_outbox.exists()


def test_too_many_codes_to_one_number_are_refused_with_429(client, sms_outbox, settings):
    settings.OTP_MAX_PER_PHONE_PER_HOUR = 2
    for _ in range(2):
        client.post(START, {"phone": "0987654321"}, content_type="application/json")
    response = client.post(START, {"phone": "0987654321"}, content_type="application/json")
    assert response.status_code == 429
    assert response.json()["field"] == "phone"
    # The oldest code leaves the hour's window in about an hour: the client is told when.
    assert 3500 <= int(response["Retry-After"]) <= 3601


def test_logout_revokes_the_token_in_use(client, sms_outbox, personas):
    key = api_login(client, sms_outbox, CITIZEN_PHONE)["token"]
    app = Client()
    assert app.post(LOGOUT, headers=bearer(key)).status_code == 204
    assert ApiToken.objects.get().revoked_at is not None
    assert app.get(ME, headers=bearer(key)).status_code == 401
    assert app.post(LOGOUT, headers=bearer(key)).status_code == 401


def test_an_unknown_key_or_a_locked_account_gets_401(client, sms_outbox, personas):
    assert Client().get(ME, headers=bearer("not-a-key")).status_code == 401
    key = api_login(client, sms_outbox, CITIZEN_PHONE)["token"]
    User.objects.filter(phone=CITIZEN_PHONE).update(is_active=False)
    assert Client().get(ME, headers=bearer(key)).status_code == 401


def test_the_web_session_still_opens_me(personas):
    response = client_for(personas["kinhbac.canbo"]).get(ME)
    assert response.status_code == 200
    assert response.json()["memberships"]
    assert Client().get(ME).status_code == 401


def test_use_of_a_token_is_noted_without_a_write_per_request(client, sms_outbox, personas):
    key = api_login(client, sms_outbox, CITIZEN_PHONE)["token"]
    Client().get(ME, headers=bearer(key))
    first = ApiToken.objects.get().last_used_at
    assert first is not None and first <= timezone.now()
    Client().get(ME, headers=bearer(key))
    assert ApiToken.objects.get().last_used_at == first
