"""The Zalo client against the fake Zalo OA API, over real HTTP: every call and error mode."""

from __future__ import annotations

import base64
import hashlib
import re
import time

import httpx
import pytest

from congdong.channels.clients.zalo import (
    InvalidToken,
    NotReady,
    PermissionMissing,
    RateLimited,
    ServerError,
    Timeout,
    ZaloClient,
    ZaloError,
    pkce_challenge,
    pkce_pair,
)

OA = "579745863508352884"
REDIRECT = "http://127.0.0.1:9/zalo/cb"


@pytest.fixture
def oa(fake_zalo):
    return fake_zalo.add_oa(
        OA,
        "Mặt trận Tổ quốc tỉnh Bắc Ninh",
        description="Kênh chính thức — https://congdong.example.vn/bac-ninh/",
        followers=120,
    )


@pytest.fixture
def tokens(fake_zalo, zalo_client, oa):
    verifier, challenge = pkce_pair()
    code = _consent(fake_zalo, zalo_client, challenge)
    return zalo_client.exchange_code(code=code, code_verifier=verifier)


def a_small_article(zalo_client, tokens, cover_url: str = "https://x/c.jpg") -> str:
    """Creates an article of one-letter fields; gives its token."""
    return zalo_client.create_article(
        tokens.access_token,
        title="T",
        author="A",
        description="D",
        cover_url=cover_url,
        body_html="<p>x</p>",
    )


def _consent(fake_zalo, zalo_client, challenge: str, state: str = "st-1") -> str:
    """The OA admin goes through the fake's consent page and picks the OA."""
    url = zalo_client.permission_url(redirect_uri=REDIRECT, code_challenge=challenge, state=state)
    page = httpx.get(url)
    assert page.status_code == 200 and "Cho phép" in page.text
    answer = httpx.post(url, data=dict(httpx.URL(url).params) | {"oa_id": OA})
    assert answer.status_code == 302
    back = httpx.URL(answer.headers["location"])
    assert back.params["oa_id"] == OA and back.params["state"] == state
    return back.params["code"]


def test_pkce_challenge_is_the_rfc_7636_s256():
    # RFC 7636, appendix B.
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert pkce_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_pkce_pair_is_fresh_and_well_formed():
    verifier, challenge = pkce_pair()
    assert 43 <= len(verifier) <= 128 and re.fullmatch(r"[A-Za-z0-9_~.-]+", verifier)
    digest = hashlib.sha256(verifier.encode()).digest()
    assert challenge == base64.urlsafe_b64encode(digest).decode().rstrip("=")
    assert "=" not in challenge
    assert pkce_pair()[0] != verifier


def test_permission_url_carries_the_app_and_the_challenge(zalo_client):
    url = zalo_client.permission_url(redirect_uri=REDIRECT, code_challenge="abc", state="s")
    params = httpx.URL(url).params
    assert url.startswith(f"{zalo_client.oauth_url}/v4/oa/permission?")
    assert params["app_id"] == zalo_client.app_id
    assert (params["code_challenge"], params["state"], params["redirect_uri"]) == (
        "abc",
        "s",
        REDIRECT,
    )


def test_consent_then_code_exchange_gives_25_hour_tokens(tokens):
    assert tokens.access_token and tokens.refresh_token
    assert tokens.expires_in == 25 * 3600
    assert tokens.access_token not in repr(tokens)


def test_the_fake_refuses_a_wrong_verifier(fake_zalo, zalo_client, oa):
    _verifier, challenge = pkce_pair()
    code = _consent(fake_zalo, zalo_client, challenge)
    other_verifier, _ = pkce_pair()
    with pytest.raises(InvalidToken) as refused:
        zalo_client.exchange_code(code=code, code_verifier=other_verifier)
    assert "code_verifier" in refused.value.message


def test_a_code_is_single_use(fake_zalo, zalo_client, oa):
    verifier, challenge = pkce_pair()
    code = _consent(fake_zalo, zalo_client, challenge)
    zalo_client.exchange_code(code=code, code_verifier=verifier)
    with pytest.raises(InvalidToken):
        zalo_client.exchange_code(code=code, code_verifier=verifier)


def test_refresh_rotates_and_the_old_refresh_token_is_refused_after_use(zalo_client, tokens):
    fresh = zalo_client.refresh(tokens.refresh_token)
    assert fresh.refresh_token != tokens.refresh_token
    assert fresh.access_token != tokens.access_token
    with pytest.raises(InvalidToken) as reused:
        zalo_client.refresh(tokens.refresh_token)
    assert "already used" in reused.value.message
    # The new pair works: its access token, and its refresh token once.
    assert zalo_client.oa_info(fresh.access_token)["oa_id"] == OA
    zalo_client.refresh(fresh.refresh_token)


