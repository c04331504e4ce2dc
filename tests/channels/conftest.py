"""The fake platforms, running for real on 127.0.0.1, and clients pointed at them.

Nothing here touches Facebook or Zalo; nothing mocks the clients: they talk HTTP to the fakes.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from congdong.channels.clients.facebook import GraphClient
from congdong.channels.clients.zalo import ZaloClient
from congdong_tools.fakes.graph import FakeGraph
from congdong_tools.fakes.zalo import FakeZalo

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
