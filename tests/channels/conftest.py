"""Shared fixtures for channels: the fake platforms running for real on 127.0.0.1 and clients
pointed at them (nothing mocks the clients), a Fernet key, the pages of Bắc Ninh and its sibling
Hà Nội, and a tiny local website (real HTTP) for rel="me" checks."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography.fernet import Fernet
from django.utils import timezone

from congdong.channels.actions import Linking, do_link
from congdong.channels.clients.facebook import GraphClient
from congdong.channels.clients.zalo import ZaloClient
from congdong.channels.models import ChannelKind, ChannelLink
from congdong.pages.actions import do_establish_many
from congdong.pages.models import Page
from congdong_tools.fakes.graph import FakeGraph
from congdong_tools.fakes.receiver import Receiver
from congdong_tools.fakes.zalo import FakeZalo
from tests.conftest import unit_2025

# Short, so timeout tests take a fraction of a second; the fakes hold a call 30 s by default.
TEST_TIMEOUT = 0.5


@pytest.fixture
def fake_graph() -> Iterator[FakeGraph]:
    with FakeGraph(app_id="1234567890", app_secret="graph-test-secret") as fake:
        yield fake


@pytest.fixture
def fake_zalo() -> Iterator[FakeZalo]:
    with FakeZalo(app_id="4291763606161179100", secret_key="zalo-test-secret") as fake:
        yield fake


@pytest.fixture
def graph_client(fake_graph: FakeGraph) -> Iterator[GraphClient]:
    with GraphClient(
        base_url=fake_graph.url,
        dialog_url=fake_graph.url,
        version="v24.0",
        app_id=fake_graph.app_id,
        app_secret=fake_graph.app_secret,
        timeout=TEST_TIMEOUT,
    ) as client:
        yield client


@pytest.fixture
def zalo_client(fake_zalo: FakeZalo) -> Iterator[ZaloClient]:
    with ZaloClient(
        oauth_url=fake_zalo.url,
        api_url=fake_zalo.url,
        app_id=fake_zalo.app_id,
        secret_key=fake_zalo.secret_key,
        timeout=TEST_TIMEOUT,
    ) as client:
        yield client


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """An endpoint on 127.0.0.1 that keeps what the fakes' webhooks send it."""
    with Receiver() as endpoint:
        yield endpoint


@contextmanager
def fake_process(module: str, seed: list[dict], tmp_path) -> Iterator[str]:
    """The fake platform `module` run as its own process (as the demo runs it), seeded from a
    file with `seed`, app id 42 and secret "demo-secret"; gives its URL, stops it after."""
    seed_file = tmp_path / "seed.json"
    seed_file.write_text(json.dumps(seed), encoding="utf-8")
    command = [sys.executable, "-m", module, "--port", "0", "--app-id", "42"]
    command += ["--app-secret", "demo-secret", "--seed", str(seed_file)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        yield process.stdout.readline().strip().rsplit(" ", 1)[-1]
    finally:
        process.terminate()
        process.wait(timeout=10)


KEY = Fernet.generate_key().decode()


@pytest.fixture(autouse=True)
def token_key(settings):
    settings.CHANNEL_TOKEN_KEY = KEY
    return KEY


@pytest.fixture
def pages(personas) -> tuple[Page, Page]:
    """The province pages of Bắc Ninh (24) and of its sibling Hà Nội (01), open."""
    bac_ninh, ha_noi = unit_2025("24"), unit_2025("01")
    do_establish_many([bac_ninh, ha_noi], opened_at=timezone.now())
    return Page.objects.get(unit=bac_ninh), Page.objects.get(unit=ha_noi)


def linked(page: Page, kind=ChannelKind.FACEBOOK, external_id="1001", **kwargs) -> ChannelLink:
    """A link written straight through the action (no platform), verified unless told."""
    values = {
        "url": f"https://www.facebook.com/{external_id}",
        "name": f"Channel {external_id}",
        "backlink_ok": True,
        "admin_verified": True,
        "access_token": f"EAAB-secret-token-{external_id}",
    } | kwargs
    return do_link(None, Linking(page=page, kind=kind, external_id=external_id, **values))


class QuietHandler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass  # the test's output is not the place for an access log


class LocalServer:
    """An HTTP server on a free port of 127.0.0.1, answering with `handler` in a thread."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Site(LocalServer):
    """A local website whose one page's HTML a test sets."""

    def __init__(self) -> None:
        self.html = "<html></html>"
        site = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                body = site.html.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        super().__init__(Handler)


@pytest.fixture
def site(settings):
    settings.CHANNEL_WEBSITE_PRIVATE_OK = True  # the test's website is on 127.0.0.1
    s = Site()
    yield s
    s.stop()


@pytest.fixture
def platforms(settings, fake_graph, fake_zalo):
    """congdong's settings pointed at the fake platforms (real HTTP on 127.0.0.1)."""
    settings.FACEBOOK_GRAPH_URL = fake_graph.url
    settings.FACEBOOK_DIALOG_URL = fake_graph.url
    settings.FACEBOOK_APP_ID = fake_graph.app_id
    settings.FACEBOOK_APP_SECRET = fake_graph.app_secret
    settings.ZALO_OAUTH_URL = fake_zalo.url
    settings.ZALO_API_URL = fake_zalo.url
    settings.ZALO_APP_ID = fake_zalo.app_id
    settings.ZALO_SECRET_KEY = fake_zalo.secret_key
    settings.CHANNEL_TIMEOUT = 2
    return fake_graph, fake_zalo


def round_trip(location: str) -> str:
    """Follow the platform's consent (the fake answers at once) and return the path and query
    it sends the browser back to on our site."""
    from urllib.parse import urlsplit

    import httpx

    answer = httpx.get(location, follow_redirects=False, timeout=5)
    assert answer.status_code in (302, 303), answer.text
    back = urlsplit(answer.headers["location"])
    return f"{back.path}?{back.query}"
