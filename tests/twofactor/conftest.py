"""Helpers for two-step sign-in: enrol through the pages, and codes computed like a phone."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import pyotp
import pytest
from django.conf import settings
from django.test import Client

from congdong.accounts.models import User
from congdong_tools.demo.personas import DEMO_PASSWORD

LOGIN, CODE, WORKSPACE = "/dang-nhap/", "/dang-nhap/ma-xac-thuc/", "/lam-viec/"
SETTINGS = "/lam-viec/dang-nhap-hai-buoc/"
START, CONFIRM = SETTINGS + "bat-dau/", SETTINGS + "xac-nhan/"
RECOVERY, DISABLE = SETTINGS + "ma-du-phong/", SETTINGS + "tat/"
STAFF = "kinhbac.canbo"


@dataclass
class Enrolled:
    secret: str
    recovery_codes: list[str]

    def code(self, steps_ahead: int = 0) -> str:
        """The code the phone shows now, or `steps_ahead` 30-second steps later (within the
        one step of clock drift the server accepts)."""
        return pyotp.TOTP(self.secret).at(time.time() + 30 * steps_ahead)


def shown_secret(client: Client) -> str:
    html = client.get(SETTINGS).content.decode()
    found = re.search(r'id="twofactor-secret">([A-Z2-7 ]+)<', html)
    assert found, "the key is shown while setting up"
    return found.group(1).replace(" ", "")


def enrol(client: Client) -> Enrolled:
    """Set two-step sign-in up through the pages, as a staff member would."""
    assert client.post(START).status_code == 302
    secret = shown_secret(client)
    response = client.post(CONFIRM, {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200, response.content.decode()
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", response.content.decode())
    return Enrolled(secret, codes)


def password_step(client: Client, username: str = STAFF, **extra):
    return client.post(LOGIN, {"username": username, "password": DEMO_PASSWORD, **extra})


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def session_key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture
def staff(personas) -> User:
    return personas[STAFF]


@pytest.fixture
def enrolled(staff) -> Enrolled:
    """kinhbac.canbo with two-step sign-in on, enrolled from a session that is then closed."""
    client = Client()
    client.force_login(staff)
    return enrol(client)
