"""Stored figures: events counted once into every unit above their page, read back by period."""

from __future__ import annotations

import datetime
import random

import pytest
from django.utils import timezone

from congdong import events
from congdong.insights import figures, rollup
from congdong.insights.figures import Period
from congdong.insights.models import DayCount, Event, EventKind, ReachSketch, Span
from congdong.units.models import Level, Unit
from tests.posts.conftest import Pages

TZ = timezone.get_fixed_timezone(7 * 60)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), TZ)


def views(page, day, visitors, kind=EventKind.PAGE_VIEW):
    return [events.make(kind, page.pk, visitor=v, at=at(day)) for v in visitors]


D1, D2 = datetime.date(2026, 3, 30), datetime.date(2026, 4, 2)


@pytest.fixture
def stored(pages: Pages):
    """Views, follows and reactions on Kinh Bắc (commune), Bắc Ninh (province), Hà Nội."""
    batch = [
        *views(pages.kinh_bac, D1, ["u1", "u2", "v-a"]),
        *views(pages.kinh_bac, D2, ["u1", "v-b"], EventKind.POST_VIEW),
        *views(pages.bac_ninh, D1, ["u1", "u3"]),  # u1 saw both pages: one person
        *views(pages.ha_noi, D2, ["u9"]),
        events.make(EventKind.FOLLOW, pages.kinh_bac.pk, user_id=1, visitor="u1", at=at(D1)),
        events.make(EventKind.FOLLOW, pages.kinh_bac.pk, user_id=2, visitor="u2", at=at(D1)),
        events.make(EventKind.UNFOLLOW, pages.kinh_bac.pk, user_id=2, visitor="u2", at=at(D2)),
        events.make(EventKind.REACTION, pages.bac_ninh.pk, user_id=3, visitor="u3", at=at(D2)),
        events.make(EventKind.SHARE, pages.kinh_bac.pk, user_id=1, visitor="u1", at=at(D2)),
    ]
    assert events.store(batch) == len(batch)
    return batch


def test_a_page_counts_in_its_own_unit_and_every_unit_above(pages, stored):
    period = Period(D1, D2)
    commune = figures.own(pages.kinh_bac.unit, period)
    assert commune["impressions"] == 5
    assert commune["followers"] == 1  # two follows, one unfollow
    assert commune["followers_gained"] == 2 and commune["followers_lost"] == 1
    assert commune["shares"] == 1 and commune["engagement"] == 1
    assert commune["reach"] == pytest.approx(4, abs=0.01)  # u1, u2, v-a, v-b

    province = figures.totals(pages.bac_ninh.unit, period)
    assert province["impressions"] == 7  # its own page's 2 and the commune's 5
    assert province["engagement"] == 2  # the commune's share and its own reaction
    assert province["reach"] == pytest.approx(5, abs=0.01)  # u1 counted once, not twice
    assert figures.own(pages.bac_ninh.unit, period)["impressions"] == 2

    nation = Unit.objects.get(structure__code="2025", depth=1)
    assert figures.totals(nation, period)["impressions"] == 8
    assert figures.totals(nation, period)["reach"] == pytest.approx(6, abs=0.01)


def test_the_children_add_up_to_their_parent(pages, stored):
    period = Period(D1, D2)
    province = pages.bac_ninh.unit
    total = figures.totals(province, period)
    children = figures.by_child(province, period)
    own = figures.own(province, period)
    for metric in ("impressions", "followers", "shares", "reactions", "engagement"):
        assert sum(f[metric] for _child, f in children) + own[metric] == total[metric]
    levels = dict(figures.by_level(province, period))
    assert list(levels) == [Level.PROVINCE, Level.COMMUNE]
    assert levels[Level.COMMUNE]["impressions"] == 5
    assert sum(f["impressions"] for f in levels.values()) == total["impressions"]
    kinh_bac = next(f for child, f in children if pages.kinh_bac.unit.is_within(child))
    assert kinh_bac["reach"] >= 4


def test_a_replayed_batch_counts_nothing_twice(pages, stored):
    before = list(DayCount.objects.order_by("pk").values())
    sketches_before = list(ReachSketch.objects.order_by("pk").values_list("estimate", flat=True))
    assert rollup.store_batch(stored) == 0  # no new event
    assert list(DayCount.objects.order_by("pk").values()) == before
    assert list(ReachSketch.objects.order_by("pk").values_list("estimate", flat=True)) == (
        sketches_before
    )
    # A batch half old, half new counts only the new half.
    extra = views(pages.kinh_bac, D2, ["v-new"])
    assert rollup.store_batch([*stored[:3], *extra]) == 1
    assert figures.own(pages.kinh_bac.unit, Period(D1, D2))["impressions"] == 6


def test_a_period_reads_whole_quarters_months_and_the_days_around_them(pages):
    rng = random.Random(5)
    start = datetime.date(2025, 11, 20)
    batch = []
    for n in range(260):
        day = start + datetime.timedelta(days=n)
        batch += views(pages.kinh_bac, day, [f"u{day.toordinal()}-{i}" for i in range(n % 4)])
    events.store(batch)
    per_day = {day: f for day, f in figures.series(pages.kinh_bac.unit, Period(start, day))}
    # 20/11/2025 – 6/8/2026: whole quarters (Q1, Q2 2026) inside, months and days around them.
    assert DayCount.objects.filter(span=Span.MONTH).exists()
    assert DayCount.objects.filter(span=Span.QUARTER, day=datetime.date(2026, 4, 1)).exists()
    for _ in range(60):
        a = start + datetime.timedelta(days=rng.randrange(260))
        b = a + datetime.timedelta(days=rng.randrange(240))
        period = Period(a, b)
        expected = sum(f["impressions"] for day, f in per_day.items() if a <= day <= b)
        got = figures.own(pages.kinh_bac.unit, period)
        assert got["impressions"] == expected, period
        # Every visitor was distinct: the sketch's estimate is within its bounds of the truth.
        assert got["reach_low"] <= expected <= got["reach_high"] or expected == 0


