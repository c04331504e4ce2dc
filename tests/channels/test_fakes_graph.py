"""The fake Graph API itself: its Login dialog, the webhooks it sends, running as a process."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from congdong.channels.clients.facebook import GraphClient, Timeout
from congdong.channels.signatures import facebook_signature_ok
from tests.channels.conftest import fake_process
from tests.worker.conftest import eventually

PAGE = "104870475678912"


def test_the_feed_comment_webhook_is_signed_with_the_app_secret(fake_graph, receiver):
    fake_graph.add_page(PAGE, "MTTQ Bắc Ninh")
    comment, answer = fake_graph.send_feed_comment(
        PAGE, to_url=receiver.url, message="Đề nghị sửa đường", post_id=f"{PAGE}_77"
    )
    assert answer is not None and answer.status_code == 200
    [(_path, headers, body)] = receiver.received
    assert facebook_signature_ok(fake_graph.app_secret, body, headers["x-hub-signature-256"])
    assert not facebook_signature_ok("another-secret", body, headers["x-hub-signature-256"])
    event = json.loads(body)
    assert event["object"] == "page"
    [entry] = event["entry"]
    [change] = entry["changes"]
    assert entry["id"] == PAGE and change["field"] == "feed"
    value = change["value"]
    assert value["item"] == "comment" and value["verb"] == "add"
    assert value["comment_id"] == comment.id and value["post_id"] == f"{PAGE}_77"
    assert value["message"] == "Đề nghị sửa đường"
    # The comment now exists on the fake, so answering and hiding it work.
    assert fake_graph.comments[comment.id].object_id == f"{PAGE}_77"


def test_a_webhook_with_a_wrong_secret_can_be_sent_on_purpose(fake_graph, receiver):
    fake_graph.add_page(PAGE, "MTTQ Bắc Ninh")
    fake_graph.send_feed_comment(PAGE, to_url=receiver.url, secret="not-the-app-secret")
    [(_path, headers, body)] = receiver.received
    assert not facebook_signature_ok(fake_graph.app_secret, body, headers["x-hub-signature-256"])


def test_webhooks_are_not_retried_unless_asked(fake_graph, receiver):
    fake_graph.add_page(PAGE, "MTTQ Bắc Ninh")
    receiver.status = 500
    _comment, answer = fake_graph.send_feed_comment(PAGE, to_url=receiver.url)
    assert answer.status_code == 500 and len(receiver.received) == 1
    fake_graph.send_feed_comment(PAGE, to_url=receiver.url, retries=2)
    assert len(receiver.received) == 1 + 3


def test_the_subscription_check_sends_the_challenge(fake_graph, receiver):
    fake_graph.verify_webhook(receiver.url, "verify-me")
    [(path, _headers, _body)] = receiver.received
    query = httpx.URL(path).params
    assert query["hub.mode"] == "subscribe" and query["hub.verify_token"] == "verify-me"
    assert query["hub.challenge"].isdigit()


def test_the_dialog_can_be_cancelled_or_skipped(fake_graph, graph_client):
    fake_graph.add_user("1", "Anh Nam")
    url = graph_client.login_url(redirect_uri="http://127.0.0.1:9/cb", state="s", scopes=[])
    cancelled = httpx.post(url, data=dict(httpx.URL(url).params) | {"cancel": "1"})
    back = httpx.URL(cancelled.headers["location"])
    assert back.params["error"] == "access_denied" and back.params["state"] == "s"
    fake_graph.dialog_user = "1"
    straight = httpx.get(url)
    assert straight.status_code == 302 and "code=" in straight.headers["location"]
    wrong_app = httpx.get(url.replace(f"client_id={fake_graph.app_id}", "client_id=999"))
    assert wrong_app.status_code == 400


def test_every_answer_carries_the_usage_headers(fake_graph):
    token = fake_graph.add_user("1")
    fake_graph.add_page(PAGE, "MTTQ Bắc Ninh", admins=["1"])
    answer = httpx.get(
        f"{fake_graph.url}/v24.0/{PAGE}", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200
    assert json.loads(answer.headers["x-app-usage"])["call_count"] >= 0
    assert PAGE in json.loads(answer.headers["x-business-use-case-usage"])


def held_page(fake_graph, fault: str, timeout: float) -> tuple[GraphClient, str]:
    """A client and a token for a page whose next call `fault` holds 60 s."""
    token = fake_graph.add_user("1")
    fake_graph.add_page(PAGE, "MTTQ Bắc Ninh", admins=["1"])
    fake_graph.fail(fault, seconds=60)
    client = GraphClient(
        base_url=fake_graph.url,
        dialog_url=fake_graph.url,
        version="v24.0",
        app_id=fake_graph.app_id,
        app_secret=fake_graph.app_secret,
        timeout=timeout,
    )
    return client, token


def test_stopping_wakes_a_call_held_by_a_timeout(fake_graph):
    client, token = held_page(fake_graph, "timeout", timeout=5)
    errors = []

    def call() -> None:
        try:
            client.page(PAGE, token)
        except Exception as error:
            errors.append(error)

    caller = threading.Thread(target=call)
    caller.start()
    time.sleep(0.2)
    started = time.monotonic()
    fake_graph.stop()
    caller.join(timeout=10)
    assert time.monotonic() - started < 3
    assert not caller.is_alive()
    assert errors and not isinstance(errors[0], Timeout)  # the connection closed, no 5 s wait


def test_a_slow_call_is_answered_as_usual_once_its_hold_is_released(fake_graph):
    client, token = held_page(fake_graph, "slow", timeout=30)
    answers = []
    caller = threading.Thread(target=lambda: answers.append(client.page(PAGE, token)))
    caller.start()
    eventually(lambda: fake_graph.holding > 0)
    assert fake_graph.holding == 1 and not answers  # held at the platform
    # Released from outside, as a test process does through the control API.
    assert httpx.post(f"{fake_graph.url}/_fake/release_held", json={}).status_code == 200
    caller.join(timeout=10)
    assert answers and answers[0]["name"] == "MTTQ Bắc Ninh" and fake_graph.holding == 0


def test_control_calls_refuse_anything_but_seeding_methods(fake_graph):
    assert httpx.post(f"{fake_graph.url}/_fake/stop", json={}).status_code == 404
    added = httpx.post(f"{fake_graph.url}/_fake/add_page", json={"page_id": "5", "name": "X"})
    assert added.status_code == 200 and added.json()["result"]["name"] == "X"


@pytest.fixture
def graph_process(tmp_path: Path) -> Iterator[str]:
    seed = [
        {"add_user": {"user_id": "1", "name": "Chị Lan"}},
        {"add_page": {"page_id": PAGE, "name": "MTTQ Bắc Ninh", "admins": ["1"]}},
    ]
    with fake_process("congdong_tools.fakes.graph", seed, tmp_path) as url:
        yield url


def test_the_fake_runs_as_a_process_seeded_from_a_file(graph_process):
    url = graph_process
    assert url.startswith("http://127.0.0.1:")
    # Seeding and inspection are open to other processes (the demo, the benchmark); nothing else.
    assert httpx.post(f"{url}/_fake/stop", json={}).status_code == 404
    seeded = httpx.post(f"{url}/_fake/token_for", json={"user_id": "1", "page_id": PAGE})
    assert seeded.json()["result"].startswith("EAAP")
    with GraphClient(
        base_url=url,
        dialog_url=url,
        version="v24.0",
        app_id="42",
        app_secret="demo-secret",
        timeout=5,
    ) as client:
        login = client.login_url(redirect_uri="http://127.0.0.1:9/cb", state="s", scopes=[])
        answer = httpx.post(login, data=dict(httpx.URL(login).params) | {"user": "1"})
        code = httpx.URL(answer.headers["location"]).params["code"]
        user_token = client.exchange_code(code=code, redirect_uri="http://127.0.0.1:9/cb")
        [grant] = client.accounts(user_token)
        post_id = client.publish(PAGE, grant.access_token, message="Từ tiến trình riêng")
    assert post_id.startswith(f"{PAGE}_")
    posts = httpx.post(f"{url}/_fake/posts", json={"page_id": PAGE}).json()["result"]
    assert [p["message"] for p in posts] == ["Từ tiến trình riêng"]


def test_duplicate_posts_are_counted_per_page_and_message(fake_graph, graph_client):
    token = fake_graph.add_user("1")
    fake_graph.add_page(PAGE, "MTTQ Bắc Ninh", admins=["1"])
    fake_graph.add_page("222", "MTTQ Kinh Bắc", admins=["1"])
    grants = {g.id: g.access_token for g in graph_client.accounts(token)}
    for page_id in (PAGE, "222"):
        graph_client.publish(page_id, grants[page_id], message="Lời kêu gọi")
    assert fake_graph.duplicate_posts() == {}
    graph_client.publish(PAGE, grants[PAGE], message="Lời kêu gọi")
    assert fake_graph.duplicate_posts() == {(PAGE, "Lời kêu gọi"): 2}
