"""Importing figures from linked Facebook Pages and Zalo OAs, against the fake platforms running
for real on 127.0.0.1: the (#100) retirement path, resuming after a failure mid-backfill, a
rate-limit answer, an expired token, and figures rolled up the tree per source."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from congdong.channels.models import ChannelKind, FigureImport, MetricStop, TokenState
from congdong.channels.queries import health_notes
from congdong.insights import figures
from congdong.insights.channel_import import import_due, import_link, yesterday
from congdong.insights.figures import Period
from congdong.insights.models import DayCount, ImportedDay, Source
from congdong.syndication.models import Pace
from tests.channels.conftest import linked
from tests.conftest import unit_2025

pytestmark = pytest.mark.django_db(transaction=True)
DAY = datetime.timedelta(days=1)


def facebook_link(fake_graph, page, page_id="2001", followers=1200):
    fake_graph.add_user("100", "Chị Lan")
    fake_graph.add_page(page_id, "MTTQ tỉnh Bắc Ninh", followers=followers, admins=["100"])
    token = fake_graph.token_for("100", page_id=page_id)
    return linked(page, ChannelKind.FACEBOOK, page_id, access_token=token)


def test_facebook_days_land_under_their_source_and_roll_up_the_tree(platforms, pages):
    fake_graph, _zalo = platforms
    bac_ninh, _ha_noi = pages
    link = facebook_link(fake_graph, bac_ninh)
    end = yesterday()
    fake_graph.set_insight("2001", "page_media_view", end, 500)
    fake_graph.set_insight("2001", "page_total_media_view_unique", end, 321)
    fake_graph.set_insight("2001", "page_post_engagements", end, 44)
    fake_graph.add_post("2001", "Tin 1", end.isoformat() + "T03:00:00+0000")
    fake_graph.add_post("2001", "Tin 2", end.isoformat() + "T04:00:00+0000")

    outcome = import_link(link.pk, since=end - 9 * DAY)

    assert outcome.ok and outcome.last_day == end and outcome.days == 10
    period = Period(end, end)
    province = bac_ninh.unit
    own = dict(figures.by_source(province, period, own=True))
    assert own[Source.FACEBOOK]["impressions"] == 500
    assert own[Source.FACEBOOK]["viewers"] == 321
    assert own[Source.FACEBOOK]["engagement"] == 44
    assert own[Source.FACEBOOK]["posts"] == 2
    assert own[Source.FACEBOOK]["followers"] == 1200
    # Rolled up: the centre's Facebook figures hold Bắc Ninh's, congdong's own are untouched.
    centre = province.get_parent()
    national = dict(figures.by_source(centre, period))
    assert national[Source.FACEBOOK]["impressions"] == 500
    assert national[Source.FACEBOOK]["followers"] == 1200
    assert figures.totals(centre, period)["impressions"] == 0
    assert figures.totals(province, period)["followers"] == 0


def test_importing_the_same_days_again_counts_them_once(platforms, pages):
    fake_graph, _zalo = platforms
    link = facebook_link(fake_graph, pages[0])
    end = yesterday()
    import_link(link.pk, since=end - 2 * DAY)
    rows = list(DayCount.objects.order_by("pk").values())
    FigureImport.objects.filter(link=link).update(first_day=None, last_day=None)

    import_link(link.pk, since=end - 2 * DAY)

    assert list(DayCount.objects.order_by("pk").values()) == rows


def test_a_revised_follower_total_moves_only_the_days_it_changes(platforms, pages):
    fake_graph, _zalo = platforms
    link = facebook_link(fake_graph, pages[0], followers=100)
    end = yesterday()
    for n, total in enumerate([100, 110, 130]):
        fake_graph.set_insight("2001", "page_follows", end - (2 - n) * DAY, total)
    import_link(link.pk, since=end - 2 * DAY)
    unit = pages[0].unit
    series = lambda: [  # noqa: E731
        dict(figures.by_source(unit, Period(day, day), own=True))[Source.FACEBOOK]["followers"]
        for day in (end - 2 * DAY, end - DAY, end)
    ]
    assert series() == [100, 110, 130]
    fake_graph.set_insight("2001", "page_follows", end - DAY, 120)
    FigureImport.objects.filter(link=link).update(first_day=None, last_day=None)

    import_link(link.pk, since=end - DAY, until=end - DAY)

    assert series() == [100, 120, 130]


def test_a_retired_metric_is_dropped_recorded_and_the_others_imported(platforms, pages):
    fake_graph, _zalo = platforms
    link = facebook_link(fake_graph, pages[0])
    end = yesterday()
    fake_graph.set_insight("2001", "page_media_view", end, 77)
    fake_graph.retire_metric("page_total_media_view_unique")

    outcome = import_link(link.pk, since=end - 4 * DAY)

    assert outcome.ok and outcome.stopped == ["page_total_media_view_unique"]
    stop = MetricStop.objects.get()
    assert (stop.kind, stop.metric, stop.ours) == (
        "facebook",
        "page_total_media_view_unique",
        "viewers",
    )
    assert stop.stopped_on == timezone.localdate()
    assert any("page_total_media_view_unique" in line for line in health_notes())
    day = ImportedDay.objects.get(link=link, day=end)
    assert day.views == 77 and day.viewers == 0
    # The next run does not ask for it again: no (#100) at all.
    fake_graph.fail("invalid_metric", times=None, path="/insights?metric=page_total")
    again = import_link(link.pk, since=end - 6 * DAY)
    assert again.ok and again.stopped == []


def test_a_backfill_cut_by_a_server_error_goes_on_from_its_cursor(platforms, pages, settings):
    fake_graph, _zalo = platforms
    link = facebook_link(fake_graph, pages[0])
    end = yesterday()
    since = end - 199 * DAY  # three chunks of at most 90 days
    fake_graph.fail("server_error", times=1, after=2, target="2001")  # the second chunk's insights

    first = import_link(link.pk, since=since)

    assert not first.ok
    state = FigureImport.objects.get(link=link)
    assert state.first_day == since and state.last_day == since + 89 * DAY
    assert ImportedDay.objects.filter(link=link).count() == 90

    second = import_link(link.pk, since=since)

    assert second.ok and second.last_day == end
    assert ImportedDay.objects.filter(link=link).count() == 200
    assert second.days == 110  # only the days not imported before


def test_a_rate_limit_answer_pauses_facebook_and_keeps_the_cursor(platforms, pages):
    fake_graph, _zalo = platforms
    link = facebook_link(fake_graph, pages[0])
    end = yesterday()
    fake_graph.fail("rate_limited", times=1, target="2001", regain_minutes=2)

    outcome = import_link(link.pk, since=end - 4 * DAY)

    assert outcome.reason == "rate_limited" and outcome.error
    assert FigureImport.objects.get(link=link).last_day is None
    assert Pace.objects.get(kind="facebook").paused_until > timezone.now()
    # Paused for every worker: the next run asks Facebook nothing until then (a fault set
    # for the next call is still there afterwards).
    fake_graph.fail("server_error", times=1, target="2001")
    again = import_link(link.pk, since=end - 4 * DAY)
    assert again.reason == "paused" and FigureImport.objects.get(link=link).last_day is None
    Pace.objects.all().delete()
    assert import_link(link.pk, since=end - 4 * DAY).reason == "failed"
    assert import_link(link.pk, since=end - 4 * DAY).ok


def test_an_expired_token_stops_the_import_and_marks_the_token(platforms, pages):
    fake_graph, _zalo = platforms
    link = facebook_link(fake_graph, pages[0])
    fake_graph.fail("token_expired", times=1, target="2001")

    outcome = import_link(link.pk, since=yesterday() - 2 * DAY)

    assert not outcome.ok
    link.token.refresh_from_db()
    assert link.token.state == TokenState.EXPIRED
    assert not ImportedDay.objects.filter(link=link).exists()
    # The daily sweep leaves a link whose token does not work alone.
    assert import_due() == 0


def test_zalo_followers_and_article_figures(platforms, pages):
    _graph, fake_zalo = platforms
    fake_zalo.add_oa("5001", "MTTQ tỉnh Bắc Ninh", followers=250)
    end = yesterday()
    article = fake_zalo.add_article(
        "5001", "Bài 1", created=(end - 3 * DAY).isoformat(), views=40, shares=3
    )
    access, refresh = fake_zalo.tokens_for("5001")
    link = linked(pages[0], ChannelKind.ZALO, "5001", access_token=access, refresh_token=refresh)

    assert import_link(link.pk).ok

    unit = pages[0].unit
    made = dict(figures.by_source(unit, Period(end - 3 * DAY, end - 3 * DAY), own=True))
    assert made[Source.ZALO]["posts"] == 1 and made[Source.ZALO]["impressions"] == 40
    assert (
        dict(figures.by_source(unit, Period(end, end), own=True))[Source.ZALO]["followers"] == 250
    )
    # The next day: the article's growth is that day's figure; the post is not counted again.
    fake_zalo.set_article_stats(article, views=55, shares=5)
    FigureImport.objects.filter(link=link).update(last_day=end - DAY)
    import_link(link.pk)
    week = dict(figures.by_source(unit, Period(end - 6 * DAY, end), own=True))[Source.ZALO]
    assert (week["posts"], week["impressions"], week["engagement"]) == (1, 55, 5)


def test_the_daily_sweep_imports_each_working_link_once(platforms, pages, settings):
    fake_graph, _zalo = platforms
    settings.CHANNEL_BACKFILL_DAYS = 5
    link = facebook_link(fake_graph, pages[0])

    assert import_due() == 5
    assert import_due() == 0
    assert FigureImport.objects.get(link=link).last_day == yesterday()
    assert unit_2025("24").pk == pages[0].unit_id
