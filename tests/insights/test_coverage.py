"""Coverage per level on a date, read from the pages' status history."""

from __future__ import annotations

import datetime
import itertools
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from congdong.insights import coverage
from congdong.insights.coverage import LevelCoverage
from congdong.pages.actions import create_page, do_establish_many, move_page
from congdong.pages.models import Page, PageStatus
from congdong.units.models import Level, Unit
from tests.insights.unit_tree import below, count, root, unit

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CONFERENCE_DAY = datetime.date(2022, 8, 5)


def by_level(found: list[LevelCoverage]) -> dict[str, tuple[int, int]]:
    return {c.level: (c.with_page, c.units) for c in found}


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=VN)


@pytest.fixture
def bac_ninh_2022(db) -> Unit:
    """Bắc Ninh (2022 code 27) with pages opened on known days: the province, 3 districts and
    10 communes late on 1 March 2022, 2 more communes just after midnight on 2 March; and one
    Hà Nội commune, which is outside Bắc Ninh."""
    province = unit("2022", "27")
    districts = below(province, Level.DISTRICT)[:3]
    communes = below(province, Level.COMMUNE)
    do_establish_many([province, *districts, *communes[:10]], opened_at=at(2022, 3, 1, 23, 30))
    do_establish_many(communes[10:12], opened_at=at(2022, 3, 2, 0, 10))
    do_establish_many(below(unit("2022", "01"), Level.COMMUNE)[:1], opened_at=at(2022, 1, 1))
    return province


def test_coverage_counts_pages_active_at_the_end_of_the_day_in_vietnam(bac_ninh_2022):
    districts = count(bac_ninh_2022, Level.DISTRICT)
    communes = count(bac_ninh_2022, Level.COMMUNE)

    # 23:30 on 1 March in Vietnam is still 1 March; 00:10 on 2 March is the next day (both are
    # 1 March in UTC).
    assert by_level(coverage.levels(bac_ninh_2022, datetime.date(2022, 3, 1))) == {
        Level.PROVINCE: (1, 1),
        Level.DISTRICT: (3, districts),
        Level.COMMUNE: (10, communes),
    }
    assert by_level(coverage.levels(bac_ninh_2022, datetime.date(2022, 3, 2)))[Level.COMMUNE] == (
        12,
        communes,
    )
    assert by_level(coverage.levels(bac_ninh_2022, datetime.date(2022, 2, 28))) == {
        Level.PROVINCE: (0, 1),
        Level.DISTRICT: (0, districts),
        Level.COMMUNE: (0, communes),
    }


def test_levels_are_listed_top_down_from_the_units_own_level(bac_ninh_2022):
    found = coverage.levels(bac_ninh_2022, CONFERENCE_DAY)

    assert [c.level for c in found] == [Level.PROVINCE, Level.DISTRICT, Level.COMMUNE]
    district = found[1]
    assert district.percent == round(100 * 3 / district.units, 1)


def test_coverage_of_a_province_counts_only_its_own_units(bac_ninh_2022):
    hanoi = unit("2022", "01")

    assert by_level(coverage.levels(hanoi, CONFERENCE_DAY))[Level.COMMUNE] == (
        1,
        count(hanoi, Level.COMMUNE),
    )
    whole = by_level(coverage.levels(root("2022"), CONFERENCE_DAY))
    assert whole[Level.CENTRAL] == (0, 1)
    assert whole[Level.PROVINCE] == (1, 63)
    assert whole[Level.DISTRICT] == (3, 705)
    assert whole[Level.COMMUNE] == (13, 10_599)


def test_units_of_the_2025_structure_do_not_exist_in_2022(db):
    communes = below(unit("2025", "24"), Level.COMMUNE)
    do_establish_many(communes[:5], opened_at=at(2021, 1, 1))
    tree_2025 = root("2025")

    found = coverage.levels(tree_2025, CONFERENCE_DAY)

    assert [c.level for c in found] == [Level.CENTRAL, Level.PROVINCE, Level.COMMUNE]
    assert all(c.units == 0 and c.with_page == 0 and c.percent == 0 for c in found)
    assert coverage.without_page(tree_2025, CONFERENCE_DAY) == []
    assert not coverage.in_force(tree_2025, CONFERENCE_DAY)
    # …and the 2022 districts no longer exist once the 2025 structure is in force.
    assert by_level(coverage.levels(root("2022"), datetime.date(2025, 7, 1)))[Level.DISTRICT] == (
        0,
        0,
    )


