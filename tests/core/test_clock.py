"""The working-hours clock: lunch breaks, weekends, Tết, make-up Saturdays and extra days off,
with fixed datetimes in Vietnam's time (never the wall clock)."""

from __future__ import annotations

import datetime

import pytest

from congdong.core import clock
from congdong.core.models import CalendarDay, DayKind
from tests.clock import vn

pytestmark = pytest.mark.django_db


def test_hours_within_a_morning_are_plain_hours():
    assert clock.add_working_hours(vn(2026, 3, 3, 8), 2) == vn(2026, 3, 3, 10)


def test_a_deadline_across_lunch_skips_the_break():
    # Tuesday 10:30 + 2 h: one hour until 11:30, the second from 13:30.
    assert clock.add_working_hours(vn(2026, 3, 3, 10, 30), 2) == vn(2026, 3, 3, 14, 30)


def test_a_deadline_falling_on_the_end_of_the_morning_is_the_end_of_the_morning():
    assert clock.add_working_hours(vn(2026, 3, 3, 9, 30), 2) == vn(2026, 3, 3, 11, 30)


def test_a_deadline_across_a_weekend_resumes_on_monday():
    # Friday 16:00 + 8 h: 1 h on Friday, 4 h Monday morning, 3 h Monday afternoon.
    assert clock.add_working_hours(vn(2026, 3, 6, 16), 8) == vn(2026, 3, 9, 16, 30)


def test_counting_starts_at_the_next_working_period_when_sent_out_of_hours():
    assert clock.add_working_hours(vn(2026, 3, 7, 10), 1) == vn(2026, 3, 9, 8, 30)  # Saturday
    assert clock.add_working_hours(vn(2026, 3, 3, 12), 1) == vn(2026, 3, 3, 14, 30)  # lunch
    assert clock.add_working_hours(vn(2026, 3, 3, 18), 1) == vn(2026, 3, 4, 8, 30)  # evening


def test_tet_2026_is_skipped_as_the_holidays_package_lists_it():
    # The package's Tết Nguyên Đán 2026: Monday 16/2 (Giao thừa) to Friday 20/2 (mùng bốn).
    friday_before = vn(2026, 2, 13, 16)
    assert clock.add_working_hours(friday_before, 8) == vn(2026, 2, 23, 16, 30)
    assert clock.working_hours_between(vn(2026, 2, 13, 17), vn(2026, 2, 23, 7, 30)) == 0
    assert not clock.is_working_time(vn(2026, 2, 17, 9))


def test_the_packages_make_up_saturday_is_worked_and_its_bridge_monday_is_not():
    # 2026: Saturday 22/8 is worked in exchange for Monday 31/8 (before Quốc khánh 1–2/9).
    assert clock.is_working_time(vn(2026, 8, 22, 9))
    assert not clock.is_working_time(vn(2026, 8, 31, 9))
    assert clock.add_working_hours(vn(2026, 8, 21, 16), 8) == vn(2026, 8, 22, 16, 30)


def test_an_admins_make_up_saturday_is_a_working_day():
    saturday = datetime.date(2026, 3, 14)
    assert not clock.is_working_time(vn(2026, 3, 14, 9))
    CalendarDay.objects.create(date=saturday, kind=DayKind.WORKING_DAY, name="Làm bù")
    assert clock.is_working_time(vn(2026, 3, 14, 9))
    assert clock.add_working_hours(vn(2026, 3, 13, 16), 2) == vn(2026, 3, 14, 8, 30)


def test_an_admins_extra_day_off_is_skipped():
    CalendarDay.objects.create(date=datetime.date(2026, 3, 10), kind=DayKind.DAY_OFF, name="Nghỉ")
    # Monday 16:00 + 2 h: 1 h on Monday, Tuesday off, 1 h on Wednesday.
    assert clock.add_working_hours(vn(2026, 3, 9, 16), 2) == vn(2026, 3, 11, 8, 30)
    assert clock.working_hours_between(vn(2026, 3, 10), vn(2026, 3, 11)) == 0


def test_an_admins_working_day_wins_over_a_public_holiday():
    CalendarDay.objects.create(date=datetime.date(2026, 11, 24), kind=DayKind.WORKING_DAY)
    assert clock.is_working_time(vn(2026, 11, 24, 9))


def test_working_hours_between_counts_only_working_periods():
    assert clock.working_hours_between(vn(2026, 3, 3, 10), vn(2026, 3, 3, 14)) == 2.0
    assert clock.working_hours_between(vn(2026, 3, 3), vn(2026, 3, 4)) == 7.5  # a full day
    assert clock.working_hours_between(vn(2026, 3, 2), vn(2026, 3, 9)) == 37.5  # a week
    assert clock.working_hours_between(vn(2026, 3, 3, 14), vn(2026, 3, 3, 10)) == -2.0


def test_adding_then_measuring_gives_back_the_hours_to_the_minute():
    start = vn(2026, 3, 6, 10, 17)
    for hours in (0.25, 1 / 60, 3.5, 7.5, 8, 37.5, 100):
        deadline = clock.add_working_hours(start, hours)
        assert deadline.second == 0 or hours == 1 / 60
        assert clock.working_hours_between(start, deadline) == pytest.approx(hours, abs=1e-9)


def test_zero_hours_is_the_start_itself():
    start = vn(2026, 3, 7, 10)
    assert clock.add_working_hours(start, 0) == start


def test_working_time_includes_the_start_of_a_period_but_not_its_end():
    assert clock.is_working_time(vn(2026, 3, 3, 7, 30))
    assert not clock.is_working_time(vn(2026, 3, 3, 11, 30))
    assert not clock.is_working_time(vn(2026, 3, 3, 12))
    assert clock.is_working_time(vn(2026, 3, 3, 13, 30))
    assert not clock.is_working_time(vn(2026, 3, 3, 17))
    assert not clock.is_working_time(vn(2026, 3, 7, 9))  # Saturday


def test_instants_in_other_zones_are_the_same_instants():
    utc_start = datetime.datetime(2026, 3, 3, 3, 30, tzinfo=datetime.UTC)  # 10:30 in Hà Nội
    deadline = clock.add_working_hours(utc_start, 2)
    assert deadline == vn(2026, 3, 3, 14, 30)
    assert deadline.utcoffset() == datetime.timedelta(hours=7)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        clock.add_working_hours(datetime.datetime(2026, 3, 3, 9), 1)


def test_hours_and_weekdays_follow_the_settings(settings):
    settings.WORKING_HOURS = ["08:00-12:00", "13:00-17:00"]
    settings.WORKING_WEEKDAYS = [1, 2, 3, 4, 5, 6]
    assert clock.add_working_hours(vn(2026, 3, 2, 8), 8) == vn(2026, 3, 2, 17)
    assert clock.is_working_time(vn(2026, 3, 7, 9))  # Saturday worked


def test_public_holidays_can_be_switched_off(settings):
    settings.PUBLIC_HOLIDAYS_COUNTRY = ""
    assert clock.is_working_time(vn(2026, 9, 2, 9))
