"""Citizens sign up and log in with a Vietnamese mobile number and a one-time code."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from congdong.accounts.models import AccountKind, PhoneCode, User
from tests.conftest import last_code

pytestmark = pytest.mark.django_db

START, VERIFY, PROFILE = "/cong-dan/", "/cong-dan/xac-minh/", "/cong-dan/ho-so/"


def sent_count(outbox) -> int:
    return len(outbox.read_text(encoding="utf-8").splitlines()) if outbox.exists() else 0


def test_new_citizen_signs_up_with_a_code(client, sms_outbox):
    response = client.post(START, {"phone": "0987 654 321"})
    assert response.status_code == 302 and response.url == VERIFY
    code = last_code(sms_outbox)
    assert client.post(VERIFY, {"code": code}).url == PROFILE
    response = client.post(
        PROFILE,
        {"full_name": "  Trần   Thị Bình ", "date_of_birth": "1995-03-08", "consent": "on"},
    )
    assert response.status_code == 302
    user = User.objects.get(phone="+84987654321")
    assert user.kind == AccountKind.CITIZEN
    assert user.full_name == "Trần Thị Bình"
    assert user.date_of_birth == datetime.date(1995, 3, 8)
    assert not user.has_usable_password()
    assert client.get("/").context["user"] == user


def test_existing_citizen_logs_in_without_the_profile_step(client, sms_outbox, personas):
    client.post(START, {"phone": "+84912345678"})
    response = client.post(VERIFY, {"code": last_code(sms_outbox)})
    assert response.url == "/"
    assert client.get("/").context["user"].phone == "+84912345678"


@pytest.mark.parametrize("phone", ["12345", "0212 345 678", "+1 650 253 0000", "abc", ""])
def test_malformed_numbers_are_refused_and_nothing_is_sent(client, sms_outbox, phone):
    response = client.post(START, {"phone": phone})
    assert response.status_code == 200
    assert response.context["form"].errors["phone"]
    assert sent_count(sms_outbox) == 0
    assert not PhoneCode.objects.exists()


def test_malformed_number_message_is_vietnamese(client, sms_outbox):
    response = client.post(START, {"phone": "12345"}, HTTP_ACCEPT_LANGUAGE="vi")
    assert "số điện thoại di động Việt Nam" in response.content.decode()


def test_wrong_code_counts_tries_and_then_blocks(client, sms_outbox):
    client.post(START, {"phone": "0987654321"})
    right = last_code(sms_outbox)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(5):
        response = client.post(VERIFY, {"code": wrong})
        assert response.status_code == 200 and response.context["form"].errors["code"]
    response = client.post(VERIFY, {"code": right})
    assert response.status_code == 200  # too many wrong tries: even the right code fails now
    assert not User.objects.filter(phone="+84987654321").exists()


def test_expired_code_is_refused(client, sms_outbox):
    client.post(START, {"phone": "0987654321"})
    PhoneCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.post(VERIFY, {"code": last_code(sms_outbox)})
    assert "code" in response.context["form"].errors
    assert PROFILE not in response.get("Location", "")


def test_code_is_single_use(sms_outbox):
    first, second = Client(), Client()
    for c in (first, second):
        c.post(START, {"phone": "0987654321"})
    code = last_code(sms_outbox)  # the newest code; the first one is superseded
    assert second.post(VERIFY, {"code": code}).url == PROFILE
    response = first.post(VERIFY, {"code": code})
    assert response.status_code == 200 and response.context["form"].errors["code"]


def test_five_codes_per_number_per_hour(sms_outbox, settings):
    settings.OTP_MAX_PER_IP_PER_HOUR = 100
    for _ in range(5):
        assert Client().post(START, {"phone": "0987654321"}).status_code == 302
    response = Client().post(START, {"phone": "0987654321"})
    assert response.status_code == 200 and response.context["form"].errors["phone"]
    assert sent_count(sms_outbox) == 5


def test_five_codes_per_address_per_hour(sms_outbox):
    for i in range(5):
        assert Client().post(START, {"phone": f"098765432{i}"}).status_code == 302
    response = Client().post(START, {"phone": "0987654329"})
    assert response.context["form"].errors["phone"]
    assert sent_count(sms_outbox) == 5


def test_only_a_hash_of_the_code_is_stored(client, sms_outbox):
    client.post(START, {"phone": "0987654321"})
    row = PhoneCode.objects.get()
    assert last_code(sms_outbox) not in row.code_hash
    assert len(row.code_hash) == 64


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"full_name": "A", "date_of_birth": "1990-01-01"}, "full_name"),
        ({"full_name": "Nguyễn Văn 3", "date_of_birth": "1990-01-01"}, "full_name"),
        ({"full_name": "Nguyễn Văn Ba", "date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"full_name": "Nguyễn Văn Ba", "date_of_birth": "hôm qua"}, "date_of_birth"),
    ],
)
def test_bad_profile_is_refused_and_creates_nothing(client, sms_outbox, form, field):
    client.post(START, {"phone": "0987654321"})
    client.post(VERIFY, {"code": last_code(sms_outbox)})
    response = client.post(PROFILE, form)
    assert response.status_code == 200 and response.context["form"].errors[field]
    assert not User.objects.filter(phone="+84987654321").exists()


def test_profile_step_needs_a_verified_number(client):
    assert client.get(PROFILE).url == START
    assert client.get(VERIFY).url == START


def test_citizen_cannot_use_the_staff_login(client, personas):
    citizen = User.objects.get(phone="+84912345678")
    citizen.set_password("Mot-mat-khau-dai-2026")
    citizen.save()
    response = client.post(
        "/dang-nhap/", {"username": citizen.username, "password": "Mot-mat-khau-dai-2026"}
    )
    assert response.status_code == 200
    assert not response.context["user"].is_authenticated


def test_citizens_are_kept_out_of_the_staff_workspace(client, sms_outbox, personas):
    client.post(START, {"phone": "0912345678"})
    client.post(VERIFY, {"code": last_code(sms_outbox)})
    assert client.get("/lam-viec/").status_code == 403


def test_a_number_that_signed_up_meanwhile_gets_a_message_not_an_error(client, sms_outbox):
    client.post(START, {"phone": "0987654321"})
    client.post(VERIFY, {"code": last_code(sms_outbox)})
    # Another tab finishes the sign-up for the same number first.
    other = Client()
    other.post(START, {"phone": "0987654321"})
    other.post(VERIFY, {"code": last_code(sms_outbox)})
    assert (
        other.post(
            PROFILE, {"full_name": "Lê Thị Hoa", "date_of_birth": "1990-01-01", "consent": "on"}
        ).status_code
        == 302
    )
    response = client.post(
        PROFILE, {"full_name": "Lê Thị Hoa", "date_of_birth": "1990-01-01", "consent": "on"}
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert User.objects.filter(phone="+84987654321").count() == 1
