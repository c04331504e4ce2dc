"""Fixtures for listening: the fake platforms (real HTTP on 127.0.0.1), congdong pointed at
them, and Bắc Ninh's page linked to a Facebook Page and a Zalo OA there.

A webhook the fake sends is caught by a tiny local server (`catcher`: what the fake put on the
wire, headers and body, byte for byte) and posted on to congdong through the test client, so
the test database sees it; the journey in tests/e2e sends them to a live server instead."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client

from congdong.channels.models import ChannelKind, ChannelLink
from congdong.channels.signatures import zalo_signature
from congdong.listening.actions import process_pending
from congdong_tools.fakes.graph import FakeGraph
from congdong_tools.fakes.zalo import FakeZalo
from tests.channels.conftest import (  # noqa: F401  (fixtures)
    KEY,
    LocalServer,
    QuietHandler,
    fake_graph,
    fake_zalo,
    linked,
    pages,
    platforms,
    token_key,
)

VERIFY_TOKEN = "verify-me-please"
OA_SECRET = "oa-secret-of-bac-ninh"
FB_PAGE = "1001"
OA = "4242"
FB_HOOK = "/webhook/facebook/"
ZALO_HOOK = "/webhook/zalo/"


@dataclass
class Caught:
    body: bytes
    headers: dict[str, str]


class Catcher(LocalServer):
    """A local HTTP server that keeps each POST it gets and answers 200."""

    def __init__(self) -> None:
        self.caught: list[Caught] = []
        catcher = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                catcher.caught.append(Caught(body, dict(self.headers.items())))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        super().__init__(Handler)

    def last(self) -> Caught:
        return self.caught[-1]


@pytest.fixture
def catcher() -> Iterator[Catcher]:
    c = Catcher()
    yield c
    c.stop()


@pytest.fixture
def hooks(settings, platforms):  # noqa: F811
    settings.FACEBOOK_VERIFY_TOKEN = VERIFY_TOKEN
    settings.ZALO_OA_SECRET = OA_SECRET
    return platforms


@dataclass
class Linked:
    fb: ChannelLink
    oa: ChannelLink
    graph: FakeGraph
    zalo: FakeZalo


@pytest.fixture
def channels(hooks, pages) -> Linked:  # noqa: F811
    """Bắc Ninh's page linked to Facebook Page 1001 and Zalo OA 4242 on the fakes, with page
    tokens the fakes accept."""
    graph, zalo = hooks
    bac_ninh, _ha_noi = pages
    graph.add_user("9001", "Nguyễn Thị Lan")
    graph.add_page(FB_PAGE, "MTTQ tỉnh Bắc Ninh", admins=["9001"])
    zalo.add_oa(OA, "MTTQ tỉnh Bắc Ninh (Zalo)", oa_secret=OA_SECRET)
    access, refresh = zalo.tokens_for(OA)
    fb = linked(
        bac_ninh, external_id=FB_PAGE, access_token=graph.token_for("9001", page_id=FB_PAGE)
    )
    oa = linked(
        bac_ninh,
        kind=ChannelKind.ZALO,
        external_id=OA,
        url=f"https://oa.zalo.me/{OA}",
        access_token=access,
        refresh_token=refresh,
    )
    return Linked(fb, oa, graph, zalo)


def forward(caught: Caught, path: str, client: Client | None = None):
    """Post what the fake sent on to congdong, with the same body and signature headers."""
    extra = {
        f"HTTP_{name.upper().replace('-', '_')}": value
        for name, value in caught.headers.items()
        if name.lower().startswith("x-")
    }
    return (client or Client()).post(
        path, data=caught.body, content_type="application/json", **extra
    )


def comment_in(graph, catcher: Catcher, *, message="Đường làng bị ngập", **kwargs):
    """A citizen comments on Facebook (the fake); the webhook reaches congdong and the worker
    runs. Returns the fake's comment and congdong's answer to the webhook."""
    comment, _answer = graph.send_feed_comment(
        FB_PAGE, to_url=catcher.url, message=message, **kwargs
    )
    answer = forward(catcher.last(), FB_HOOK)
    process_pending()
    return comment, answer


def zalo_text(
    secret: str, *, text: str = "Xin hỏi", msg_id: str = "m1", at: float | None = None
) -> tuple[bytes, str]:
    """A citizen's text to OA 4242 as Zalo sends it (at `at`, else now), and its signature
    with the OA's `secret`."""
    timestamp = str(int((at or time.time()) * 1000))
    event = {
        "app_id": "1",
        "oa_id": OA,
        "event_name": "user_send_text",
        "sender": {"id": "8400001"},
        "recipient": {"id": OA},
        "message": {"text": text, "msg_id": msg_id},
        "timestamp": timestamp,
    }
    body = json.dumps(event).encode()
    return body, zalo_signature(OA, body, timestamp, secret)


__all__ = ["FB_PAGE", "KEY", "OA", "comment_in", "forward"]
