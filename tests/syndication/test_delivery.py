"""Deliveries sent for real to the fake platforms: exactly once under retries, timeouts whose
outcome is unknown, a worker that died mid-call, 5xx, rate limits, token problems."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from congdong.channels.models import ChannelToken, TokenState
from congdong.posts.actions import publish_or_schedule
from congdong.syndication import actions
from congdong.syndication.models import Delivery, DeliveryState, Pace, Step
from tests.syndication.conftest import due, facebook_page, first_try, sent_on_retry, work, zalo_oa

D = DeliveryState


@pytest.fixture
def published(personas, province_post):
    """Bắc Ninh's own post, published by its admin."""
    return publish_or_schedule(personas["bacninh.quantri"], province_post.pk)


@pytest.fixture
def fb(platforms, fake_graph, tree):
    return facebook_page(fake_graph, tree.bac_ninh, "2401")


@pytest.fixture
def oa(platforms, fake_zalo, tree):
    return zalo_oa(fake_zalo, tree.bac_ninh, "2402")


def moves(delivery: Delivery) -> list[tuple[str, str]]:
    return list(delivery.transitions.values_list("from_state", "to_state"))


def test_a_published_post_goes_once_to_the_page_and_the_oa(
    personas, published, fb, oa, fake_graph, fake_zalo
):
    rows = actions.send(personas["bacninh.quantri"], published.pk, [fb.pk, oa.pk])
    assert {d.state for d in rows} == {D.QUEUED}

    assert work() == 2

    facebook, zalo = (Delivery.objects.get(link=fb), Delivery.objects.get(link=oa))
    assert facebook.state == zalo.state == D.SENT
    posts = fake_graph.posts("2401")
    assert len(posts) == 1
    assert posts[0].message.startswith(published.title)
    assert "— " + published.page.name in posts[0].message  # the page's own name
    assert f"kenh={facebook.marker}" in posts[0].link
    assert facebook.external_url == f"https://www.facebook.com/{posts[0].id}"
    assert len(fake_zalo.broadcasts("2402")) == 1
    assert fake_zalo.broadcast_count("2402", zalo.article_id) == 1
    assert moves(facebook) == [("", D.QUEUED), (D.QUEUED, D.SENDING), (D.SENDING, D.SENT)]
    # Running again sends nothing more.
    due()
    assert work() == 0
    assert len(fake_graph.posts("2401")) == 1


def test_a_place_placeholder_is_replaced_by_the_pages_unit(personas, published, fb, fake_graph):
    type(published).objects.filter(pk=published.pk).update(title="Ngày hội ở {noi}")
    actions.send(personas["bacninh.quantri"], published.pk, [fb.pk])
    work()
    message = fake_graph.posts("2401")[0].message
    assert message.startswith(f"Ngày hội ở {published.page.unit.full_name}")
    assert "— " not in message


def test_a_timeout_after_the_post_was_made_is_found_in_the_feed_not_posted_twice(
    personas, published, fb, fake_graph, settings
):
    settings.CHANNEL_TIMEOUT = 0.5
    # The post is made, its answer lost.
    fake_graph.fail("timeout", seconds=2, after_action=True, path="/feed")
    delivery = first_try(personas["bacninh.quantri"], published, fb)
    assert delivery.state == D.RETRYING
    assert delivery.outcome_unknown
    assert len(fake_graph.posts("2401")) == 1

    sent_on_retry(delivery)
    assert len(fake_graph.posts("2401")) == 1  # found by its marker, not posted again
    assert delivery.external_id == fake_graph.posts("2401")[0].id


def test_a_timeout_before_the_post_was_made_posts_it_once_later(
    personas, published, fb, fake_graph, settings
):
    settings.CHANNEL_TIMEOUT = 0.5
    fake_graph.fail("timeout", seconds=2, path="/feed")  # held before the work
    actions.send(personas["bacninh.quantri"], published.pk, [fb.pk])
    work(limit=1)
    assert len(fake_graph.posts("2401")) == 0
    due()
    work()
    assert Delivery.objects.get(link=fb).state == D.SENT
    assert len(fake_graph.posts("2401")) == 1


