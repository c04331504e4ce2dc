"""Security headers on every kind of response (issue 7 §5), and `check --deploy` clean with a
production-like configuration."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as settings_module
from django.test import Client

pytestmark = pytest.mark.django_db

STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'none'; form-action 'self'"
)


def assert_security_headers(response) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]
    csp = response["Content-Security-Policy"]
    assert csp == STRICT_CSP
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


def test_public_page_has_the_security_headers():
    response = Client().get("/")
    assert response.status_code == 200
    assert_security_headers(response)


def test_staff_page_has_the_security_headers(personas):
    client = Client()
    client.force_login(personas["kinhbac.canbo"])
    response = client.get("/lam-viec/")
    assert response.status_code == 200
    assert_security_headers(response)


def test_api_has_the_security_headers(personas):
    response = Client().get("/api/v1/structures")
    assert response.status_code == 200
    assert_security_headers(response)
    client = Client()
    client.force_login(personas["kinhbac.canbo"])
    assert_security_headers(client.get("/api/v1/me"))


def test_errors_and_login_page_have_them_too():
    assert_security_headers(Client().get("/khong-co-trang-nay/"))
    assert_security_headers(Client().get("/dang-nhap/"))


def test_hsts_is_sent_over_https_when_enabled(settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = Client().get("/", secure=True)
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")


def test_no_hsts_on_a_laptop_over_plain_http():
    assert "Strict-Transport-Security" not in Client().get("/")


# ---------------------------------------------------------------- check --deploy

PRODUCTION_ENV = {
    "CONGDONG_DEBUG": "false",
    "CONGDONG_HTTPS": "true",
    "CONGDONG_SECRET_KEY": "k7#Qz!v9Lr2@Wm5$Tn8^Yp3&Bx6*Hc4(Jd1)Fg0_Se-Ua+Ri=Ol%Ek~Ns",
    "CONGDONG_ALLOWED_HOSTS": "congdong.mattran.org.vn",
    # Behind the reverse proxy production runs on (issue 15: congdong.E001 without it).
    "CONGDONG_TRUSTED_PROXIES": "10.0.0.2",
    "CONGDONG_SITE_URL": "https://congdong.mattran.org.vn",
}
CHECK = """
import json, django
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.core import checks
from django.conf import settings
django.setup()
messages = checks.run_checks(include_deployment_checks=True)
print(json.dumps({
    "issues": [f"{m.id}: {m.msg}" for m in messages],
    "hsts": settings.SECURE_HSTS_SECONDS,
    "secure_cookies": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE],
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
}))
call_command("check", deploy=True, fail_level="WARNING")
"""


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path):
    """A fresh process: settings are read from the environment once, at start."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("CONGDONG_") and key != "DJANGO_SETTINGS_MODULE"
    }
    env.update(
        PRODUCTION_ENV, CONGDONG_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="congdong.settings"
    )
    result = subprocess.run(
        [sys.executable, "-c", CHECK], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout.splitlines()[0])
    assert report["issues"] == []
    assert report["hsts"] == 31_536_000
    assert report["secure_cookies"] == [True, True]
    assert report["ssl_redirect"] is True


# ---------------------------------------------------------------- templates fit the policy

INLINE = re.compile(
    r"""<script(?![^>]*\bsrc=)(?![^>]*type="application/(?:ld\+)?json")[^>]*>"""  # inline script
    r"""|<style\b"""  # style element
    r"""|\sstyle=["']"""  # style attribute
    r"""|\son[a-z]+=["']"""  # event handler attribute
    r"""|\bhx-on[:-]"""  # htmx inline handlers (evaluated as script)
    r"""|javascript:""",
    re.IGNORECASE,
)


def test_templates_carry_no_inline_script_style_or_handlers():
    """The policy has no 'unsafe-inline': any of these would be blocked in the browser."""
    root = Path(settings_module.BASE_DIR) / "templates"
    found = [
        f"{path.relative_to(root)}:{number}: {line.strip()[:120]}"
        for path in sorted(root.rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if INLINE.search(line)
    ]
    assert found == []
