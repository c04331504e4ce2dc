"""The Graph client against the fake Graph API, over real HTTP: every call and error mode."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest

from congdong.channels.clients.facebook import (
    GraphClient,
    GraphError,
    InvalidMetric,
    PermissionMissing,
    RateLimited,
    ServerError,
    Timeout,
    TokenExpired,
    parse_usage,
)

PAGE = "104870475678912"
ADMIN = "100200300"
JANUARY_1_2 = {"since": date(2026, 1, 1), "until": date(2026, 1, 2)}


@pytest.fixture
def page_token(fake_graph, graph_client) -> str:
    user_token = fake_graph.add_user(ADMIN, "Chị Lan")
    fake_graph.add_page(
        PAGE,
        "Mặt trận Tổ quốc tỉnh Bắc Ninh",
        website="https://congdong.example.vn/bac-ninh/",
        about="Trang chính thức — https://congdong.example.vn/bac-ninh/",
        followers=48_000,
        admins=[ADMIN],
    )
    grants = graph_client.accounts(user_token)
    return grants[0].access_token


def other_client(fake_graph, *, app_secret=None, version="v24.0", url=None) -> GraphClient:
    """A Graph client of its own (the fixture's is for the right app on v24.0)."""
    return GraphClient(
        base_url=url or fake_graph.url,
        dialog_url=url or fake_graph.url,
        version=version,
        app_id=fake_graph.app_id,
        app_secret=app_secret or fake_graph.app_secret,
        timeout=1,
    )


def _code_through_dialog(fake_graph, graph_client, user_id: str, state: str = "s1") -> str:
    url = graph_client.login_url(
        redirect_uri="http://127.0.0.1:9/cb", state=state, scopes=["pages_show_list"]
    )
    page = httpx.get(url)
    assert page.status_code == 200 and "Continue as" in page.text
    form = dict(httpx.URL(url).params) | {"user": user_id}
    answer = httpx.post(url, data=form)
    assert answer.status_code == 302
    back = httpx.URL(answer.headers["location"])
    assert back.params["state"] == state
    return back.params["code"]


def test_login_dialog_code_and_tokens_give_every_page_with_its_tasks(fake_graph, graph_client):
    fake_graph.page_size = 2
    fake_graph.add_user(ADMIN, "Chị Lan")
    for n in range(5):
        tasks = ["ANALYZE"] if n == 4 else ["CREATE_CONTENT", "MODERATE", "ANALYZE"]
        fake_graph.add_page(f"90{n}", f"Trang {n}", admins={ADMIN: tasks})
    fake_graph.add_page("999", "Trang của người khác", admins=["someone-else"])
    url = graph_client.login_url(
        redirect_uri="http://127.0.0.1:9/cb",
        state="s1",
        scopes=["pages_show_list", "read_insights"],
    )
    query = httpx.URL(url).params
    assert url.startswith(f"{fake_graph.url}/v24.0/dialog/oauth?")
    assert query["client_id"] == fake_graph.app_id
    assert query["scope"] == "pages_show_list,read_insights"

    code = _code_through_dialog(fake_graph, graph_client, ADMIN)
    short = graph_client.exchange_code(code=code, redirect_uri="http://127.0.0.1:9/cb")
    long_lived = graph_client.long_lived_user_token(short)
    assert long_lived != short
    grants = graph_client.accounts(long_lived)

    # Five pages in pages of two: the client followed the cursors to the end.
    assert [g.id for g in grants] == ["900", "901", "902", "903", "904"]
    assert grants[4].tasks == ("ANALYZE",)
    assert "CREATE_CONTENT" in grants[0].tasks
    assert all(g.access_token.startswith("EAAP") for g in grants)
    assert "access_token" not in repr(grants[0])  # never in logs


def test_a_code_works_once_and_only_with_its_redirect_uri(fake_graph, graph_client):
    fake_graph.add_user(ADMIN)
    code = _code_through_dialog(fake_graph, graph_client, ADMIN)
    with pytest.raises(GraphError) as wrong_uri:
        graph_client.exchange_code(code=code, redirect_uri="http://127.0.0.1:9/other")
    assert wrong_uri.value.code == 100
    with pytest.raises(GraphError):
        graph_client.exchange_code(code=code, redirect_uri="http://127.0.0.1:9/cb")


def test_a_wrong_app_secret_is_refused(fake_graph, graph_client):
    fake_graph.add_user(ADMIN)
    code = _code_through_dialog(fake_graph, graph_client, ADMIN)
    with (
        other_client(fake_graph, app_secret="wrong") as client,
        pytest.raises(GraphError) as refused,
    ):
        client.exchange_code(code=code, redirect_uri="http://127.0.0.1:9/cb")
    assert refused.value.code == 101


def test_permissions_name_the_declined_ones(fake_graph, graph_client):
    user_token = fake_graph.add_user(ADMIN)
    fake_graph.grant(ADMIN, "read_insights", "declined")
    permissions = graph_client.permissions(user_token)
    assert permissions["pages_manage_posts"] == "granted"
    assert permissions["read_insights"] == "declined"


def test_page_fields_show_where_the_page_points_back(graph_client, page_token):
    page = graph_client.page(PAGE, page_token)
    assert page["id"] == PAGE
    assert page["website"] == "https://congdong.example.vn/bac-ninh/"
    assert "congdong.example.vn/bac-ninh" in page["about"]
    assert page["followers_count"] == 48_000


def test_publish_posts_once_and_returns_page_and_post_ids(fake_graph, graph_client, page_token):
    post_id = graph_client.publish(
        PAGE,
        page_token,
        message="Lời kêu gọi ủng hộ đồng bào",
        link="https://congdong.example.vn/p/1",
    )
    page_part, _, post_part = post_id.partition("_")
    assert page_part == PAGE and post_part.isdigit()
    assert fake_graph.post_count(PAGE, "Lời kêu gọi ủng hộ đồng bào") == 1
    [post] = fake_graph.posts(PAGE)
    assert post.link == "https://congdong.example.vn/p/1" and post.published


def test_publish_scheduled_goes_unpublished_with_its_time(fake_graph, graph_client, page_token):
    when = datetime.now(UTC) + timedelta(hours=2)
    graph_client.publish(PAGE, page_token, message="Hẹn giờ", scheduled_at=when)
    [post] = fake_graph.posts(PAGE)
    assert not post.published
    assert post.scheduled_publish_time == int(when.timestamp())


def test_publish_photo_by_url_and_by_upload(fake_graph, graph_client, page_token):
    by_url = graph_client.publish_photo(
        PAGE, page_token, caption="Ảnh", url="https://congdong.example.vn/a.jpg"
    )
    by_upload = graph_client.publish_photo(
        PAGE, page_token, caption="Tải lên", image=b"\xff\xd8\xff" + b"0" * 500
    )
    posts = {p.id: p for p in fake_graph.posts(PAGE)}
    assert posts[by_url].photo and posts[by_url].link == "https://congdong.example.vn/a.jpg"
    assert posts[by_upload].image_bytes == 503 and posts[by_upload].message == "Tải lên"
    with pytest.raises(ValueError):
        graph_client.publish_photo(PAGE, page_token)


JPEG = b"\xff\xd8\xff" + b"0" * 500


def test_photos_uploaded_unpublished_then_attached_make_one_post(
    fake_graph, graph_client, page_token
):
    first = graph_client.upload_photo(PAGE, page_token, image=JPEG, alt_text="Bà con dự hội")
    second = graph_client.upload_photo(PAGE, page_token, url="https://congdong.example.vn/b.jpg")
    # Unpublished: nothing in the feed yet.
    assert fake_graph.posts(PAGE) == []
    photos = {p.id: p for p in fake_graph.photos(PAGE)}
    assert not photos[first].published and photos[first].alt_text == "Bà con dự hội"
    assert photos[first].image_bytes == len(JPEG)

    post_id = graph_client.publish(
        PAGE,
        page_token,
        message="Ngày hội https://congdong.example.vn/p/1",
        media_ids=[second, first],
    )
    [post] = fake_graph.posts(PAGE)
    assert post.id == post_id and post.photos == [second, first] and post.link is None
    assert {p.post_id for p in fake_graph.photos(PAGE)} == {post_id}
    with pytest.raises(ValueError):
        graph_client.publish(PAGE, page_token, message="x", link="https://a", media_ids=[first])


def test_a_photo_is_attached_to_one_post_of_its_own_page_only(fake_graph, graph_client, page_token):
    photo = graph_client.upload_photo(PAGE, page_token, image=JPEG)
    graph_client.publish(PAGE, page_token, message="Lần một", media_ids=[photo])
    with pytest.raises(GraphError) as again:
        graph_client.publish(PAGE, page_token, message="Lần hai", media_ids=[photo])
    assert again.value.code == 100 and "attached_media[0]" in again.value.message
    with pytest.raises(GraphError) as unknown:
        graph_client.publish(PAGE, page_token, message="Lạ", media_ids=["999999999"])
    assert unknown.value.code == 100 and "invalid media_fbid" in unknown.value.message
    fresh = graph_client.upload_photo(PAGE, page_token, image=JPEG)
    fake_graph.forget_photo(fresh)
    with pytest.raises(GraphError):
        graph_client.publish(PAGE, page_token, message="Đã bị xoá", media_ids=[fresh])
    assert [p.message for p in fake_graph.posts(PAGE)] == ["Lần một"]


def test_an_upload_that_is_no_image_is_refused(fake_graph, graph_client, page_token):
    with pytest.raises(GraphError) as refused:
        graph_client.upload_photo(PAGE, page_token, image=b"<svg></svg>")
    assert refused.value.code == 324
    assert fake_graph.photos(PAGE) == []


def test_photo_uploads_meet_the_same_faults(fake_graph, graph_client, page_token):
    fake_graph.fail("permission_missing", path="/photos")
    with pytest.raises(PermissionMissing):
        graph_client.upload_photo(PAGE, page_token, image=JPEG)
    fake_graph.fail("timeout", seconds=2, after_action=True, path="/photos")
    with pytest.raises(Timeout) as lost:
        graph_client.upload_photo(PAGE, page_token, image=JPEG)
    assert lost.value.outcome_unknown
    assert len(fake_graph.photos(PAGE)) == 1  # made, its answer lost


def test_insights_gives_each_day_from_since_to_until(fake_graph, graph_client, page_token):
    fake_graph.set_insight(PAGE, "page_follows", "2026-03-02", 48_123)
    days = {"since": date(2026, 3, 1), "until": date(2026, 3, 7)}
    metrics = ["page_follows", "page_media_view"]
    result = graph_client.insights(PAGE, page_token, metrics=metrics, **days)
    assert result.dropped == {}
    assert sorted(result.values["page_follows"]) == [date(2026, 3, d) for d in range(1, 8)]
    assert result.values["page_follows"][date(2026, 3, 2)] == 48_123
    assert len(result.values["page_media_view"]) == 7


def test_insights_drops_a_retired_metric_keeps_the_others_and_says_why(
    fake_graph, graph_client, page_token
):
    # page_fans was retired on 15 Nov 2025 for every version: asking for it fails the whole call.
    days = {"since": date(2026, 1, 1), "until": date(2026, 1, 31)}
    metrics = ["page_follows", "page_fans", "page_media_view"]
    result = graph_client.insights(PAGE, page_token, metrics=metrics, **days)
    assert set(result.dropped) == {"page_fans"}
    assert "(#100)" in result.dropped["page_fans"]
    assert "valid insights metric" in result.dropped["page_fans"]
    assert "page_fans" not in result.values
    assert len(result.values["page_follows"]) == 31
    assert len(result.values["page_media_view"]) == 31


def test_insights_splits_long_ranges_and_asks_only_for_valid_metrics_after_a_drop(
    fake_graph, graph_client, page_token
):
    fake_graph.calls.clear()
    days = {"since": date(2025, 10, 1), "until": date(2026, 3, 31)}
    metrics = ["page_follows", "page_impressions_unique"]
    result = graph_client.insights(PAGE, page_token, metrics=metrics, **days)
    days = (date(2026, 3, 31) - date(2025, 10, 1)).days + 1  # 182 days: three calls' worth
    assert len(result.values["page_follows"]) == days
    assert set(result.dropped) == {"page_impressions_unique"}
    insight_calls = [path for method, path in fake_graph.calls if "/insights" in path]
    # Chunk 1: the pair fails, then each alone (2); chunks 2 and 3: only page_follows.
    assert len(insight_calls) == 1 + 2 + 2


def test_a_metric_retired_from_a_later_version_still_works_on_the_earlier(fake_graph, page_token):
    fake_graph.retire_metric("page_views_total", since_version="v25.0")
    results = {}
    for version in ("v24.0", "v25.0"):
        with other_client(fake_graph, version=version) as client:
            results[version] = client.insights(
                PAGE, page_token, metrics=["page_views_total"], **JANUARY_1_2
            )
    assert results["v24.0"].dropped == {} and len(results["v24.0"].values["page_views_total"]) == 2
    assert set(results["v25.0"].dropped) == {"page_views_total"}


def test_insights_without_permission_is_permission_missing_not_a_dropped_metric(
    fake_graph, graph_client, page_token
):
    fake_graph.grant(ADMIN, "read_insights", "declined")
    with pytest.raises(PermissionMissing) as missing:
        graph_client.insights(PAGE, page_token, metrics=["page_follows"], **JANUARY_1_2)
    assert missing.value.permission == "read_insights"


def test_a_single_invalid_metric_answer_on_a_valid_metric_is_not_a_drop(
    fake_graph, graph_client, page_token
):
    fake_graph.fail("invalid_metric", times=1, path="/insights")
    result = graph_client.insights(PAGE, page_token, metrics=["page_follows"], **JANUARY_1_2)
    assert result.dropped == {}
    assert len(result.values["page_follows"]) == 2


def test_comments_reply_and_hide(fake_graph, graph_client, page_token):
    post_id = graph_client.publish(PAGE, page_token, message="Bài viết")
    comment = fake_graph.add_comment(PAGE, message="Đường làng bị ngập", post_id=post_id)
    [seen] = graph_client.comments(post_id, page_token)
    assert seen["id"] == comment.id and seen["message"] == "Đường làng bị ngập"
    assert seen["from"]["name"] == "Nguyễn Văn A" and seen["is_hidden"] is False

    reply_id = graph_client.reply(comment.id, page_token, "Cảm ơn bạn, chúng tôi đã chuyển")
    [reply] = fake_graph.comments_on(comment.id)
    assert reply.id == reply_id and reply.from_id == PAGE

    graph_client.hide(comment.id, page_token)
    assert fake_graph.comments[comment.id].is_hidden
    graph_client.hide(comment.id, page_token, hidden=False)
    assert not fake_graph.comments[comment.id].is_hidden


def test_subscribe_installs_the_feed_webhook_with_a_page_token(
    fake_graph, graph_client, page_token
):
    graph_client.subscribe(PAGE, page_token)
    assert fake_graph.pages[PAGE].subscribed_fields == ["feed"]
    user_token = fake_graph.token_for(ADMIN)
    with pytest.raises(GraphError) as refused:
        graph_client.subscribe(PAGE, user_token)
    assert refused.value.code == 210


def test_revoke_makes_the_tokens_stop_working(fake_graph, graph_client, page_token):
    graph_client.revoke(page_token)
    with pytest.raises(TokenExpired):
        graph_client.publish(PAGE, page_token, message="sau khi ngắt")


# --- error modes ---------------------------------------------------------------------------


def test_an_expired_token_is_token_expired(fake_graph, graph_client, page_token):
    fake_graph.fail("token_expired", target=PAGE)
    with pytest.raises(TokenExpired) as expired:
        graph_client.publish(PAGE, page_token, message="x")
    assert (expired.value.code, expired.value.subcode) == (190, 463)
    assert expired.value.fbtrace_id
    assert not expired.value.retryable
    # Once: the next call goes through.
    graph_client.publish(PAGE, page_token, message="x")


def test_an_unknown_token_is_token_expired(graph_client, page_token):
    with pytest.raises(TokenExpired):
        graph_client.page(PAGE, "EAAPnot-a-token")


def test_a_missing_permission_names_the_permission(fake_graph, graph_client, page_token):
    fake_graph.grant(ADMIN, "pages_manage_posts", "declined")
    with pytest.raises(PermissionMissing) as missing:
        graph_client.publish(PAGE, page_token, message="x")
    assert missing.value.code == 200
    assert missing.value.permission == "pages_manage_posts"
    fake_graph.fail("permission_missing", permission="pages_manage_engagement")
    with pytest.raises(PermissionMissing) as forced:
        graph_client.page(PAGE, page_token)
    assert forced.value.permission == "pages_manage_engagement"
    fake_graph.fail("permission_missing", code=10, permission="pages_read_engagement")
    with pytest.raises(PermissionMissing) as older_wording:
        graph_client.page(PAGE, page_token)
    assert older_wording.value.code == 10
    assert older_wording.value.permission == "pages_read_engagement"


@pytest.mark.parametrize(
    ("code", "header", "section"),
    [
        (80001, "business", "business"),
        (32, "page", "page"),
        (4, "app", "app"),
        (613, "business", "business"),
    ],
)
def test_rate_limits_are_rate_limited_with_the_wait_from_the_usage_headers(
    fake_graph, graph_client, page_token, code, header, section
):
    fake_graph.fail("rate_limited", code=code, regain_minutes=3)
    with pytest.raises(RateLimited) as limited:
        graph_client.publish(PAGE, page_token, message="x")
    assert limited.value.code == code
    assert limited.value.retryable
    assert section in limited.value.usage
    assert graph_client.last_usage["percent"] == 100
    if code != 4:
        assert limited.value.retry_after == 180
    assert fake_graph.posts(PAGE) == []


def test_a_real_rate_limit_fills_the_usage_headers_then_refuses(
    fake_graph, graph_client, page_token
):
    fake_graph.rate_limit(calls=4, window=60)
    graph_client.page(PAGE, page_token)
    graph_client.page(PAGE, page_token)
    usage = graph_client.last_usage
    assert usage["business"][PAGE][0]["call_count"] == 50
    assert usage["percent"] == 50
    graph_client.page(PAGE, page_token)
    graph_client.page(PAGE, page_token)
    assert graph_client.last_usage["percent"] == 100
    with pytest.raises(RateLimited) as limited:
        graph_client.page(PAGE, page_token)
    assert limited.value.code == 80001
    assert 55 < limited.value.retry_after <= 60


def test_the_rate_limit_window_frees_up(fake_graph, graph_client, page_token):
    fake_graph.rate_limit(calls=1, window=0.3)
    graph_client.page(PAGE, page_token)
    with pytest.raises(RateLimited) as limited:
        graph_client.page(PAGE, page_token)
    assert 0 < limited.value.retry_after <= 0.3
    time.sleep(limited.value.retry_after + 0.05)
    graph_client.page(PAGE, page_token)


def test_server_errors_are_retryable(fake_graph, graph_client, page_token):
    fake_graph.fail("server_error")
    with pytest.raises(ServerError) as failed:
        graph_client.publish(PAGE, page_token, message="x")
    assert failed.value.code == 1 and failed.value.retryable
    fake_graph.fail("server_error", html=True)
    with pytest.raises(ServerError) as bare:
        graph_client.publish(PAGE, page_token, message="x")
    assert bare.value.status == 502
    assert fake_graph.posts(PAGE) == []


def test_a_fault_after_some_calls_hits_only_its_page(fake_graph, graph_client, page_token):
    fake_graph.add_page("222", "Trang khác", admins=[ADMIN])
    other = next(g for g in graph_client.accounts(fake_graph.token_for(ADMIN)) if g.id == "222")
    fake_graph.fail("server_error", after=1, target=PAGE, times=None)
    graph_client.publish(PAGE, page_token, message="1")
    graph_client.publish("222", other.access_token, message="1")
    with pytest.raises(ServerError):
        graph_client.publish(PAGE, page_token, message="2")
    graph_client.publish("222", other.access_token, message="2")


def test_a_slow_answer_is_a_timeout(fake_graph, graph_client, page_token):
    fake_graph.fail("timeout", seconds=5)
    started = time.monotonic()
    with pytest.raises(Timeout) as slow:
        graph_client.publish(PAGE, page_token, message="x")
    assert time.monotonic() - started < 2
    assert slow.value.retryable
    # The fake holds before doing anything, but the client cannot know that.
    assert slow.value.outcome_unknown
    assert fake_graph.posts(PAGE) == []


def test_a_timeout_after_the_post_was_made_leaves_the_post(fake_graph, graph_client, page_token):
    # The case that makes blind retries post twice: the delivery state must come from our rows.
    fake_graph.fail("timeout", seconds=5, after_action=True)
    with pytest.raises(Timeout) as lost:
        graph_client.publish(PAGE, page_token, message="đã đăng")
    assert lost.value.outcome_unknown  # the request went out: look before retrying
    assert fake_graph.post_count(PAGE, "đã đăng") == 1
    # Looking at the feed tells the delivery it did post.
    [latest] = graph_client.feed(PAGE, page_token, limit=5)
    assert latest["message"] == "đã đăng"
    assert latest["permalink_url"].startswith("https://www.facebook.com/")


def test_an_unreachable_graph_is_a_server_error(fake_graph):
    url = fake_graph.url
    fake_graph.stop()
    with other_client(fake_graph, url=url) as client, pytest.raises(ServerError) as unreachable:
        client.page(PAGE, "token")
    assert not unreachable.value.outcome_unknown  # nothing was sent


def test_tokens_travel_in_headers_with_an_appsecret_proof(fake_graph, graph_client, page_token):
    fake_graph.require_proof = True
    graph_client.page(PAGE, page_token)  # the client's proof is accepted
    with (
        other_client(fake_graph, app_secret="another-secret") as other_app,
        pytest.raises(GraphError) as refused,
    ):
        other_app.page(PAGE, page_token)
    assert refused.value.code == 100
    assert "appsecret_proof" in refused.value.message


def test_insights_refuses_a_range_graph_would_refuse(graph_client, page_token):
    # The client never sends more than 90 days, so a long range never reaches this refusal.
    result = graph_client.insights(
        PAGE, page_token, metrics=["page_follows"], since=date(2025, 1, 1), until=date(2025, 12, 31)
    )
    assert len(result.values["page_follows"]) == 365


def test_invalid_metric_only_on_insights_calls(fake_graph, graph_client, page_token):
    fake_graph.fail("invalid_metric", times=None)
    graph_client.page(PAGE, page_token)  # not an insights call: the fault does not apply
    days = {"since": date(2026, 1, 1), "until": date(2026, 1, 1)}
    metrics = ["page_follows", "page_media_view"]
    result = graph_client.insights(PAGE, page_token, metrics=metrics, **days)
    assert set(result.dropped) == {"page_follows", "page_media_view"}
    assert result.values == {}


def test_a_posts_insights_come_the_same_way(fake_graph, graph_client, page_token):
    post_id = graph_client.publish(PAGE, page_token, message="Bài viết")
    days = {"since": date(2026, 1, 1), "until": date(2026, 1, 3)}
    metrics = ["post_total_media_view_unique", "post_impressions_unique"]
    result = graph_client.insights(post_id, page_token, metrics=metrics, **days)
    assert set(result.dropped) == {"post_impressions_unique"}
    assert len(result.values["post_total_media_view_unique"]) == 3


def test_from_settings_reads_the_channel_settings(fake_graph, settings):
    settings.FACEBOOK_GRAPH_URL = fake_graph.url
    settings.FACEBOOK_DIALOG_URL = fake_graph.url
    settings.FACEBOOK_GRAPH_VERSION = "v23.0"
    settings.FACEBOOK_APP_ID = fake_graph.app_id
    settings.FACEBOOK_APP_SECRET = fake_graph.app_secret
    settings.CHANNEL_TIMEOUT = 3
    user_token = fake_graph.add_user(ADMIN)
    with GraphClient.from_settings() as client:
        assert client.timeout == 3
        assert client.login_url(redirect_uri="http://x/cb", state="s", scopes=[]).startswith(
            f"{fake_graph.url}/v23.0/dialog/oauth?"
        )
        assert client.permissions(user_token)["pages_manage_posts"] == "granted"
    assert ("GET", "/v23.0/me/permissions") in fake_graph.calls


def test_usage_headers_in_the_documented_shapes_are_read():
    # The examples of https://developers.facebook.com/docs/graph-api/overview/rate-limiting/
    headers = httpx.Headers(
        {
            "X-App-Usage": '{"call_count":28,"total_time":25,"total_cputime":25}',
            "X-Business-Use-Case-Usage": '{"112233445566778899":[{"type":"pages",'
            '"call_count":100,"total_cputime":25,"total_time":25,'
            '"estimated_time_to_regain_access":19}]}',
            "X-Page-Usage": "not json",
        }
    )
    usage = parse_usage(headers)
    assert usage["app"]["call_count"] == 28
    assert usage["business"]["112233445566778899"][0]["type"] == "pages"
    assert "page" not in usage  # unreadable: left out, not an error
    assert usage["percent"] == 100
    assert usage["regain_seconds"] == 19 * 60
    assert parse_usage(httpx.Headers({})) == {}


def test_another_100_on_insights_is_an_error_not_a_dropped_metric(
    fake_graph, graph_client, page_token
):
    fake_graph.fail("invalid_metric", message="(#100) The since parameter must be a date")
    with pytest.raises(GraphError) as refused:
        graph_client.insights(PAGE, page_token, metrics=["page_follows"], **JANUARY_1_2)
    assert refused.value.code == 100
    assert not isinstance(refused.value, InvalidMetric)