def test_a_suspended_page_stops_counting_and_counts_again_when_reopened(personas):
    admin = personas["admin"]
    bac_ninh = unit("2025", "24")
    communes = below(bac_ninh, Level.COMMUNE)
    do_establish_many(communes[:4], opened_at=at(2025, 8, 1))
    page = Page.objects.get(unit=communes[0])
    today = timezone.localdate()

    move_page(admin, page.pk, PageStatus.SUSPENDED, reason="Tạm dừng để rà soát nội dung")

    assert by_level(coverage.levels(bac_ninh, today))[Level.COMMUNE][0] == 3
    # The history is kept: the page was active on the day before the suspension.
    assert by_level(coverage.levels(bac_ninh, datetime.date(2025, 8, 1)))[Level.COMMUNE][0] == 4
    assert communes[0] in coverage.without_page(bac_ninh, today, level=Level.COMMUNE)

    move_page(admin, page.pk, PageStatus.ACTIVE)

    assert by_level(coverage.levels(bac_ninh, today))[Level.COMMUNE][0] == 4


def test_a_page_set_up_but_not_opened_does_not_count(personas):
    bac_ninh = unit("2025", "24")
    commune = below(bac_ninh, Level.COMMUNE)[0]

    create_page(personas["admin"], commune.pk)

    assert by_level(coverage.levels(bac_ninh, timezone.localdate()))[Level.COMMUNE][0] == 0
    assert commune in coverage.without_page(bac_ninh, timezone.localdate())


def test_units_without_a_page_are_listed_in_tree_order_by_level(bac_ninh_2022):
    communes = below(bac_ninh_2022, Level.COMMUNE)

    missing = coverage.without_page(bac_ninh_2022, CONFERENCE_DAY, level=Level.COMMUNE)

    assert missing == communes[12:]
    assert [u.path for u in missing] == sorted(u.path for u in missing)
    everything = coverage.without_page(bac_ninh_2022, CONFERENCE_DAY)
    assert coverage.without_page(bac_ninh_2022, CONFERENCE_DAY, limit=5) == everything[:5]
    assert bac_ninh_2022 not in everything
    assert len(everything) == count(bac_ninh_2022, Level.DISTRICT) - 3 + len(communes) - 12


def test_history_gives_evenly_spaced_dates_with_both_ends(bac_ninh_2022):
    start, end = datetime.date(2022, 1, 1), datetime.date(2022, 12, 31)

    found = coverage.history(bac_ninh_2022, start, end, points=12)

    days = [day for day, _levels in found]
    assert len(days) == 12
    assert days[0] == start and days[-1] == end
    gaps = {(b - a).days for a, b in itertools.pairwise(days)}
    assert max(gaps) - min(gaps) <= 1
    communes = [by_level(levels)[Level.COMMUNE][0] for _day, levels in found]
    assert communes[0] == 0 and communes[-1] == 12
    assert communes == sorted(communes)


def test_history_of_a_short_range_has_one_point_a_day(bac_ninh_2022):
    found = coverage.history(
        bac_ninh_2022, datetime.date(2022, 2, 28), datetime.date(2022, 3, 2), points=12
    )

    assert [(day.day, by_level(levels)[Level.COMMUNE][0]) for day, levels in found] == [
        (28, 0),
        (1, 10),
        (2, 12),
    ]


def test_each_province_has_its_own_coverage(bac_ninh_2022):
    rows = coverage.by_child(root("2022"), CONFERENCE_DAY)

    assert len(rows) == 63
    found = {child.code: by_level(levels) for child, levels in rows}
    assert found["27"] == {
        Level.PROVINCE: (1, 1),
        Level.DISTRICT: (3, count(bac_ninh_2022, Level.DISTRICT)),
        Level.COMMUNE: (12, count(bac_ninh_2022, Level.COMMUNE)),
    }
    assert found["01"][Level.COMMUNE][0] == 1
    assert rows[0][1] == coverage.levels(rows[0][0], CONFERENCE_DAY)
    assert sum(levels[Level.COMMUNE][1] for levels in found.values()) == 10_599