def test_a_daily_series_carries_the_follower_total_and_each_days_reach(pages, stored):
    days = figures.series(pages.kinh_bac.unit, Period(D1 - datetime.timedelta(days=1), D2), True)
    assert days[0][0] == D1 - datetime.timedelta(days=1)
    by_day = dict(days)
    assert by_day[D1]["followers"] == 2 and by_day[D2]["followers"] == 1
    assert by_day[D1]["reach"] == pytest.approx(3, abs=0.01)
    assert by_day[D1 - datetime.timedelta(days=1)]["impressions"] == 0


def test_pages_are_ranked_with_silent_pages_at_zero(pages, stored):
    province = pages.bac_ninh.unit
    top = figures.pages_ranked(province, Period(D1, D2), "impressions", n=2)
    assert [(p.pk, f["impressions"]) for p, f in top] == [
        (pages.kinh_bac.pk, 5),
        (pages.bac_ninh.pk, 2),
    ]
    bottom = figures.pages_ranked(province, Period(D1, D2), "impressions", n=50, bottom=True)
    assert bottom[-1][0].pk == pages.kinh_bac.pk
    assert all(p.unit.is_within(province) for p, _f in bottom)


def test_publishing_counts_a_post_hiding_takes_it_off_and_showing_it_again_counts_it_once(
    personas, pages, django_capture_on_commit_callbacks
):
    from congdong.posts import actions
    from tests.posts.conftest import submitted

    editor = personas["kinhbac.canbo"]
    with django_capture_on_commit_callbacks(execute=True):
        draft = submitted(editor, pages.kinh_bac)
        actions.approve(personas["bacninh.quantri"], draft.pk)
        post = actions.publish_or_schedule(editor, draft.pk)
    events.flush()
    period = Period.last(1)
    unit = post.page.unit
    assert figures.own(unit, period)["posts"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        actions.hide(editor, post.pk, "Tạm ẩn để sửa")
    events.flush()
    assert figures.own(unit, period)["posts"] == 0  # its public page no longer lists it
    with django_capture_on_commit_callbacks(execute=True):
        actions.unhide(editor, post.pk)
    events.flush()
    assert figures.own(unit, period)["posts"] == 1
    # Taken off and shown again at its publication time, not at the moments it moved.
    assert set(Event.objects.values_list("kind", "at")) == {
        (EventKind.PUBLISH, post.published_at),
        (EventKind.UNPUBLISH, post.published_at),
    }


def test_old_raw_events_are_pruned_and_the_figures_stay(pages, stored):
    old = Event.objects.filter(day__lt=D2).count()
    assert old > 0
    assert rollup.prune(D2) == old
    assert not Event.objects.filter(day__lt=D2).exists()
    assert figures.own(pages.kinh_bac.unit, Period(D1, D2))["impressions"] == 5


def test_the_daily_job_prunes_events_past_the_retention(settings, pages):
    from congdong.insights.tasks import prune_events

    settings.EVENTS_RETENTION_DAYS = 30
    today = timezone.localdate()
    old, recent = today - datetime.timedelta(days=31), today - datetime.timedelta(days=29)
    events.store([*views(pages.kinh_bac, old, ["u1"]), *views(pages.kinh_bac, recent, ["u2"])])
    assert prune_events() == 1
    assert list(Event.objects.values_list("day", flat=True)) == [recent]
    assert figures.own(pages.kinh_bac.unit, Period(old, today))["impressions"] == 2


def test_a_year_reads_whole_quarters_and_months_and_at_each_end_the_fewer_rows():
    d = datetime.date
    pieces = figures._pieces(d(2024, 8, 5), d(2025, 8, 4), quarters=True, subtract=True)
    assert sorted(pieces, key=lambda p: (p[2], -p[0])) == [
        # 5–31 August 2024: the month less its first four days (5 rows, not 27).
        (1, Span.MONTH, d(2024, 8, 1), d(2024, 8, 1)),
        (-1, Span.DAY, d(2024, 8, 1), d(2024, 8, 4)),
        (1, Span.MONTH, d(2024, 9, 1), d(2024, 9, 1)),
        (1, Span.QUARTER, d(2024, 10, 1), d(2025, 4, 1)),
        (1, Span.MONTH, d(2025, 7, 1), d(2025, 7, 1)),
        # 1–4 August 2025: four days, fewer than the month less 27 days.
        (1, Span.DAY, d(2025, 8, 1), d(2025, 8, 4)),
    ]
    # Sketches cannot be subtracted, and have no quarters: days and months only.
    assert figures._pieces(d(2024, 8, 5), d(2025, 8, 4), quarters=False, subtract=False) == [
        (1, Span.DAY, d(2024, 8, 5), d(2024, 8, 31)),
        (1, Span.DAY, d(2025, 8, 1), d(2025, 8, 4)),
        (1, Span.MONTH, d(2024, 9, 1), d(2025, 7, 1)),
    ]


def test_a_period_ending_today_reads_this_months_row_not_its_days():
    today = timezone.localdate()
    pieces = figures._pieces(today - datetime.timedelta(days=364), today, True, subtract=True)
    # No day of this month is read one by one (no row exists after today to take away).
    assert not [p for p in pieces if p[1] == Span.DAY and p[3] == today and p[2] < today]
