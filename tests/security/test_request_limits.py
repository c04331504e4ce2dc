"""Issue 15 §16: the app caps request bodies itself, and sees the real client behind its proxy.

- A body past the cap gets 413 with a Vietnamese message (JSON under /api/) before anything
  reads it — API JSON, beacons, forms and multipart uploads alike — never Django's bare 400.
- CONGDONG_TRUSTED_PROXIES: only from those addresses is X-Forwarded-For read, from the right,
  so per-address limits see each client behind nginx and a client cannot choose its address.
- In production (CONGDONG_HTTPS) with X-Forwarded-For arriving and no proxy trusted, the app
  refuses to serve, and `check --deploy` reports it before the start.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.checks import run_checks
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from congdong_tools.demo.personas import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
API = "/api/v1/structures"
TOO_LARGE = "Yêu cầu quá lớn"


def big_json(size: int) -> str:
    return '{"phone": "' + "9" * size + '"}'


BODIES = {
    "api-json": lambda c, n: c.post(
        "/api/v1/auth/phone/start", big_json(n), content_type="application/json"
    ),
    "beacon": lambda c, n: c.post("/su-kien/", big_json(n), content_type="text/plain"),
    "form": lambda c, n: c.post("/dang-nhap/", {"username": "x" * n, "password": "y"}),
    "urlencoded-form": lambda c, n: c.post(
        "/dang-nhap/",
        urlencode({"username": "x" * n, "password": "y"}),
        content_type="application/x-www-form-urlencoded",
    ),
    "api-form": lambda c, n: c.post("/api/v1/auth/phone/start", {"phone": "9" * n}),
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", BODIES)
def test_a_body_past_the_default_cap_gets_a_clear_413(kind):
    response = BODIES[kind](Client(), 2_100_000)  # the default cap is 2 MB
    assert response.status_code == 413
    text = response.json()["detail"] if kind.startswith("api") else response.content.decode()
    assert text.startswith(TOO_LARGE) and "2 MB" in text


@pytest.mark.django_db
@pytest.mark.parametrize("kind", BODIES)
def test_a_body_within_the_cap_is_served_as_before(kind, settings):
    settings.MAX_BODY_BYTES = 50_000
    assert BODIES[kind](Client(), 1_000).status_code != 413


@pytest.mark.django_db
def test_uploads_have_their_own_larger_cap(personas, settings):
    settings.MAX_BODY_BYTES = 10_000
    settings.MAX_UPLOAD_BYTES = 100_000
    client = Client()
    client.force_login(personas["kinhbac.canbo"])
    small = SimpleUploadedFile("anh.jpg", b"\xff\xd8\xff" + b"0" * 50_000, "image/jpeg")
    response = client.post("/dang-nhap/", {"username": "x", "password": "y", "file": small})
    assert response.status_code != 413  # above the plain cap, within the upload cap
    big = SimpleUploadedFile("anh.jpg", b"\xff\xd8\xff" + b"0" * 150_000, "image/jpeg")
    response = client.post("/dang-nhap/", {"username": "x", "password": "y", "file": big})
    assert response.status_code == 413
    assert "0.1 MB" in response.content.decode()


def test_django_never_refuses_first_with_its_own_400(settings):
    # Django answers 400 past DATA_UPLOAD_MAX_MEMORY_SIZE; it must be the same cap as ours.
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == settings.MAX_BODY_BYTES


# ---------------------------------------------------------------- the client behind the proxy


def via_proxy(client: Client, forwarded: str, proxy: str = "10.0.0.2"):
    return client.get(API, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=forwarded)


@pytest.mark.django_db
def test_behind_a_trusted_proxy_each_client_has_its_own_allowance(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    settings.API_LIMIT_ANON = 2
    client = Client()
    codes = [via_proxy(client, "198.51.100.1").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert via_proxy(client, "198.51.100.2").status_code == 200


@pytest.mark.django_db
def test_a_client_cannot_choose_its_address_by_writing_the_header(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    settings.API_LIMIT_ANON = 2
    client = Client()
    # What the client wrote is on the left; the proxy appended what it saw on the right.
    codes = [via_proxy(client, f"192.0.2.{n}, 198.51.100.1").status_code for n in range(3)]
    assert codes == [200, 200, 429]
    # Straight to the app (not from a proxy), the header is never read.
    direct = [
        client.get(API, REMOTE_ADDR="198.51.100.8", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        for n in range(3)
    ]
    assert [r.status_code for r in direct] == [200, 200, 429]


@pytest.mark.django_db
def test_sign_in_limits_see_each_client_behind_the_proxy(personas, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    settings.LOGIN_FAILURES_PER_ADDRESS = 5
    client = Client()
    for n in range(5):
        client.post(
            "/dang-nhap/",
            {"username": f"khong-co-{n}", "password": "sai"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="198.51.100.1",
        )
    response = client.post(
        "/dang-nhap/",
        {"username": "bacninh.quantri", "password": DEMO_PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.2",
    )
    assert response.status_code == 302  # another person in the same office network


@pytest.mark.django_db
def test_in_production_the_app_refuses_forwarded_requests_until_the_proxy_is_trusted(settings):
    settings.HTTPS = True
    settings.TRUSTED_PROXIES = []
    response = Client().get("/", HTTP_X_FORWARDED_FOR="198.51.100.1", secure=True)
    assert response.status_code == 503
    assert "chưa được cấu hình đúng" in response.content.decode()
    assert Client().get("/", secure=True).status_code == 200  # no proxy in front: served
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert Client().get("/", HTTP_X_FORWARDED_FOR="198.51.100.1", secure=True).status_code == 200


def test_the_deploy_check_names_a_missing_trusted_proxy(settings):
    settings.HTTPS = True
    settings.TRUSTED_PROXIES = []
    assert "congdong.E001" in {m.id for m in run_checks(include_deployment_checks=True)}
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    assert "congdong.E001" not in {m.id for m in run_checks(include_deployment_checks=True)}


def test_a_trusted_proxy_that_is_not_an_address_stops_the_start(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "CONGDONG_DATA_DIR": str(tmp_path),
        "CONGDONG_TRUSTED_PROXIES": "10.0.0.2,nginx-may-chu",
        "DJANGO_SETTINGS_MODULE": "congdong.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "CONGDONG_TRUSTED_PROXIES" in result.stderr and "nginx-may-chu" in result.stderr