def test_a_refresh_whose_answer_was_lost_has_still_used_the_token(fake_zalo, zalo_client, tokens):
    # Why the new refresh token must be stored before anything else: a lost answer costs consent.
    fake_zalo.fail("timeout", path="/access_token", seconds=5, after_action=True)
    with pytest.raises(Timeout):
        zalo_client.refresh(tokens.refresh_token)
    with pytest.raises(InvalidToken):
        zalo_client.refresh(tokens.refresh_token)


def test_a_wrong_secret_key_is_refused(fake_zalo, oa):
    verifier, challenge = pkce_pair()
    with ZaloClient(
        oauth_url=fake_zalo.url,
        api_url=fake_zalo.url,
        app_id=fake_zalo.app_id,
        secret_key="wrong",
        timeout=1,
    ) as client:
        code = _consent(fake_zalo, client, challenge)
        with pytest.raises(InvalidToken) as refused:
            client.exchange_code(code=code, code_verifier=verifier)
    assert "secret" in refused.value.message.lower()


def test_oa_info_shows_where_the_oa_points_back(zalo_client, tokens):
    info = zalo_client.oa_info(tokens.access_token)
    assert info["oa_id"] == OA
    assert info["name"] == "Mặt trận Tổ quốc tỉnh Bắc Ninh"
    assert "congdong.example.vn/bac-ninh" in info["description"]
    assert info["num_follower"] == 120


def test_followers_total_and_slices_of_at_most_50(zalo_client, tokens):
    total, first = zalo_client.followers(tokens.access_token)
    assert total == 120 and len(first) == 50
    total, last = zalo_client.followers(tokens.access_token, offset=100, count=80)
    assert total == 120 and len(last) == 20
    assert not set(first) & set(last)


def test_article_create_verify_broadcast_once(fake_zalo, zalo_client, tokens):
    article_token = zalo_client.create_article(
        tokens.access_token,
        title="Lời kêu gọi ủng hộ đồng bào bị lũ lụt " * 6,  # 228 characters: cut to 150
        author="Ban Thường trực",
        description="Tóm tắt",
        cover_url="https://congdong.example.vn/media/cover.jpg",
        body_html="<p>Nội dung</p>",
    )
    [article] = fake_zalo.articles(OA)
    assert len(article.title) == 150 and article.body == [
        {"type": "text", "content": "<p>Nội dung</p>"}
    ]
    article_id = zalo_client.verify_article(tokens.access_token, article_token)
    message_id = zalo_client.broadcast(tokens.access_token, article_id=article_id, cities=["4", 9])
    [sent] = fake_zalo.broadcasts(OA)
    assert sent.message_id == message_id and sent.target == {"cities": "4,9"}
    assert fake_zalo.broadcast_count(OA, article_id) == 1


def test_an_article_without_a_cover_is_refused_with_zalos_reason(zalo_client, tokens):
    with pytest.raises(ZaloError) as refused:
        a_small_article(zalo_client, tokens, cover_url="")
    assert refused.value.code == -201 and "cover" in refused.value.message
    assert not refused.value.retryable


def test_send_text_inside_the_7_day_window_only(fake_zalo, zalo_client, tokens, receiver):
    with pytest.raises(ZaloError) as outside:
        zalo_client.send_text(tokens.access_token, user_id="8400000000000001", text="Chào bạn")
    assert outside.value.code == -230
    fake_zalo.send_user_text(OA, to_url=receiver.url, user_id="8400000000000001", text="Hỏi")
    message_id = zalo_client.send_text(
        tokens.access_token, user_id="8400000000000001", text="Chào bạn"
    )
    [sent] = fake_zalo.messages
    assert sent.message_id == message_id and sent.text == "Chào bạn"


# --- error modes ---------------------------------------------------------------------------


def test_an_invalid_token_is_invalid_token_not_expired(zalo_client, oa):
    with pytest.raises(InvalidToken) as invalid:
        zalo_client.oa_info("not-a-token")
    assert invalid.value.code == -216 and not invalid.value.expired


def test_an_expired_token_is_invalid_token_expired(fake_zalo, zalo_client, tokens):
    fake_zalo.fail("token_expired")
    with pytest.raises(InvalidToken) as expired:
        zalo_client.oa_info(tokens.access_token)
    assert expired.value.code == -124 and expired.value.expired
    zalo_client.oa_info(tokens.access_token)  # the fault was for one call
    fake_zalo.expire_token(tokens.access_token)
    with pytest.raises(InvalidToken) as for_good:
        zalo_client.oa_info(tokens.access_token)
    assert for_good.value.expired


