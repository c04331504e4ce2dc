"""Setting up and turning off two-step sign-in (issue 7 §5, optional TOTP for staff)."""

from __future__ import annotations

import pyotp
import pytest
from django.test import Client

from congdong.accounts.models import User
from congdong.twofactor.models import Authenticator, RecoveryCode
from congdong_tools.demo.personas import CITIZEN, DEMO_PASSWORD
from tests.conftest import client_for
from tests.twofactor.conftest import (
    CONFIRM,
    DISABLE,
    RECOVERY,
    SETTINGS,
    START,
    WORKSPACE,
    enrol,
    password_step,
    shown_secret,
    signed_in,
)

pytestmark = pytest.mark.django_db


def test_the_workspace_links_to_two_step_sign_in(staff):
    assert SETTINGS in client_for(staff).get(WORKSPACE).content.decode()


def test_staff_enrol_with_a_qr_code_and_get_ten_recovery_codes(staff):
    client = client_for(staff)
    assert "Thiết lập đăng nhập hai bước" in client.get(SETTINGS).content.decode()
    client.post(START)
    page = client.get(SETTINGS).content.decode()
    # The QR code is inline SVG markup: no data: address, no inline style (CSP).
    assert '<svg width="' in page and 'class="qr"' in page and "style=" not in page
    secret = shown_secret(client)
    auth = Authenticator.objects.get(user=staff)
    assert auth.confirmed_at is None
    assert secret not in auth.sealed_secret  # encrypted at rest

    response = client.post(CONFIRM, {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    codes = response.context["codes"]
    assert len(codes) == len(set(codes)) == 10
    stored = set(RecoveryCode.objects.filter(user=staff).values_list("digest", flat=True))
    assert len(stored) == 10 and not stored & {c.replace("-", "") for c in codes}  # only hashes
    auth.refresh_from_db()
    assert auth.confirmed_at is not None
    page = client.get(SETTINGS).content.decode()
    assert "Đã bật đăng nhập hai bước" in page
    assert secret not in page.replace(" ", "")  # never shown again


def test_a_wrong_code_does_not_turn_it_on(staff):
    client = client_for(staff)
    client.post(START)
    secret = shown_secret(client)
    wrong = f"{(int(pyotp.TOTP(secret).now()) + 1) % 1_000_000:06d}"
    response = client.post(CONFIRM, {"code": wrong})
    assert response.status_code == 400
    assert "Mã không đúng" in response.content.decode()
    assert not Authenticator.objects.filter(user=staff, confirmed_at__isnull=False).exists()
    assert not RecoveryCode.objects.filter(user=staff).exists()
    response = client.post(CONFIRM, {"code": "abc"})
    assert response.status_code == 400
    assert "Nhập mã 6 chữ số" in response.content.decode()


def test_new_recovery_codes_replace_the_old_ones(staff):
    client = client_for(staff)
    enrolled = enrol(client)
    response = client.post(RECOVERY, {"recovery-code": enrolled.code(1)})
    assert response.status_code == 200
    new = response.context["codes"]
    assert len(new) == 10 and not set(new) & set(enrolled.recovery_codes)
    assert RecoveryCode.objects.filter(user=staff).count() == 10


def test_turning_off_needs_the_password_and_a_code(staff):
    client = client_for(staff)
    enrolled = enrol(client)
    response = client.post(DISABLE, {"off-password": "wrong", "off-code": enrolled.code(1)})
    assert response.status_code == 400
    assert "Mật khẩu không đúng" in response.content.decode()
    response = client.post(DISABLE, {"off-password": DEMO_PASSWORD, "off-code": "000000"})
    assert response.status_code == 400
    assert Authenticator.objects.filter(user=staff).exists()

    response = client.post(DISABLE, {"off-password": DEMO_PASSWORD, "off-code": enrolled.code(1)})
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=staff).exists()
    assert not RecoveryCode.objects.filter(user=staff).exists()
    # Signing in is one step again.
    fresh = Client()
    assert password_step(fresh)["Location"] == WORKSPACE and signed_in(fresh)


def test_citizens_have_no_two_step_settings(personas):
    citizen = User.objects.get(phone=CITIZEN["phone"])
    assert client_for(citizen).get(SETTINGS).status_code == 403
