"""The webhooks' lean path in front of Django (congdong/wsgi.py → listening/front.py): the WSGI
app production runs, called as gunicorn calls it. A plain signed call is checked and stored
without Django's middleware, with the same answers, refusals and counters as the views
(tests/listening/test_webhooks.py); anything unusual goes on to Django and is answered as
before. Transactional: the lean path keeps or drops the request's database connection as
Django does between requests, which a test's own transaction would not survive."""

from __future__ import annotations

import io
import json
import threading
import time
import uuid

import pytest
from django.db import connection, connections

from congdong.channels.signatures import facebook_signature
from congdong.listening import intake
from congdong.listening.front import WebhookFront
from congdong.listening.models import WebhookEvent, WebhookRefusal
from congdong.wsgi import application, django_application
from tests.listening.conftest import zalo_text

pytestmark = pytest.mark.django_db(transaction=True)

APP_SECRET = "front-app-secret"
OA_SECRET = "front-oa-secret"
PAGE = "1001"
OA = "4242"


@pytest.fixture(autouse=True)
def secrets(settings):
    settings.FACEBOOK_APP_SECRET = APP_SECRET
    settings.ZALO_OA_SECRET = OA_SECRET


def refused(reason: str) -> int:
    return sum(WebhookRefusal.objects.filter(reason=reason).values_list("count", flat=True))


def comment(n: int | str = 1, at: float | None = None) -> bytes:
    at = int(at or time.time())
    value = {
        "item": "comment",
        "verb": "add",
        "comment_id": f"{PAGE}_c{n}",
        "post_id": f"{PAGE}_1",
        "from": {"id": "7", "name": "Người dân"},
        "message": "Đường làng bị ngập",
        "created_time": at,
    }
    entry = {"id": PAGE, "time": at, "changes": [{"field": "feed", "value": value}]}
    return json.dumps({"object": "page", "entry": [entry]}, ensure_ascii=False).encode()


def zalo_message(msg_id: str = "m1") -> tuple[bytes, str]:
    return zalo_text(OA_SECRET, msg_id=msg_id)


class Answer:
    def __init__(self) -> None:
        self.status = ""
        self.headers: dict[str, str] = {}
        self.body = b""

    @property
    def code(self) -> int:
        return int(self.status.split()[0])


def call(
    body: bytes = b"",
    path: str = "/webhook/facebook/",
    headers: dict[str, str] | None = None,
    *,
    method: str = "POST",
    app=application,
    **environ: str,
) -> Answer:
    """One call of the WSGI app as a server makes it (environ, start_response)."""
    env = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for name, value in (headers or {}).items():
        env["HTTP_" + name.upper().replace("-", "_")] = value
    env.update(environ)
    answer = Answer()

    def start_response(status: str, rows: list[tuple[str, str]], exc_info=None) -> None:
        answer.status, answer.headers = status, dict(rows)

    result = app(env, start_response)
    try:
        answer.body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return answer


