"""What the demo's console shows: the citizen's SMS code on a line of its own, ordinary refusals
(403, 404) as one line each, and a real server error with its traceback."""

from __future__ import annotations

import io
import logging
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import include, path

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("a real bug")


# The site, plus one view that fails as a bug would (this module is the test's urlconf).
urlpatterns = [path("_boom/", _boom), path("", include("congdong.urls"))]


@pytest.fixture
def request_log():
    """What the `django.request` console handler writes, as text."""
    # The console handlers of settings.LOGGING (pytest adds handlers of its own).
    handlers = [
        h for h in logging.getLogger("django.request").handlers if type(h) is logging.StreamHandler
    ]
    assert handlers, "django.request must log to the console"
    # At the level settings.LOGGING gives it: a benchmark run in this test process may have
    # quietened the logger for its thousands of refusals.
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(settings.LOGGING["loggers"]["django.request"]["level"])
    stream = io.StringIO()
    olds = [handler.setStream(stream) for handler in handlers]
    yield stream
    for handler, old in zip(handlers, olds, strict=True):
        handler.setStream(old)
    logger.setLevel(level)


def test_the_citizens_code_is_printed_on_its_own_highlighted_line(client, settings, capsys):
    settings.SMS_BACKEND = "congdong.accounts.sms.ConsoleBackend"
    response = client.post("/cong-dan/", {"phone": "0987 654 321"})
    assert response.status_code == 302
    out = capsys.readouterr().out
    lines = out.splitlines()
    (line,) = [line for line in lines if re.search(r"\b\d{6}\b", line)]
    assert re.fullmatch(r"(\x1b\[[\d;]*m)?>>> SMS 0987 654 321: .*\b\d{6}\b.*", line.strip())
    at = lines.index(line)
    assert lines[at - 1] == "" and lines[at + 1] == ""  # set apart from what is around it


@pytest.mark.parametrize("debug", [False, True])
def test_a_refusal_is_one_line_without_a_traceback(personas, settings, request_log, debug):
    settings.DEBUG = debug
    analyst = client_for(personas["bacninh.thongke"])
    # Reading the audit log is not an analyst's right: refused with a reason (403).
    assert analyst.get("/lam-viec/nhat-ky/").status_code == 403
    assert analyst.get("/lam-viec/thong-ke/999999999/").status_code == 404
    text = request_log.getvalue()
    assert "Traceback" not in text
    lines = text.splitlines()
    assert len(lines) == 2, text
    assert lines[0] == "Forbidden (Permission denied): /lam-viec/nhat-ky/"
    assert lines[1] == "Not Found: /lam-viec/thong-ke/999999999/"


def test_a_server_error_keeps_its_traceback(settings, request_log):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    assert client.get("/_boom/").status_code == 500
    text = request_log.getvalue()
    assert "Internal Server Error: /_boom/" in text
    assert "Traceback" in text and "RuntimeError: a real bug" in text
