"""POST /su-kien/: feed items the browser showed, from beacon.js; and its no-script pixel."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from congdong.events import EventKind
from congdong.insights.models import Event
from congdong.insights.tasks import flush_events
from congdong.posts import actions
from congdong.posts.models import Post
from tests.conftest import client_for
from tests.posts.conftest import published

pytestmark = pytest.mark.django_db

URL = "/su-kien/"


def send(client: Client, body: object, **headers: str):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    # sendBeacon with a string body sends text/plain; the server reads JSON whatever the type.
    return client.post(URL, data, content_type="text/plain;charset=UTF-8", **headers)


def seen_rows() -> list[tuple[int, int | None]]:
    flush_events()
    return sorted(Event.objects.filter(kind=EventKind.FEED_SEEN).values_list("page_id", "post_id"))


@pytest.fixture
def second_post(personas, pages) -> Post:
    editor, admin = personas["kinhbac.canbo"], personas["bacninh.quantri"]
    return published(editor, admin, pages.kinh_bac, title="Tin thứ hai")


def test_a_valid_batch_is_accepted_and_recorded_once_per_item(post, second_post):
    items = [{"post": p.pk, "page": p.page_id} for p in (post, second_post, post)]
    response = send(Client(), {"seen": items})
    assert response.status_code == 204
    assert seen_rows() == sorted([(post.page_id, post.pk), (second_post.page_id, second_post.pk)])


def test_the_beacon_needs_no_csrf_token(post):
    client = Client(enforce_csrf_checks=True)
    assert send(client, {"seen": [{"post": post.pk, "page": post.page_id}]}).status_code == 204


def test_a_signed_in_citizens_items_carry_their_account(post, personas):
    editor = personas["kinhbac.canbo"]
    send(client_for(editor), {"seen": [{"post": post.pk, "page": post.page_id}]})
    flush_events()
    assert list(Event.objects.values_list("user_id", "visitor")) == [(editor.pk, f"u{editor.pk}")]


def test_unknown_hidden_or_mismatched_items_are_ignored(post, personas, pages):
    actions.hide(personas["kinhbac.canbo"], post.pk, "Thông tin cần kiểm tra lại")
    items = [
        {"post": post.pk, "page": post.page_id},  # hidden now
        {"post": 987654321, "page": post.page_id},  # no such post
        {"post": post.pk, "page": pages.ha_noi.pk},  # not that page's post
    ]
    assert send(Client(), {"seen": items}).status_code == 204
    assert seen_rows() == []


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        b"\xff\xfe",
        "[]",
        {"seen": []},
        {"seen": "12"},
        {"seen": [12]},
        {"seen": [{"post": "12", "page": 3}]},
        {"seen": [{"post": True, "page": 3}]},
        {"seen": [{"post": -1, "page": 3}]},
        {"seen": [{"post": 1}]},
    ],
    ids=lambda body: repr(body)[:30],
)
def test_a_malformed_beacon_is_refused_with_a_message(body):
    response = send(Client(), body)
    assert response.status_code == 400
    assert response.json()["detail"]
    assert seen_rows() == []


def test_more_than_fifty_items_are_refused(post):
    items = [{"post": post.pk, "page": post.page_id}] * 51
    response = send(Client(), {"seen": items})
    assert response.status_code == 400
    assert seen_rows() == []


def test_a_huge_body_is_refused(post):
    response = send(Client(), {"seen": [{"post": post.pk, "page": post.page_id}], "x": "a" * 9000})
    assert response.status_code == 400


def test_only_post_is_accepted():
    assert Client().get(URL).status_code == 405


def test_a_visitor_over_the_rate_limit_gets_429(post, settings):
    settings.EVENTS_BEACON_LIMIT = 3
    client, body = Client(), {"seen": [{"post": post.pk, "page": post.page_id}]}
    assert [send(client, body).status_code for _ in range(4)] == [204, 204, 204, 429]
    refused = send(client, body)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert refused.json()["detail"]
    assert len(seen_rows()) == 3
    # Another visitor (another address) has their own allowance.
    assert send(Client(REMOTE_ADDR="198.51.100.20"), body).status_code == 204


@pytest.mark.parametrize("headers", [{"HTTP_DNT": "1"}, {"HTTP_SEC_GPC": "1"}])
def test_a_browser_asking_not_to_be_tracked_is_answered_but_not_recorded(post, headers):
    body = {"seen": [{"post": post.pk, "page": post.page_id}]}
    assert send(Client(), body, **headers).status_code == 204
    assert seen_rows() == []


def test_the_opt_out_cookie_stops_the_beacon(post):
    client = Client()
    client.cookies["cd_khong_theo_doi"] = "1"
    assert send(client, {"seen": [{"post": post.pk, "page": post.page_id}]}).status_code == 204
    assert seen_rows() == []


def test_the_beacon_costs_one_query(post, second_post, django_assert_num_queries):
    items = [{"post": p.pk, "page": p.page_id} for p in (post, second_post)]
    with django_assert_num_queries(1):
        assert send(Client(), {"seen": items}).status_code == 204


def test_the_no_script_pixel_records_the_listed_items(post, second_post):
    seen = f"{post.page_id}.{post.pk},{second_post.page_id}.{second_post.pk},x.1,5.999999"
    response = Client().get("/su-kien/khong-js.gif", {"seen": seen})
    assert (response.status_code, response["Content-Type"]) == (200, "image/gif")
    assert "no-cache" in response["Cache-Control"]
    assert seen_rows() == sorted([(post.page_id, post.pk), (second_post.page_id, second_post.pk)])


def test_the_pixel_respects_do_not_track(post):
    response = Client().get(
        "/su-kien/khong-js.gif", {"seen": f"{post.page_id}.{post.pk}"}, HTTP_DNT="1"
    )
    assert response.status_code == 200
    assert seen_rows() == []


def test_the_pixel_tag_names_the_listed_posts(post, second_post):
    from django.template import Context, Template

    html = Template("{% load insights %}{% seen_without_js posts %}").render(
        Context({"posts": [post, second_post]})
    )
    assert html.startswith('<noscript><img src="/su-kien/khong-js.gif?seen=')
    assert f"{post.page_id}.{post.pk}%2C{second_post.page_id}.{second_post.pk}" in html