class Recording:
    """A stand-in for Django behind the front: says whether a call went on to it."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        start_response("418 I'm a teapot", [("Content-Length", "0")])
        return [b""]


def signed(body: bytes) -> dict[str, str]:
    return {"X-Hub-Signature-256": facebook_signature(APP_SECRET, body)}


# ----------------------------------------------------------------------- the lean path


def test_a_signed_comment_is_stored_once_without_going_through_django():
    django = Recording()
    front = WebhookFront(django)
    body = comment()
    first = call(body, headers=signed(body), app=front)
    again = call(body, headers=signed(body), app=front)  # Facebook retrying
    assert django.calls == 0
    assert (first.code, first.body) == (200, b"EVENT_RECEIVED")
    assert (again.code, again.body) == (200, b"EVENT_RECEIVED")
    event = WebhookEvent.objects.get()
    assert (event.platform, event.external_id, event.state) == ("facebook", PAGE, "pending")
    assert event.body == body.decode()
    assert refused("duplicate") == 1


def test_its_answer_carries_the_security_headers_and_no_cookie():
    body = comment()
    answer = call(body, headers=signed(body))
    assert answer.code == 200
    headers = answer.headers
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    assert headers["Content-Length"] == str(len(b"EVENT_RECEIVED"))
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert "default-src" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] and headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in headers


def test_unsigned_wrongly_signed_changed_and_old_calls_are_refused_and_counted():
    django = Recording()
    front = WebhookFront(django)
    body = comment()
    assert call(body, app=front).code == 403
    wrong = {"X-Hub-Signature-256": facebook_signature("another-secret", body)}
    assert call(body, headers=wrong, app=front).code == 403
    changed = body.replace("ngập".encode(), "khô".encode())
    assert call(changed, headers=signed(body), app=front).code == 403
    old = comment(2, at=time.time() - 3 * 86400)
    assert call(old, headers=signed(old), app=front).code == 200  # so it is not retried
    assert django.calls == 0
    assert not WebhookEvent.objects.exists()
    assert (refused("unsigned"), refused("bad_signature"), refused("stale")) == (1, 2, 1)


def test_zalo_messages_signed_or_not():
    django = Recording()
    front = WebhookFront(django)
    body, signature = zalo_message("abc")
    path = "/webhook/zalo/"
    good = call(body, path, {"X-ZEvent-Signature": signature}, app=front)
    assert (good.code, good.body) == (200, b"")
    assert call(body, path, {"X-ZEvent-Signature": signature}, app=front).code == 200
    assert call(body, path, {"X-ZEvent-Signature": "0" * 64}, app=front).code == 403
    assert call(body, path, app=front).code == 403
    assert django.calls == 0
    assert WebhookEvent.objects.get().event_key == "zalo:abc"
    assert (refused("duplicate"), refused("bad_signature"), refused("unsigned")) == (1, 1, 1)


# ------------------------------------------------------------- what goes on to Django


@pytest.mark.parametrize(
    "case",
    [
        dict(method="GET"),  # Facebook's subscription check
        dict(QUERY_STRING="a=%00"),  # the NUL check
        dict(CONTENT_LENGTH=""),  # a body without a length
        dict(CONTENT_LENGTH="3000000"),  # above MAX_BODY_BYTES: the gate's 413
        dict(CONTENT_TYPE="multipart/form-data; boundary=x"),
        dict(HTTP_HOST="evil.example"),  # not in ALLOWED_HOSTS: Django's 400
        dict(PATH_INFO="/webhook/facebook"),  # not the route itself
    ],
)
def test_anything_unusual_goes_on_to_django(case):
    django = Recording()
    body = comment()
    answer = call(body, headers=signed(body), app=WebhookFront(django), **case)
    assert django.calls == 1 and answer.code == 418
    assert not WebhookEvent.objects.exists()


def test_a_body_above_the_cap_gets_the_gates_413_in_vietnamese(settings):
    settings.MAX_BODY_BYTES = 1000
    body = comment().ljust(2000)
    answer = call(body, headers=signed(body))
    assert answer.code == 413
    assert json.loads(answer.body)["detail"].startswith("Yêu cầu quá lớn")
    assert not WebhookEvent.objects.exists()


def test_behind_an_undeclared_proxy_the_gate_still_refuses(settings):
    settings.HTTPS = True
    settings.SECURE_SSL_REDIRECT = False
    settings.TRUSTED_PROXIES = []
    body = comment()
    answer = call(body, headers=signed(body), HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert answer.code == 503
    assert not WebhookEvent.objects.exists()


def test_plain_http_goes_to_django_where_https_is_required(settings):
    """Django's SecurityMiddleware redirects it (it reads the setting when the app starts);
    over HTTPS the lean path answers, with HSTS as the middleware would."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    django = Recording()
    front = WebhookFront(django)
    body = comment()
    assert call(body, headers=signed(body), app=front).code == 418
    https = call(body, headers=signed(body), app=front, **{"wsgi.url_scheme": "https"})
    assert https.code == 200 and https.headers["Strict-Transport-Security"] == "max-age=3600"
    assert django.calls == 1 and WebhookEvent.objects.count() == 1


def test_the_challenge_is_still_answered_by_the_view(settings):
    settings.FACEBOOK_VERIFY_TOKEN = "verify-me"
    answer = call(
        method="GET",
        QUERY_STRING="hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=42",
    )
    assert (answer.code, answer.body) == (200, b"42")
    assert django_application is not application


# ----------------------------------------------------------------------- group commit


def test_events_arriving_together_are_each_stored_once_and_repeats_counted():
    """Threads posting at once, as gunicorn's do: distinct events and the same event several
    times; every event stored exactly once, every repeat answered 200 and counted."""
    if connection.vendor == "sqlite":
        # The test database is SQLite's shared in-memory one: a writer that finds a table
        # locked fails at once ("database table is locked"), where the product's file
        # database waits its busy timeout. The PostgreSQL pass runs it.
        pytest.skip("threads writing at once: runs in the PostgreSQL pass")
    run = uuid.uuid4().hex[:6]
    bodies = [comment(f"{run}-{n}") for n in range(40)]
    calls = [*bodies, *bodies[:8]]  # 8 delivered twice
    statuses: list[int] = []
    gate = threading.Barrier(8)

    def post(mine: list[bytes]) -> None:
        gate.wait()
        try:
            for body in mine:
                statuses.append(call(body, headers=signed(body)).code)
        finally:
            connections.close_all()  # a server's thread keeps it; a test's ends here

    threads = [threading.Thread(target=post, args=(calls[i::8],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * len(calls)
    assert WebhookEvent.objects.count() == 40
    assert refused("duplicate") == 8


def test_one_insert_tells_new_events_from_repeats_within_it_and_in_the_table():
    first = intake.Pending("facebook", "fb:k1", PAGE, "{}")
    intake._insert([first])
    batch = [
        intake.Pending("facebook", "fb:k1", PAGE, "{}"),  # in the table already
        intake.Pending("facebook", "fb:k2", PAGE, "{}"),
        intake.Pending("facebook", "fb:k2", PAGE, "{}"),  # twice in the batch
        intake.Pending("zalo", "zalo:k3", OA, "{}"),
    ]
    intake._insert(batch)
    assert first.stored and first.done
    assert [item.stored for item in batch] == [False, True, False, True]
    assert all(item.done for item in batch)
    assert set(WebhookEvent.objects.values_list("event_key", flat=True)) == {
        "fb:k1",
        "fb:k2",
        "zalo:k3",
    }
