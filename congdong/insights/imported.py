"""Figures imported from a linked channel, added to `DayCount` under their source.

A platform's figures of a day may be read again (a backfill resumed, Facebook revising its
numbers): `store_days` keeps what each (link, day) added in `ImportedDay` and adds only the
difference, so a day imported twice counts once. Each figure lands on the rows of the page's
unit and every unit above it, under the page's level and the source, for the day, its month
and its quarter — rolled up the tree as congdong's own figures are (`rollup.add_counts`).

Followers arrive as a total at the end of a day. `DayCount` holds each day's change since the
previous day known (as `followers_gained`, the net change; `followers_lost` stays 0 for an
imported source), so a follower total is the same sum from the beginning as congdong's own.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction

from congdong.core import versions
from congdong.insights.models import SOURCE_COLUMNS, ImportedDay, Span
from congdong.insights.rollup import VERSION as FIGURES_VERSION
from congdong.insights.rollup import _places, add_counts, lock_figures, quarter_of

# Our figure → the DayCount column it adds to (followers: see the module's docstring).
COLUMN_OF = {
    "posts": "posts",
    "views": "impressions",
    "viewers": "viewers",
    "engagement": "platform_engagement",
}
# Every column is written (the others as 0): the upsert's INSERT gives each a value.
COLUMNS = SOURCE_COLUMNS


@dataclass
class Day:
    """One day's figures of a channel as the platform gave them (None: not given)."""

    followers: int | None = None
    posts: int | None = None
    views: int | None = None
    viewers: int | None = None
    engagement: int | None = None


def store_days(link_id: int, page_id: int, source: str, days: dict[datetime.date, Day]) -> int:
    """Set the figures of `days` for the link (a figure given as None keeps what was stored)
    and add the differences to the source's DayCount rows; returns the days changed."""
    if not days:
        return 0
    with transaction.atomic():
        lock_figures()
        place = _places({page_id}).get(page_id)
        old = {row.day: row for row in ImportedDay.objects.filter(link_id=link_id)}
        changes: dict[datetime.date, dict[str, int]] = defaultdict(dict)
        new_rows: dict[datetime.date, ImportedDay] = {}
        for day, given in sorted(days.items()):
            row = old.get(day) or ImportedDay(link_id=link_id, day=day)
            for figure, column in COLUMN_OF.items():
                value = getattr(given, figure)
                if value is not None and value != getattr(row, figure):
                    changes[day][column] = int(value) - getattr(row, figure)
                    setattr(row, figure, int(value))
            new_rows[day] = row
        _follower_changes(old, days, new_rows, changes)
        touched = [row for day, row in new_rows.items() if day in changes or row.pk is None]
        ImportedDay.objects.bulk_create([row for row in touched if row.pk is None])
        ImportedDay.objects.bulk_update(
            [row for row in touched if row.pk is not None],
            ["followers", *COLUMN_OF],
        )
        counts: dict[tuple[int, str, str, datetime.date], dict[str, int]] = defaultdict(
            lambda: defaultdict(int)
        )
        if place is not None:
            for day, added in changes.items():
                spans = (
                    (Span.DAY, day),
                    (Span.MONTH, day.replace(day=1)),
                    (Span.QUARTER, quarter_of(day)),
                )
                for unit_id in place.chain:
                    for span, start in spans:
                        for column, n in added.items():
                            counts[(unit_id, place.level, span, start)][column] += n
        if counts:
            add_counts(counts, source, COLUMNS)
            versions.bump(FIGURES_VERSION)
    return len(changes)


def _follower_changes(
    old: dict[datetime.date, ImportedDay],
    days: dict[datetime.date, Day],
    new_rows: dict[datetime.date, ImportedDay],
    changes: dict[datetime.date, dict[str, int]],
) -> None:
    """The changes to each day's follower change (total minus the previous known total)
    that the new totals make: only the days given and the next known day after each move."""
    before = {day: row.followers for day, row in old.items() if row.followers is not None}
    after = dict(before)
    for day, given in days.items():
        if given.followers is not None:
            after[day] = int(given.followers)
            new_rows[day].followers = int(given.followers)
    if after == before:
        return
    old_steps, new_steps = _steps(before), _steps(after)
    for day in set(old_steps) | set(new_steps):
        difference = new_steps.get(day, 0) - old_steps.get(day, 0)
        if difference:
            changes[day]["followers_gained"] = difference
            if day not in new_rows:  # a later day whose change moved: rewrite nothing of it
                new_rows[day] = old[day]


def _steps(totals: dict[datetime.date, int]) -> dict[datetime.date, int]:
    """Each day's change from the previous known total (the first day: its whole total)."""
    steps, previous = {}, 0
    for day in sorted(totals):
        steps[day] = totals[day] - previous
        previous = totals[day]
    return steps
