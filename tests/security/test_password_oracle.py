"""Issue 15 §7: the password-change form was an unlimited password oracle.

Whoever found a staff session open could try old passwords on `/doi-mat-khau/` without limit.
Now each try counts like a sign-in try (before the comparison, atomically, so parallel guesses
get no more than the limit — tests/core/test_rate_limits.py; a right one is given back), and
with two-step sign-in on a code from the app is asked as well.
"""

from __future__ import annotations

import pytest
from django.test import Client

from congdong_tools.demo.personas import DEMO_PASSWORD
from tests.twofactor.conftest import LOGIN, enrol

CHANGE = "/doi-mat-khau/"
STAFF = "kinhbac.canbo"
NEW = "Mat-khau-moi-2026!"
OFFICE = "203.0.113.50"


def change(client: Client, old: str, **extra):
    data = {"old_password": old, "new_password1": NEW, "new_password2": NEW, **extra}
    return client.post(CHANGE, data)


@pytest.fixture
def session(personas) -> Client:
    """A staff session left open on a shared computer."""
    client = Client(REMOTE_ADDR=OFFICE)
    client.force_login(personas[STAFF])
    return client


@pytest.mark.django_db
def test_wrong_old_passwords_are_limited_then_even_the_right_one_is_refused(session, personas):
    for attempt in range(5):
        response = change(session, f"doan-sai-{attempt}")
        assert response.status_code == 400
    response = change(session, DEMO_PASSWORD)
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "Quá nhiều lần đăng nhập sai" in response.content.decode()
    personas[STAFF].refresh_from_db()
    assert personas[STAFF].check_password(DEMO_PASSWORD)


@pytest.mark.django_db
def test_old_password_tries_and_sign_in_tries_share_one_count(session):
    for attempt in range(5):
        change(session, f"doan-sai-{attempt}")
    response = Client().post(
        LOGIN, {"username": STAFF, "password": DEMO_PASSWORD}, REMOTE_ADDR=OFFICE
    )
    assert response.status_code == 429


@pytest.mark.django_db
def test_a_right_old_password_is_not_a_failure(session, personas, settings):
    settings.LOGIN_FAILURES_LIMIT = 1
    # A mismatch in the new password: the old one was right and is given back.
    for _ in range(3):
        response = change(session, DEMO_PASSWORD, new_password2="khac-han")
        assert response.status_code == 400
    assert change(session, DEMO_PASSWORD).status_code == 302
    personas[STAFF].refresh_from_db()
    assert personas[STAFF].check_password(NEW)


@pytest.mark.django_db
def test_with_two_step_sign_in_on_the_change_needs_a_code(session, personas):
    enrolled = enrol(session)
    response = change(session, DEMO_PASSWORD)
    assert response.status_code == 400
    assert 'id="id_code_error"' in response.content.decode()
    personas[STAFF].refresh_from_db()
    assert personas[STAFF].check_password(DEMO_PASSWORD)
    response = change(session, DEMO_PASSWORD, code="000000")
    assert response.status_code == 400
    assert "Mã không đúng" in response.content.decode()
    personas[STAFF].refresh_from_db()
    assert personas[STAFF].check_password(DEMO_PASSWORD)
    assert change(session, DEMO_PASSWORD, code=enrolled.code(1)).status_code == 302
    personas[STAFF].refresh_from_db()
    assert personas[STAFF].check_password(NEW)
