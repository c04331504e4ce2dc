"""The fake Zalo OA API itself: its consent page and the signed events it sends."""

from __future__ import annotations

import json

import httpx

from congdong.channels.clients.zalo import ZaloClient, pkce_pair
from congdong.channels.signatures import zalo_signature_ok
from tests.channels.conftest import fake_process

OA = "579745863508352884"


def test_the_user_text_event_is_signed_the_zalo_way(fake_zalo, receiver):
    oa = fake_zalo.add_oa(OA, "MTTQ Bắc Ninh", oa_secret="oa-secret-bn")
    event, answer = fake_zalo.send_user_text(
        OA, to_url=receiver.url, user_id="8400000000000001", text="Cho hỏi lịch tiếp dân"
    )
    assert answer is not None and answer.status_code == 200
    [(_path, headers, body)] = receiver.received
    parsed = json.loads(body)
    assert parsed == event
    assert parsed["event_name"] == "user_send_text"
    assert parsed["sender"]["id"] == "8400000000000001" and parsed["recipient"]["id"] == OA
    assert parsed["message"]["text"] == "Cho hỏi lịch tiếp dân" and parsed["message"]["msg_id"]
    assert parsed["timestamp"].isdigit() and len(parsed["timestamp"]) == 13  # milliseconds
    signature = headers["x-zevent-signature"]
    assert zalo_signature_ok(OA, body, parsed["timestamp"], oa.oa_secret, signature)
    assert not zalo_signature_ok(OA, body, parsed["timestamp"], "other-secret", signature)


def test_follow_and_unfollow_events_change_the_followers(fake_zalo, receiver):
    fake_zalo.add_oa(OA, "MTTQ Bắc Ninh", followers=["u1"])
    fake_zalo.send_follow(OA, to_url=receiver.url, user_id="u2")
    fake_zalo.send_follow(OA, to_url=receiver.url, user_id="u1", follow=False)
    assert fake_zalo.oas[OA].followers == ["u2"]
    names = [json.loads(body)["event_name"] for _path, _headers, body in receiver.received]
    assert names == ["follow", "unfollow"]


def test_events_are_not_retried_unless_asked(fake_zalo, receiver):
    fake_zalo.add_oa(OA, "MTTQ Bắc Ninh")
    receiver.status = 503
    fake_zalo.send_user_text(OA, to_url=receiver.url)
    assert len(receiver.received) == 1
    fake_zalo.send_user_text(OA, to_url=receiver.url, retries=1, msg_id="m-1")
    assert len(receiver.received) == 3
    # A retry is the same event: the receiver de-duplicates on msg_id.
    assert json.loads(receiver.received[1][2]) == json.loads(receiver.received[2][2])


def test_the_consent_page_refuses_another_app(fake_zalo, zalo_client):
    fake_zalo.add_oa(OA, "MTTQ Bắc Ninh")
    url = zalo_client.permission_url(
        redirect_uri="http://127.0.0.1:9/cb", code_challenge="c", state="s"
    )
    wrong = httpx.get(url.replace(f"app_id={fake_zalo.app_id}", "app_id=1"))
    assert wrong.status_code == 302 and "/v4/permission/error" in wrong.headers["location"]
    fake_zalo.consent_oa = OA
    straight = httpx.get(url)
    assert straight.status_code == 302
    assert httpx.URL(straight.headers["location"]).params["oa_id"] == OA


def test_answers_use_zalos_error_envelope(fake_zalo):
    answer = httpx.get(f"{fake_zalo.url}/v2.0/oa/getoa", headers={"access_token": "nope"})
    assert answer.status_code == 200  # Zalo says errors in the body
    assert answer.json() == {"error": -216, "message": "Access token is invalid"}


def test_duplicate_broadcasts_are_counted_per_oa_and_article(fake_zalo, zalo_client):
    fake_zalo.add_oa(OA, "MTTQ Bắc Ninh")
    access, _refresh = fake_zalo.tokens_for(OA)
    article_token = zalo_client.create_article(
        access,
        title="T",
        author="A",
        description="D",
        cover_url="https://x/c.jpg",
        body_html="<p>x</p>",
    )
    article_id = zalo_client.verify_article(access, article_token)
    zalo_client.broadcast(access, article_id=article_id)
    assert fake_zalo.duplicate_broadcasts() == {}
    zalo_client.broadcast(access, article_id=article_id)
    assert fake_zalo.duplicate_broadcasts() == {(OA, article_id): 2}


def test_the_fake_runs_as_a_process_seeded_from_a_file(tmp_path):
    seed = [{"add_oa": {"oa_id": OA, "name": "MTTQ Bắc Ninh", "followers": 3}}]
    with fake_process("congdong_tools.fakes.zalo", seed, tmp_path) as url:
        verifier, challenge = pkce_pair()
        with ZaloClient(
            oauth_url=url, api_url=url, app_id="42", secret_key="demo-secret", timeout=5
        ) as client:
            consent = client.permission_url(
                redirect_uri="http://127.0.0.1:9/cb", code_challenge=challenge, state="s"
            )
            answer = httpx.post(consent, data=dict(httpx.URL(consent).params) | {"oa_id": OA})
            code = httpx.URL(answer.headers["location"]).params["code"]
            tokens = client.exchange_code(code=code, code_verifier=verifier)
            assert client.followers(tokens.access_token)[0] == 3
