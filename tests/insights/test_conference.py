"""The conference report: coverage per level, the top page's figures, one row per province."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils.translation import gettext

from congdong import events
from congdong.events import EventKind
from congdong.insights import conference, coverage
from congdong.insights.coverage import LevelCoverage
from congdong.pages.actions import do_establish_many
from congdong.pages.models import Page
from congdong.units.models import Level, Unit
from tests.insights.unit_tree import below, count, root, unit

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CONFERENCE_DAY = datetime.date(2022, 8, 5)
OPENED = datetime.datetime(2022, 3, 1, 9, tzinfo=VN)
JULY = datetime.datetime(2022, 7, 1, 10, tzinfo=VN)


def on(page: Page, kind: EventKind, visitors: list[str]) -> list[events.RawEvent]:
    return [events.make(kind, page.pk, visitor=v, at=JULY) for v in visitors]


@pytest.fixture
def country(db) -> Unit:
    """The 2022 tree with the central page, Bắc Ninh's and Hà Nội's provincial pages, 2 Bắc
    Ninh districts and 5 Bắc Ninh communes open since March 2022; events in July 2022 on the
    central page and on one Bắc Ninh commune."""
    tree = root("2022")
    bac_ninh = unit("2022", "27")
    do_establish_many(
        [
            tree,
            bac_ninh,
            unit("2022", "01"),
            *below(bac_ninh, Level.DISTRICT)[:2],
            *below(bac_ninh, Level.COMMUNE)[:5],
        ],
        opened_at=OPENED,
    )
    central = Page.objects.get(unit=tree)
    commune = Page.objects.get(unit=below(bac_ninh, Level.COMMUNE)[0])
    batch = [
        *on(central, EventKind.FOLLOW, ["u1", "u2", "u3"]),
        *on(central, EventKind.UNFOLLOW, ["u3"]),
        *on(central, EventKind.PUBLISH, ["u100", "u100"]),
        *on(central, EventKind.REFERRAL_OPEN, ["u1", "u2", "v-a", "v-b"]),
        *on(central, EventKind.REFERRAL_FOLLOW, ["u2"]),
        *on(central, EventKind.PAGE_VIEW, ["u1", "u2", "u3", "v-c", "v-d"]),
        *on(central, EventKind.REACTION, ["u1", "u2"]),
        *on(central, EventKind.COMMENT, ["u1"]),
        *on(central, EventKind.SHARE, ["u2"]),
        *on(commune, EventKind.PAGE_VIEW, ["u1", "v-z"]),
        *on(commune, EventKind.FOLLOW, ["u7"]),
    ]
    assert events.store(batch) == len(batch)
    return tree


def test_the_report_has_one_row_per_province_in_code_order(country):
    document = conference.document(country, {"ngay": "2022-08-05"})

    provinces = below(country, Level.PROVINCE)
    by_province = document.tables[-1]
    assert [row[0] for row in by_province.rows] == [p.full_name for p in provinces]
    assert len(by_province.rows) == 63


def test_a_provinces_row_has_its_page_its_coverage_and_its_subtrees_figures(country):
    document = conference.document(country, {"ngay": "2022-08-05"})

    rows = {row[0]: row for row in document.tables[-1].rows}
    bac_ninh = unit("2022", "27")
    _name, active, districts, communes, followers, posts, referrals, reach = rows[
        bac_ninh.full_name
    ]
    assert active == gettext("Yes")
    assert districts == f"2/{count(bac_ninh, Level.DISTRICT)}"
    assert communes == f"5/{count(bac_ninh, Level.COMMUNE)}"
    assert (followers, posts, referrals) == (1, 0, 0)
    assert reach == 2  # u1 and v-z saw the commune's page
    assert rows[unit("2022", "02").full_name][1:4] == [
        gettext("No"),
        f"0/{count(unit('2022', '02'), Level.DISTRICT)}",
        f"0/{count(unit('2022', '02'), Level.COMMUNE)}",
    ]


def test_the_cards_show_coverage_per_level_then_the_central_pages_figures(country):
    document = conference.document(country, {"ngay": "2022-08-05"})

    values = [value for _label, value, _note in document.cards]
    assert values[:3] == [
        coverage.share_text(LevelCoverage(Level.PROVINCE, 63, 2)),
        coverage.share_text(LevelCoverage(Level.DISTRICT, 705, 2)),
        coverage.share_text(LevelCoverage(Level.COMMUNE, 10_599, 5)),
    ]
    # followers, posts, referrals, reach (estimated), impressions, engagement
    assert values[3:] == [2, 2, 4, 7, 5, 4]
    per_level = document.tables[0]
    assert [row[1:3] for row in per_level.rows] == [[63, 2], [705, 2], [10_599, 5]]


def test_figures_after_the_report_day_are_left_out(country):
    document = conference.document(country, {"ngay": "2022-06-30"})

    assert [value for _label, value, _note in document.cards][3:] == [0, 0, 0, 0, 0, 0]


def test_a_reported_percent_no_count_gives_is_explained_on_its_card(db):
    # The 2022 press report: 77.8 % of 705 districts; 548 is the nearest count (77,7 %).
    tree = root("2022")
    do_establish_many(below(tree, Level.DISTRICT)[:548], opened_at=OPENED)

    document = conference.document(
        None,
        {
            "ngay": "2022-08-05",
            "cau_truc": "2022",
            "reported_percent_district": "77.8",
            "reported_percent_province": "0.0",
        },
    )

    cards = {value: note for _label, value, note in document.cards}
    district = LevelCoverage(Level.DISTRICT, 705, 548)
    note = cards[coverage.share_text(district)]
    assert note == coverage.reported_note(district, 77.8)
    assert "549" in note and coverage.percent_text(77.9) in note
    assert cards[coverage.share_text(LevelCoverage(Level.COMMUNE, 10_599, 0))] == ""
    assert note in document.tables[0].note


def test_a_provinces_report_has_a_row_per_district(country):
    bac_ninh = unit("2022", "27")

    document = conference.document(bac_ninh, {"ngay": "2022-08-05"})

    districts = below(bac_ninh, Level.DISTRICT)
    rows = document.tables[-1].rows
    assert [row[0] for row in rows] == [d.full_name for d in districts]
    assert [row[1] for row in rows[:3]] == [gettext("Yes"), gettext("Yes"), gettext("No")]
    assert len(document.tables[-1].columns) == 7  # no district column below a district
    assert document.filename == "bao-cao-hoi-nghi-27-2022-08-05"


def test_the_2025_report_has_no_district_column(db):
    tree = root("2025")

    document = conference.document(tree, {"ngay": "2025-08-01"})

    assert [row[0] for row in document.tables[0].rows] == [
        LevelCoverage(Level.PROVINCE, 0, 0).heading,
        LevelCoverage(Level.COMMUNE, 0, 0).heading,
    ]
    assert len(document.tables[-1].rows) == 34
    assert len(document.tables[-1].columns) == 7


def test_the_report_names_its_file_and_defines_its_figures(country):
    document = conference.document(country, {"ngay": "2022-08-05"})

    assert document.filename == "bao-cao-hoi-nghi-2022-08-05"
    names = [name for name, _text in document.definitions]
    assert len(names) == 7  # coverage and the six figures of the cards
    assert str(coverage.COVERAGE_DEFINITION) in [text for _name, text in document.definitions]


def test_the_whole_country_takes_a_handful_of_queries(country, django_assert_max_num_queries):
    with django_assert_max_num_queries(11):
        conference.document(country, {"ngay": "2022-08-05"})


def test_a_malformed_reported_percent_is_refused(country):
    with pytest.raises(ValueError):
        conference.document(country, {"ngay": "2022-08-05", "reported_percent_district": "x"})
