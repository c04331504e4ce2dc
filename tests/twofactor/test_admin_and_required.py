"""The Django admin signs in through the staff sign-in; CONGDONG_STAFF_TOTP_REQUIRED."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import client_for
from tests.twofactor.conftest import CODE, LOGIN, SETTINGS, WORKSPACE, enrol, password_step

pytestmark = pytest.mark.django_db


def test_the_admin_login_form_is_the_staff_sign_in(personas):
    client = Client()
    response = client.get("/admin/", follow=False)
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response["Location"] == f"{LOGIN}?next=%2Fadmin%2F"
    # Django's own form, which knows nothing of the code, is never reached by a POST either.
    response = client.post("/admin/login/", {"username": "admin", "password": "x"})
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session


def test_an_admin_with_two_step_needs_the_code_for_the_admin(personas):
    enrolled = enrol(client_for(personas["admin"]))
    client = Client()
    response = password_step(client, username="admin", next="/admin/")
    assert response["Location"] == CODE
    assert client.get("/admin/").status_code == 302  # not yet
    response = client.post(CODE, {"code": enrolled.code(1)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_required_mode_sends_staff_to_enrol_before_anything_else(staff, settings):
    settings.STAFF_TOTP_REQUIRED = True
    client = Client()
    assert password_step(client).status_code == 302
    response = client.get(WORKSPACE)
    assert response.status_code == 302 and response["Location"] == SETTINGS
    assert client.get("/admin/")["Location"] == SETTINGS
    response = client.get("/api/v1/me")
    assert response.status_code == 403
    assert "đăng nhập hai bước" in response.json()["detail"]
    page = client.get(SETTINGS).content.decode()
    assert "phải dùng đăng nhập hai bước" in page
    enrol(client)
    assert client.get(WORKSPACE).status_code == 200


def test_without_required_mode_staff_work_without_it(staff):
    client = Client()
    password_step(client)
    assert client.get(WORKSPACE).status_code == 200


def test_required_mode_leaves_citizens_alone(personas, settings):
    from congdong.accounts.models import User
    from congdong_tools.demo.personas import CITIZEN

    settings.STAFF_TOTP_REQUIRED = True
    citizen = User.objects.get(phone=CITIZEN["phone"])
    assert client_for(citizen).get("/").status_code == 200
