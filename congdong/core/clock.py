"""Working hours on the Vietnamese office calendar, for deadlines such as "within 8 working hours".

A day is a working day when, in this order (the first rule that speaks decides):
1. an admin's `CalendarDay` says so (an extra day off, or a make-up working day);
2. the `holidays` package lists it as a weekend day worked in exchange for a bridge day;
3. the `holidays` package lists it as a public holiday (Tết, 30/4, 2/9 …): not working;
4. its weekday is in `settings.WORKING_WEEKDAYS` (ISO: Monday 1 … Sunday 7).

On a working day the hours are `settings.WORKING_HOURS` ("07:30-11:30,13:30-17:00"), wall time
in `settings.CALENDAR_TIME_ZONE`. Durations are measured between instants in UTC with
`timedelta` (whole microseconds), so there is no floating-point drift and a zone with daylight
saving would still count real elapsed time; Vietnam has none.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.utils import timezone

UTC = datetime.UTC
# A calendar with no working day at all would make `add_working_hours` look forever.
MAX_DAYS = 3 * 366


@cache
def _periods(spec: tuple[str, ...]) -> tuple[tuple[datetime.time, datetime.time], ...]:
    """("07:30-11:30", "13:30-17:00") parsed, checked to be ordered and not overlapping."""
    out: list[tuple[datetime.time, datetime.time]] = []
    for item in spec:
        start, _sep, end = item.partition("-")
        begin, finish = (
            datetime.time.fromisoformat(start.strip()),
            datetime.time.fromisoformat(end.strip()),
        )
        if not begin < finish or (out and begin < out[-1][1]):
            raise ValueError(f"WORKING_HOURS: {item!r} is empty or overlaps the period before it")
        out.append((begin, finish))
    return tuple(out)


def now_or_given(now: datetime.datetime | None) -> datetime.datetime:
    """The `now` an action was given (tests and the demo pass a fixed time), which must be
    aware, or the current time when none was."""
    if now is None:
        return timezone.now()
    if timezone.is_naive(now):
        raise ValueError("`now` must be an aware datetime")
    return now


def _aware(dt: datetime.datetime) -> datetime.datetime:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("the working-hours clock needs an aware datetime")
    return dt


class WorkingCalendar:
    """Which days are working days, read once per year asked about (one query for the
    admin's exceptions, one holiday table). Make one per request or job; it does not see
    exceptions added after it read a year."""

    def __init__(self) -> None:
        self.zone = ZoneInfo(settings.CALENDAR_TIME_ZONE)
        self.periods = _periods(tuple(settings.WORKING_HOURS))
        self.weekdays = frozenset(int(d) for d in settings.WORKING_WEEKDAYS)
        self._years: dict[int, tuple[dict[datetime.date, bool], dict[datetime.date, bool]]] = {}

    def _year(self, year: int) -> tuple[dict[datetime.date, bool], dict[datetime.date, bool]]:
        """(admin exceptions, package days) for `year`: date → is a working day."""
        if year not in self._years:
            from congdong.core.models import CalendarDay, DayKind

            admin = {
                day: kind == DayKind.WORKING_DAY
                for day, kind in CalendarDay.objects.filter(date__year=year).values_list(
                    "date", "kind"
                )
            }
            package: dict[datetime.date, bool] = {}
            if settings.PUBLIC_HOLIDAYS_COUNTRY:
                public = holidays.country_holidays(settings.PUBLIC_HOLIDAYS_COUNTRY, years=year)
                package = dict.fromkeys(public.keys(), False)
                for day in public.weekend_workdays:
                    if day.year == year:
                        package[day] = True
            self._years[year] = (admin, package)
        return self._years[year]

    def is_working_day(self, day: datetime.date) -> bool:
        admin, package = self._year(day.year)
        if day in admin:
            return admin[day]
        if day in package:
            return package[day]
        return day.isoweekday() in self.weekdays

    def periods_on(self, day: datetime.date) -> list[tuple[datetime.datetime, datetime.datetime]]:
        """The working periods of `day` as UTC instants (none on a day off)."""
        if not self.is_working_day(day):
            return []
        return [
            (
                datetime.datetime.combine(day, begin, self.zone).astimezone(UTC),
                datetime.datetime.combine(day, end, self.zone).astimezone(UTC),
            )
            for begin, end in self.periods
        ]

    def _periods_from(
        self, instant: datetime.datetime
    ) -> Iterator[tuple[datetime.datetime, datetime.datetime]]:
        """Working periods that end after `instant`, in order, clipped to start at it."""
        day = instant.astimezone(self.zone).date()
        for _n in range(MAX_DAYS):
            for begin, end in self.periods_on(day):
                if end > instant:
                    yield max(begin, instant), end
            day += datetime.timedelta(days=1)
        raise ValueError("no working time in the calendar for three years")

    def add_working_hours(self, start: datetime.datetime, hours: float) -> datetime.datetime:
        """The earliest instant by which `hours` working hours have passed since `start`.

        Counting starts at `start` if it is working time, else at the next working period;
        a deadline that falls exactly at the end of a period is that end (11:30, not 13:30).
        Zero hours is `start` itself. The result is in the calendar's time zone.
        """
        start = _aware(start).astimezone(UTC)
        if hours < 0:
            raise ValueError("hours must not be negative")
        left = datetime.timedelta(hours=hours)
        if not left:
            return start.astimezone(self.zone)
        for begin, end in self._periods_from(start):
            if left <= end - begin:
                return (begin + left).astimezone(self.zone)
            left -= end - begin
        raise AssertionError("unreachable")  # _periods_from raises when it runs out

    def working_hours_between(self, a: datetime.datetime, b: datetime.datetime) -> float:
        """Working hours from `a` to `b`; negative when `b` is before `a`."""
        a, b = _aware(a).astimezone(UTC), _aware(b).astimezone(UTC)
        if b < a:
            return -self.working_hours_between(b, a)
        total = datetime.timedelta()
        day, last = a.astimezone(self.zone).date(), b.astimezone(self.zone).date()
        while day <= last:
            for begin, end in self.periods_on(day):
                overlap = min(end, b) - max(begin, a)
                if overlap > datetime.timedelta():
                    total += overlap
            day += datetime.timedelta(days=1)
        return total / datetime.timedelta(hours=1)

    def is_working_time(self, dt: datetime.datetime) -> bool:
        """True when `dt` falls in a working period (its start included, its end not)."""
        instant = _aware(dt).astimezone(UTC)
        day = instant.astimezone(self.zone).date()
        return any(begin <= instant < end for begin, end in self.periods_on(day))


def add_working_hours(start: datetime.datetime, hours: float) -> datetime.datetime:
    """See `WorkingCalendar.add_working_hours`; reads the calendar afresh."""
    return WorkingCalendar().add_working_hours(start, hours)


def working_hours_between(a: datetime.datetime, b: datetime.datetime) -> float:
    """See `WorkingCalendar.working_hours_between`; reads the calendar afresh."""
    return WorkingCalendar().working_hours_between(a, b)


def is_working_time(dt: datetime.datetime) -> bool:
    """See `WorkingCalendar.is_working_time`; reads the calendar afresh."""
    return WorkingCalendar().is_working_time(dt)