def test_a_worker_that_died_mid_delivery_leaves_a_claim_the_next_one_resolves(
    personas, published, fb, fake_graph
):
    actions.send(personas["bacninh.quantri"], published.pk, [fb.pk])
    # A worker claimed it and posted, then was killed before writing the answer.
    delivery = actions.claim(["facebook"])
    fake_graph.posts("2401")  # nothing yet
    token = ChannelToken.objects.get(link=fb)
    from congdong.channels.clients.facebook import GraphClient
    from congdong.syndication.texts import compose

    text = compose(delivery.post, delivery.marker)
    with GraphClient.from_settings() as graph:
        graph.publish("2401", token.access_token, message=text.message, link=text.url)
    Delivery.objects.filter(pk=delivery.pk).update(
        claimed_at=timezone.now() - datetime.timedelta(minutes=5)
    )

    assert actions.reclaim_stale() == 1
    work()
    delivery.refresh_from_db()
    assert delivery.state == D.SENT
    assert len(fake_graph.posts("2401")) == 1
    assert (D.SENDING, D.RETRYING) in moves(delivery)


def test_two_workers_cannot_claim_the_same_delivery(personas, published, fb):
    actions.send(personas["bacninh.quantri"], published.pk, [fb.pk])
    first = actions.claim(["facebook"])
    assert first is not None
    assert actions.claim(["facebook"]) is None


def test_server_errors_are_retried_then_sent_once(personas, published, fb, fake_graph):
    fake_graph.fail("server_error", times=2, path="/feed")
    actions.send(personas["bacninh.quantri"], published.pk, [fb.pk])
    for _ in range(3):
        due()
        work(limit=1)
    delivery = Delivery.objects.get(link=fb)
    assert delivery.state == D.SENT
    assert delivery.attempts == 3
    assert len(fake_graph.posts("2401")) == 1


def test_a_delivery_failing_every_time_is_given_up(personas, published, fb, fake_graph, settings):
    settings.CHANNEL_MAX_ATTEMPTS = 2
    fake_graph.fail("server_error", times=None, path="/feed")
    actions.send(personas["bacninh.quantri"], published.pk, [fb.pk])
    for _ in range(3):
        due()
        work(limit=1)
    delivery = Delivery.objects.get(link=fb)
    assert delivery.state == D.GIVEN_UP
    assert moves(delivery)[-1] == (D.RETRYING, D.GIVEN_UP)
    assert fake_graph.posts("2401") == []


def test_a_pages_rate_limit_makes_that_delivery_wait_its_retry_after(
    personas, published, fb, fake_graph
):
    fake_graph.fail("rate_limited", code=80001, regain_minutes=0.5, path="/feed")
    actions.send(personas["bacninh.quantri"], published.pk, [fb.pk])
    before = timezone.now()
    work(limit=1)
    delivery = Delivery.objects.get(link=fb)
    assert delivery.state == D.RETRYING
    assert delivery.attempts == 0  # a rate limit is not a failed try
    assert delivery.not_before >= before + datetime.timedelta(seconds=25)
    due()
    work()
    assert Delivery.objects.get(link=fb).state == D.SENT
    assert len(fake_graph.posts("2401")) == 1


def test_the_apps_rate_limit_pauses_facebook_with_a_growing_back_off(
    personas, published, fb, fake_graph, settings
):
    settings.CHANNEL_RATE_BACKOFF = 10
    fake_graph.fail("rate_limited", code=4, times=2, path="/feed")
    actions.send(personas["bacninh.quantri"], published.pk, [fb.pk])
    before = timezone.now()
    work(limit=1)
    first = Pace.objects.get(kind="facebook").paused_until
    assert (
        before + datetime.timedelta(seconds=9) <= first <= before + datetime.timedelta(seconds=12)
    )
    # Paused: nothing is claimed until the pause ends, even when the row is due.
    due()
    assert actions.claim(actions.pacing.open_kinds(["facebook"])) is None
    Pace.objects.update(paused_until=timezone.now())
    due()
    work(limit=1)
    second = Pace.objects.get(kind="facebook").paused_until
    assert second >= timezone.now() + datetime.timedelta(seconds=18)  # doubled
    Pace.objects.update(paused_until=timezone.now())
    due()
    work()
    assert Delivery.objects.get(link=fb).state == D.SENT
    assert Pace.objects.get(kind="facebook").strikes == 0  # forgotten at the success
    assert len(fake_graph.posts("2401")) == 1