def test_the_whole_2022_tree_takes_a_handful_of_queries(
    bac_ninh_2022, django_assert_max_num_queries
):
    tree = root("2022")

    with django_assert_max_num_queries(2):
        coverage.levels(tree, CONFERENCE_DAY)
    with django_assert_max_num_queries(3):
        coverage.by_child(tree, CONFERENCE_DAY)
    with django_assert_max_num_queries(1):
        coverage.without_page(tree, CONFERENCE_DAY)
    # One query for the units, one for the pages' transitions, however many dates (a query
    # a date made the dashboard's year of history take over a second on the demo data).
    with django_assert_max_num_queries(2):
        coverage.history(tree, datetime.date(2022, 1, 1), CONFERENCE_DAY)


def test_each_point_of_the_history_is_that_days_coverage(bac_ninh_2022):
    # Around the openings of 1 and 2 March (two just after midnight).
    days = [datetime.date(2022, 2, 28) + datetime.timedelta(days=n) for n in range(4)]
    for tree in (bac_ninh_2022, root("2022")):
        found = coverage.history(tree, days[0], days[-1], points=4)
        assert [day for day, _levels in found] == days
        for day, levels in found:
            assert levels == coverage.levels(tree, day)
    found = coverage.history(bac_ninh_2022, days[0], days[-1], points=4)
    assert [by_level(levels)[Level.COMMUNE][0] for _day, levels in found] == [0, 10, 12, 12]


def test_percent_is_rounded_to_one_decimal():
    assert LevelCoverage(Level.DISTRICT, 705, 548).percent == 77.7
    assert LevelCoverage(Level.COMMUNE, 10_599, 5_776).percent == 54.5
    assert LevelCoverage(Level.PROVINCE, 63, 63).percent == 100.0
    assert LevelCoverage(Level.COMMUNE, 0, 0).percent == 0


def test_a_reported_percent_no_count_can_give_is_explained():
    districts = LevelCoverage(Level.DISTRICT, 705, 548)

    note = coverage.reported_note(districts, 77.8)

    # 548 of 705 is 77,73 % and 549 is 77,87 %: the note names both neighbours.
    assert coverage.percent_text(77.7) in note and coverage.percent_text(77.9) in note
    assert "549" in note
    assert coverage.reported_note(districts, 77.7) == ""
    assert coverage.reported_note(LevelCoverage(Level.COMMUNE, 10_599, 5_776), 54.5) == ""


def test_the_coverage_document_has_the_levels_and_the_units_without_a_page(bac_ninh_2022):
    document = coverage.document(bac_ninh_2022, {"ngay": "2022-08-05", "cap": "district"})

    per_level, missing = document.tables
    assert [row[1:3] for row in per_level.rows] == [
        [1, 1],
        [count(bac_ninh_2022, Level.DISTRICT), 3],
        [count(bac_ninh_2022, Level.COMMUNE), 12],
    ]
    districts = below(bac_ninh_2022, Level.DISTRICT)[3:]
    assert [row[0] for row in missing.rows] == [d.full_name for d in districts]
    assert {row[2] for row in missing.rows} == {bac_ninh_2022.full_name}
    assert document.cards[0][1] == coverage.share_text(LevelCoverage(Level.PROVINCE, 1, 1))
    assert [text for _name, text in document.definitions] == [str(coverage.COVERAGE_DEFINITION)]
    assert document.filename == "do-phu-2022-27-2022-08-05"


def test_the_coverage_document_of_the_whole_tree_is_the_structures_root(bac_ninh_2022):
    document = coverage.document(None, {"ngay": "2022-08-05", "cau_truc": "2022"})

    assert [row[1] for row in document.tables[0].rows] == [1, 63, 705, 10_599]
