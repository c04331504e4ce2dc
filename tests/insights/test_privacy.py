"""/quyen-rieng-tu/: what is recorded, and the switch to stop it on this browser."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from congdong.events import EventKind
from congdong.events.visitors import OPT_OUT_COOKIE
from congdong.insights.models import Event
from congdong.insights.tasks import flush_events

pytestmark = pytest.mark.django_db

URL = "/quyen-rieng-tu/"


def test_the_privacy_page_is_linked_from_every_page():
    html = Client().get("/").content.decode()
    assert 'id="privacy-link"' in html and f'href="{URL}"' in html


def test_the_privacy_page_offers_to_stop_recording():
    response = Client().get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-opted-out="0"' in html
    assert 'name="choice" value="opt-out"' in html


def test_opting_out_sets_a_cookie_for_a_year_and_stops_recording(post):
    client = Client(enforce_csrf_checks=False)
    response = client.post(URL, {"choice": "opt-out"})
    assert response.status_code == 302
    cookie = response.cookies[OPT_OUT_COOKIE]
    assert cookie.value == "1"
    assert int(cookie["max-age"]) == 365 * 24 * 3600
    assert cookie["samesite"] == "Lax"
    assert not cookie["httponly"]  # beacon.js reads it

    assert 'data-opted-out="1"' in client.get(URL).content.decode()
    client.get(f"/trang/{post.page.slug}/tin/{post.pk}/")
    client.post(
        "/su-kien/",
        json.dumps({"seen": [{"post": post.pk, "page": post.page_id}]}),
        content_type="text/plain",
    )
    flush_events()
    assert not Event.objects.exists()


def test_opting_back_in_clears_the_cookie_and_recording_resumes(post):
    client = Client()
    client.post(URL, {"choice": "opt-out"})
    response = client.post(URL, {"choice": "opt-in"})
    assert response.status_code == 302
    assert response.cookies[OPT_OUT_COOKIE].value == ""
    client.get(f"/trang/{post.page.slug}/tin/{post.pk}/")
    flush_events()
    assert Event.objects.filter(kind=EventKind.POST_VIEW, post_id=post.pk).count() == 1


def test_the_choice_needs_the_csrf_token():
    assert Client(enforce_csrf_checks=True).post(URL, {"choice": "opt-out"}).status_code == 403


def test_the_page_notices_a_browser_that_already_asks_not_to_be_tracked():
    html = Client().get(URL, HTTP_SEC_GPC="1").content.decode()
    assert 'id="privacy-browser-signal"' in html