def test_a_token_fault_on_one_oa_leaves_the_others(fake_zalo, zalo_client, tokens):
    fake_zalo.add_oa("111", "OA khác")
    other_access, _ = fake_zalo.tokens_for("111")
    fake_zalo.fail("token_invalid", target=OA, times=None)
    assert zalo_client.oa_info(other_access)["oa_id"] == "111"
    with pytest.raises(InvalidToken):
        zalo_client.oa_info(tokens.access_token)


def test_a_missing_permission_is_permission_missing(fake_zalo, zalo_client, tokens):
    fake_zalo.fail("permission_missing", path="/oa/message")
    with pytest.raises(PermissionMissing) as missing:
        zalo_client.broadcast(tokens.access_token, article_id="x")
    assert missing.value.code == -224


def test_rate_limit_and_quota_are_rate_limited(fake_zalo, zalo_client, tokens):
    fake_zalo.fail("rate_limited")
    with pytest.raises(RateLimited) as per_minute:
        zalo_client.oa_info(tokens.access_token)
    assert per_minute.value.code == -32 and per_minute.value.retryable
    fake_zalo.fail("quota")
    with pytest.raises(RateLimited) as quota:
        zalo_client.oa_info(tokens.access_token)
    assert quota.value.code == -211


def test_a_real_rate_limit_refuses_past_its_calls(fake_zalo, zalo_client, tokens):
    fake_zalo.rate_limit(calls=2, window=60)
    zalo_client.oa_info(tokens.access_token)
    zalo_client.followers(tokens.access_token)
    with pytest.raises(RateLimited):
        zalo_client.oa_info(tokens.access_token)


def test_the_broadcast_quota_runs_out(fake_zalo, zalo_client, tokens):
    fake_zalo.oas[OA].broadcasts_left = 1
    article_token = a_small_article(zalo_client, tokens)
    article_id = zalo_client.verify_article(tokens.access_token, article_token)
    zalo_client.broadcast(tokens.access_token, article_id=article_id)
    with pytest.raises(RateLimited) as out:
        zalo_client.broadcast(tokens.access_token, article_id=article_id)
    assert out.value.code == -211
    assert fake_zalo.broadcast_count(OA, article_id) == 1


def test_an_article_still_processing_is_not_ready_then_verifies(fake_zalo, zalo_client, tokens):
    article_token = a_small_article(zalo_client, tokens)
    fake_zalo.fail("processing", times=2)
    for _ in range(2):
        with pytest.raises(NotReady) as processing:
            zalo_client.verify_article(tokens.access_token, article_token)
        assert processing.value.code == -214 and processing.value.retryable
    assert zalo_client.verify_article(tokens.access_token, article_token)


def test_server_errors_are_retryable(fake_zalo, zalo_client, tokens):
    fake_zalo.fail("server_error")
    with pytest.raises(ServerError) as failed:
        zalo_client.oa_info(tokens.access_token)
    assert failed.value.retryable
    fake_zalo.fail("server_error", html=True)
    with pytest.raises(ServerError) as bare:
        zalo_client.oa_info(tokens.access_token)
    assert bare.value.status == 502


def test_a_slow_answer_is_a_timeout(fake_zalo, zalo_client, tokens):
    fake_zalo.fail("timeout", seconds=5)
    started = time.monotonic()
    with pytest.raises(Timeout) as slow:
        zalo_client.oa_info(tokens.access_token)
    assert time.monotonic() - started < 2 and slow.value.retryable


def test_an_unreachable_zalo_is_a_server_error(fake_zalo):
    url = fake_zalo.url
    fake_zalo.stop()
    with (
        ZaloClient(oauth_url=url, api_url=url, app_id="1", secret_key="s", timeout=1) as client,
        pytest.raises(ServerError),
    ):
        client.oa_info("token")


def test_from_settings_reads_the_channel_settings(fake_zalo, settings, oa):
    settings.ZALO_OAUTH_URL = fake_zalo.url
    settings.ZALO_API_URL = fake_zalo.url
    settings.ZALO_APP_ID = fake_zalo.app_id
    settings.ZALO_SECRET_KEY = fake_zalo.secret_key
    settings.CHANNEL_TIMEOUT = 3
    access, refresh = fake_zalo.tokens_for(OA)
    with ZaloClient.from_settings() as client:
        assert client.timeout == 3
        assert client.oa_info(access)["oa_id"] == OA
        assert client.refresh(refresh).access_token
