"""Issue 16, point 4 (the class): every duration shown to a person reads as Vietnamese words
from one formatter (congdong.core.durations), never as str(timedelta) ("0:00:03.953029")."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from congdong.core.durations import duration, since
from congdong.takedown.views import Timer

S = datetime.timedelta(seconds=1)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (datetime.timedelta(seconds=3.953029), "3 giây"),
        (datetime.timedelta(hours=2, minutes=15, seconds=59), "2 giờ 15 phút"),
        (datetime.timedelta(days=1, hours=4, minutes=3), "1 ngày 4 giờ"),
        (datetime.timedelta(hours=1, seconds=5), "1 giờ"),
        (datetime.timedelta(milliseconds=200), "chưa đến 1 giây"),
        (90, "1 phút 30 giây"),
        (None, ""),
    ],
)
def test_durations_read_as_vietnamese(value, words):
    with translation.override("vi"):
        assert duration(value) == words


@pytest.mark.parametrize(
    ("timer", "words"),
    [
        (Timer(135), "còn 2 giờ 15 phút"),
        (Timer(-190), "quá hạn 3 giờ 10 phút"),
        (Timer(72 * 60), "còn 3 ngày"),
        (Timer(0), "quá hạn chưa đến 1 phút"),
    ],
)
def test_deadline_timers_use_the_same_words(timer, words):
    with translation.override("vi"):
        assert str(timer) == words


def test_how_long_ago_reads_as_vietnamese():
    now = datetime.datetime(2026, 1, 1, 12, tzinfo=datetime.UTC)
    with translation.override("vi"):
        assert since(now - 3 * 3600 * S - 5 * 60 * S, now) == "3 giờ trước"
        assert since(now - 10 * S, now) == "vừa xong"
