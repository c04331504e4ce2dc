"""Sessions (issue 7 §5): a new session key at every login (no session fixation), and staff are
signed out after STAFF_IDLE_MINUTES without a request while citizens are not."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.test import Client
from django.utils.module_loading import import_string

from congdong.core.security import LAST_SEEN
from congdong_tools.demo.personas import CITIZEN, DEMO_PASSWORD
from tests.conftest import last_code

pytestmark = pytest.mark.django_db

LOGIN, WORKSPACE = "/dang-nhap/", "/lam-viec/"
START, VERIFY, PROFILE = "/cong-dan/", "/cong-dan/xac-minh/", "/cong-dan/ho-so/"


def session_key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def session_exists(key: str) -> bool:
    store: type[SessionBase] = import_string(settings.SESSION_ENGINE + ".SessionStore")
    return store().exists(key)


def planted_session(client: Client) -> str:
    """A session the visitor had before logging in (or one an attacker planted on them)."""
    session = client.session
    session["planted"] = True
    session.save()
    return session_key(client)


# ---------------------------------------------------------------- rotation at login


def test_staff_login_gives_a_new_session_key(personas):
    client = Client()
    before = planted_session(client)
    response = client.post(LOGIN, {"username": "kinhbac.canbo", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    after = session_key(client)
    assert after != before
    assert not session_exists(before)  # the old key opens nothing, before or after login
    assert client.get(WORKSPACE).status_code == 200
    stranger = Client()
    stranger.cookies[settings.SESSION_COOKIE_NAME] = before
    assert stranger.get(WORKSPACE).status_code == 302


def test_citizen_code_login_gives_a_new_session_key(personas, sms_outbox):
    client = Client()
    client.post(START, {"phone": CITIZEN["phone"]})
    before = session_key(client)  # holds the number being verified
    assert client.post(VERIFY, {"code": last_code(sms_outbox)}).status_code == 302
    after = session_key(client)
    assert after != before and not session_exists(before)
    assert client.get("/").context["user"].phone == CITIZEN["phone"]


def test_citizen_sign_up_gives_a_new_session_key(sms_outbox):
    client = Client()
    client.post(START, {"phone": "0987 654 321"})
    client.post(VERIFY, {"code": last_code(sms_outbox)})
    before = session_key(client)
    response = client.post(
        PROFILE, {"full_name": "Trần Thị Bình", "date_of_birth": "1995-03-08", "consent": "on"}
    )
    assert response.status_code == 302
    assert session_key(client) != before and not session_exists(before)


# ---------------------------------------------------------------- staff idle timeout


def idle_for(client: Client, minutes: float) -> None:
    session = client.session
    session[LAST_SEEN] = time.time() - minutes * 60
    session.save()


def test_staff_are_signed_out_after_30_idle_minutes(personas):
    client = Client()
    client.post(LOGIN, {"username": "kinhbac.canbo", "password": DEMO_PASSWORD})
    assert client.get(WORKSPACE).status_code == 200
    assert LAST_SEEN in client.session
    idle_for(client, 29)
    assert client.get(WORKSPACE).status_code == 200  # within the time: still signed in
    idle_for(client, 31)
    response = client.get(WORKSPACE, follow=True)
    assert response.redirect_chain[0][0].startswith(LOGIN)
    assert "_auth_user_id" not in client.session
    assert "không có thao tác trong 30 phút" in response.content.decode()


def test_a_request_keeps_the_staff_session_alive(personas):
    client = Client()
    client.post(LOGIN, {"username": "kinhbac.canbo", "password": DEMO_PASSWORD})
    idle_for(client, 20)
    assert client.get(WORKSPACE).status_code == 200  # activity: the clock restarts
    assert time.time() - client.session[LAST_SEEN] < 5
    idle_for(client, 20)
    assert client.get(WORKSPACE).status_code == 200


def test_the_idle_time_is_configurable(personas, settings):
    settings.STAFF_IDLE_MINUTES = 5
    client = Client()
    client.force_login(personas["bacninh.thongke"])
    client.get(WORKSPACE)
    idle_for(client, 6)
    assert client.get(WORKSPACE).status_code == 302
    assert "_auth_user_id" not in client.session


def test_citizens_are_not_signed_out_when_idle(personas, sms_outbox):
    client = Client()
    client.post(START, {"phone": CITIZEN["phone"]})
    client.post(VERIFY, {"code": last_code(sms_outbox)})
    idle_for(client, 24 * 60)
    assert client.get("/").context["user"].phone == CITIZEN["phone"]
