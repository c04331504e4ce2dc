"""`core.bulk.rows_source`: many rows as the source of one INSERT — on PostgreSQL one array
parameter per column (psycopg parses every `%s` of a statement in Python), on SQLite one
`VALUES` tuple per row — and the rows arrive alike either way: nulls, dates, text, bytes."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from congdong.core.bulk import rows_source
from congdong.insights import rollup
from congdong.insights.models import COUNT_COLUMNS, DayCount, ReachSketch, Source

pytestmark = pytest.mark.django_db
COLUMNS = ("unit_id", "own", "span", "start", "sketch", "estimate")


def test_the_parameters_are_one_per_column_on_postgresql_one_per_value_elsewhere():
    day = datetime.date(2026, 11, 2)
    rows = [(unit, unit % 2 == 0, "d", day, b"\x00\xff" * unit, unit * 10) for unit in (1, 2, 3)]
    source, params = rows_source(connection, ReachSketch, COLUMNS, rows)
    if connection.vendor == "postgresql":
        assert source.startswith("SELECT * FROM unnest(") and source.count("%s") == len(COLUMNS)
        assert len(params) == len(COLUMNS) and params[0] == [1, 2, 3]
    else:
        assert source.startswith("VALUES") and source.count("%s") == len(rows) * len(COLUMNS)
        assert len(params) == len(rows) * len(COLUMNS)
    if connection.vendor != "postgresql":
        rows = [(*row[:3], day.isoformat(), *row[4:]) for row in rows]  # SQLite stores text
        source, params = rows_source(connection, ReachSketch, COLUMNS, rows)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ReachSketch._meta.db_table} ({', '.join(COLUMNS)}) {source}", params
        )
    stored = {
        row.unit_id: (row.own, row.start, bytes(row.sketch), row.estimate)
        for row in ReachSketch.objects.all()
    }
    assert stored == {
        1: (False, day, b"\x00\xff", 10),
        2: (True, day, b"\x00\xff" * 2, 20),
        3: (False, day, b"\x00\xff" * 3, 30),
    }


def test_counts_added_twice_through_the_upsert_add_up_and_keep_the_units_apart():
    day = datetime.date(2026, 11, 2)
    counts = {
        (7, "commune", "d", day): {"impressions": 3},
        (8, "province", "d", day): {"shares": 1},
    }
    rollup.add_counts(counts, Source.SITE, COUNT_COLUMNS)
    rollup.add_counts(counts, Source.SITE, COUNT_COLUMNS)
    found = {
        row.unit_id: (row.level, row.impressions, row.shares)
        for row in DayCount.objects.filter(source=Source.SITE)
    }
    assert found == {7: ("commune", 6, 0), 8: ("province", 0, 2)}
