"""Staff passwords are hashed with Argon2id; a PBKDF2 hash from before still signs in and is
rehashed with Argon2id on the way (issue 16 §13)."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client

from congdong import settings as project_settings
from congdong_tools.demo.personas import DEMO_PASSWORD

STAFF = "kinhbac.canbo"


@pytest.fixture
def real_hashers(settings):
    # tests/conftest.py swaps in MD5 for speed; these tests are about the real list.
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS


def test_argon2id_comes_first_with_at_least_owasps_minimum_cost(real_hashers):
    from django.contrib.auth.hashers import get_hasher

    hasher = get_hasher()
    assert hasher.algorithm == "argon2"
    assert hasher.memory_cost >= 19 * 1024 and hasher.time_cost >= 2
    assert hasher.parallelism == 1
    assert make_password(DEMO_PASSWORD).startswith("argon2$argon2id$")


def _old_pbkdf2_hash(user) -> None:
    user.password = make_password(DEMO_PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])


@pytest.mark.parametrize("two_step", [False, True], ids=["web-form", "two-step-password-step"])
def test_a_pbkdf2_hash_signs_in_and_is_upgraded_to_argon2id(
    personas, real_hashers, settings, two_step
):
    settings.STAFF_TOTP_REQUIRED = two_step
    user = personas[STAFF]
    _old_pbkdf2_hash(user)
    response = Client().post("/dang-nhap/", {"username": STAFF, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.content.decode()
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(DEMO_PASSWORD)


def test_a_wrong_password_leaves_the_old_hash_alone(personas, real_hashers):
    user = personas[STAFF]
    _old_pbkdf2_hash(user)
    before = user.password
    response = Client().post("/dang-nhap/", {"username": STAFF, "password": "sai-mat-khau-123"})
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.password == before


def test_an_argon2_hash_of_other_parameters_is_rehashed_with_ours(personas, real_hashers):
    from django.contrib.auth.hashers import Argon2PasswordHasher

    user = personas[STAFF]
    user.password = Argon2PasswordHasher().encode(DEMO_PASSWORD, Argon2PasswordHasher().salt())
    user.save(update_fields=["password"])
    assert "m=102400" in user.password  # Django's default cost
    assert (
        Client().post("/dang-nhap/", {"username": STAFF, "password": DEMO_PASSWORD}).status_code
        == 302
    )
    user.refresh_from_db()
    assert "m=19456,t=3,p=1" in user.password
