"""Figures that leaders judge by cannot be bought from one address (issue 15, point 4).

An outside test made 40 "referrals" from one address by sending 40 User-Agents, and pushed
thousands of view events past the beacon limit the same way. Every anonymous count and limit
is now per network address (an IPv6 client: its /64), never per anything the client can
change for free (User-Agent, cookies, other headers); leaderboards rank by signed-in
recipients and one anonymous open per address per page per day, and say so.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from congdong.engagement.actions import referrals
from congdong.engagement.models import PageCounter, ReferralOpen
from congdong.events import EventKind
from congdong.insights.figures import METRIC_BY_KEY
from congdong.insights.models import Event
from congdong.insights.tasks import flush_events
from congdong.posts.models import Post
from tests.conftest import client_for
from tests.engagement.conftest import citizen
from tests.insights.conftest import no_events_yet  # noqa: F401 (autouse: a clean slate)
from tests.posts.conftest import pages, published, regulation, submitted  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.40"
# What a script sends from one address: a new browser and a new cookie on every request.
AGENTS = [f"Mozilla/5.0 (X11; Linux x86_64) Chrome/{100 + i}.0 Safari/537.36" for i in range(12)]


def scripted(i: int, address: str = ADDRESS) -> Client:
    client = Client(HTTP_USER_AGENT=AGENTS[i % len(AGENTS)], REMOTE_ADDR=address)
    client.cookies["cd_session_hint"] = f"x{i}"
    return client


@pytest.fixture
def post(personas, pages) -> Post:  # noqa: F811 (the fixture imported above)
    return published(personas["kinhbac.canbo"], personas["bacninh.quantri"], pages.kinh_bac)


@pytest.fixture
def code(personas) -> str:
    """The referral code of the commune operator (the staff leaderboard ranks them)."""
    return referrals.code_for(personas["kinhbac.canbo"])


def _web_page(post: Post) -> str:
    return reverse("pages:public", args=[post.page.slug])


def _web_post(post: Post) -> str:
    return reverse("posts:public", args=[post.page.slug, post.pk])


def _api_page(post: Post) -> str:
    return f"/api/v1/public/pages/{post.page.slug}"


def _api_post(post: Post) -> str:
    return f"/api/v1/public/posts/{post.pk}"


@pytest.mark.parametrize("where", [_web_page, _web_post, _api_page, _api_post])
def test_one_address_with_many_user_agents_is_one_referral(post, code, where):
    for i in range(len(AGENTS)):
        assert scripted(i).get(where(post), {"gt": code}).status_code == 200
    assert PageCounter.objects.get(page=post.page).referrals == 1
    assert ReferralOpen.objects.count() == 1


def test_an_ipv6_client_changing_its_address_inside_its_64_is_one_referral(post, code):
    for i in range(1, 9):
        scripted(i, address=f"2001:db8:40:7::{i:x}").get(_web_page(post), {"gt": code})
    assert PageCounter.objects.get(page=post.page).referrals == 1
    # Another subscriber (another /64) is another recipient.
    scripted(0, address="2001:db8:40:8::1").get(_web_page(post), {"gt": code})
    assert PageCounter.objects.get(page=post.page).referrals == 2


def test_signed_in_recipients_count_one_each_even_from_one_address(post, code):
    scripted(0).get(_web_page(post), {"gt": code})  # an anonymous open from the address
    for i in range(3):
        person = citizen(f"+8491240000{i}", f"Người nhận {i}")
        client = client_for(person)
        client.defaults.update(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=AGENTS[i])
        client.get(_web_page(post), {"gt": code})
        client.get(_web_page(post), {"gt": code})  # the same account again: still one
    for i in range(1, 6):
        scripted(i).get(_web_page(post), {"gt": code})  # the address again: nothing more
    assert PageCounter.objects.get(page=post.page).referrals == 4


def test_an_address_opening_referrals_to_many_pages_is_limited_per_hour(pages, code, settings):  # noqa: F811
    settings.REFERRAL_OPEN_LIMIT = 2
    for i, page in enumerate((pages.kinh_bac, pages.bac_ninh, pages.ha_noi)):
        response = scripted(i).get(reverse("pages:public", args=[page.slug]), {"gt": code})
        assert response.status_code == 200  # the page is shown whatever was counted
    assert ReferralOpen.objects.count() == 2
    # Another address is not held by this one's limit.
    scripted(0, address="198.51.100.41").get(
        reverse("pages:public", args=[pages.ha_noi.slug]), {"gt": code}
    )
    assert ReferralOpen.objects.count() == 3


def test_the_leaderboard_ranks_what_was_counted_and_says_what_that_is(post, code, personas):
    for i in range(len(AGENTS)):
        scripted(i).get(_web_post(post), {"gt": code})
    staff = client_for(personas["bacninh.quantri"]).get(reverse("engagement:leaderboard"))
    html = staff.content.decode()
    assert f'data-referrals="{post.page.slug}">1<' in html
    operator = personas["kinhbac.canbo"]
    row = html[html.index(operator.full_name) :]
    assert row.split("<td>")[1].startswith("1<")  # one referral, not one per User-Agent
    # The definition shown is the dashboards' one, and it says what is counted.
    with translation.override("en"):
        definition = str(METRIC_BY_KEY["referrals"].definition)
    assert "network address" in definition and "per page per day" in definition
    english = Client()
    english.cookies["django_language"] = "en"
    english = english.get(reverse("engagement:leaderboard"))
    assert "network address (IPv6: its /64) per page per day" in english.content.decode()
    vietnamese = Client().get(reverse("engagement:leaderboard"))  # Vietnamese first
    assert "địa chỉ mạng" in vietnamese.content.decode()


def _beacon(client: Client, post: Post) -> int:
    body = json.dumps({"seen": [{"post": post.pk, "page": post.page_id}]})
    return client.post("/su-kien/", body, content_type="text/plain;charset=UTF-8").status_code


def _pixel(client: Client, post: Post) -> int:
    response = client.get("/su-kien/khong-js.gif", {"seen": f"{post.page_id}.{post.pk}"})
    assert response.status_code == 200  # the pixel is always an image
    return response.status_code


@pytest.mark.parametrize("send", [_beacon, _pixel])
def test_rotating_user_agents_share_one_beacon_allowance_per_address(post, send, settings):
    settings.EVENTS_BEACON_LIMIT = 3
    for i in range(10):
        send(scripted(i), post)
    flush_events()
    # Three a minute per address, whatever the browser says (before: all ten). A run that
    # straddles the minute's edge meets two windows, so at most six.
    assert 3 <= Event.objects.filter(kind=EventKind.FEED_SEEN).count() <= 6


def test_the_beacon_refuses_the_fourth_browser_of_one_address(post, settings):
    settings.EVENTS_BEACON_LIMIT = 3
    codes = [_beacon(scripted(i), post) for i in range(5)]
    assert codes == [204, 204, 204, 429, 429]
    assert _beacon(scripted(0, address="198.51.100.42"), post) == 204


def test_reach_counts_one_anonymous_visitor_per_address_whatever_the_browser(post):
    for i in range(len(AGENTS)):
        scripted(i).get(_web_post(post))
    scripted(0, address="198.51.100.43").get(_web_post(post))
    flush_events()
    views = Event.objects.filter(kind=EventKind.POST_VIEW)
    assert views.count() == len(AGENTS) + 1  # every view is an impression…
    assert views.values("visitor").distinct().count() == 2  # …of two visitors
    with translation.override("en"):
        assert "network address" in str(METRIC_BY_KEY["reach"].definition)