def test_a_full_usage_window_pauses_until_access_is_regained(
    personas, published, fb, tree, fake_graph, platforms
):
    fake_graph.rate_limit(1, 30, code=4)  # one call per 30 s for the app
    actions.send(personas["bacninh.quantri"], published.pk, [fb.pk])
    work()
    assert Delivery.objects.get(link=fb).state == D.SENT
    # The answer said the window is full: the platform waits rather than be refused.
    assert Pace.objects.get(kind="facebook").paused_until > timezone.now() + datetime.timedelta(
        seconds=20
    )


def test_an_expired_token_fails_the_delivery_and_marks_the_token(
    personas, published, fb, fake_graph
):
    fake_graph.fail("token_expired", path="/feed")
    actions.send(personas["bacninh.quantri"], published.pk, [fb.pk])
    work()
    delivery = Delivery.objects.get(link=fb)
    assert delivery.state == D.FAILED
    assert "kết nối lại" in delivery.reason  # Vietnamese first
    assert ChannelToken.objects.get(link=fb).state == TokenState.EXPIRED


def test_a_missing_permission_names_it_and_marks_the_token(personas, published, fb, fake_graph):
    fake_graph.fail("permission_missing", permission="pages_manage_posts", path="/feed")
    actions.send(personas["bacninh.quantri"], published.pk, [fb.pk])
    work()
    delivery = Delivery.objects.get(link=fb)
    assert delivery.state == D.FAILED
    assert "pages_manage_posts" in delivery.reason
    token = ChannelToken.objects.get(link=fb)
    assert token.state == TokenState.PERMISSION_LOST


def test_a_failed_delivery_sent_again_goes_out_once(personas, published, fb, fake_graph):
    fake_graph.fail("permission_missing", path="/feed")
    actions.send(personas["bacninh.quantri"], published.pk, [fb.pk])
    work()
    delivery = Delivery.objects.get(link=fb)
    actions.again(personas["bacninh.quantri"], delivery.pk)
    work()
    delivery.refresh_from_db()
    assert delivery.state == D.SENT
    assert len(fake_graph.posts("2401")) == 1


def test_zalo_verifies_again_while_the_article_is_processed(personas, published, oa, fake_zalo):
    fake_zalo.fail("processing", times=1, path="/article/verify")
    delivery = first_try(personas["bacninh.quantri"], published, oa)
    assert delivery.state == D.RETRYING
    assert delivery.step == Step.CREATED
    sent_on_retry(delivery)
    assert len(fake_zalo.articles("2402")) == 1  # not created twice
    assert len(fake_zalo.broadcasts("2402")) == 1


def test_a_zalo_broadcast_with_unknown_outcome_is_never_sent_again_by_the_worker(
    personas, published, oa, fake_zalo, settings
):
    settings.CHANNEL_TIMEOUT = 0.5
    fake_zalo.fail("timeout", seconds=2, after_action=True, path="/oa/message")
    actions.send(personas["bacninh.quantri"], published.pk, [oa.pk])
    work(limit=1)
    due()
    work()
    delivery = Delivery.objects.get(link=oa)
    assert delivery.state == D.FAILED
    assert "Zalo" in delivery.reason
    assert len(fake_zalo.broadcasts("2402")) == 1


def test_a_zalo_rate_limit_pauses_zalo_and_is_retried(personas, published, oa, fake_zalo):
    fake_zalo.fail("rate_limited", times=1, path="/oa/message")
    delivery = first_try(personas["bacninh.quantri"], published, oa)
    assert delivery.state == D.RETRYING
    assert delivery.step == Step.VERIFIED
    assert Pace.objects.get(kind="zalo").paused_until > timezone.now()
    Pace.objects.update(paused_until=None)
    sent_on_retry(delivery)
    assert len(fake_zalo.broadcasts("2402")) == 1


def test_a_scheduled_post_waits_until_it_is_published(personas, province_post, fb, fake_graph):
    at = timezone.now() + datetime.timedelta(hours=2)
    post = publish_or_schedule(personas["bacninh.quantri"], province_post.pk, at)
    [delivery] = actions.send(personas["bacninh.quantri"], post.pk, [fb.pk])
    assert delivery.not_before == at
    work()
    assert fake_graph.posts("2401") == []
