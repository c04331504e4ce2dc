"""The people's situation: counts per category, unit, state and day, response times in working
hours and deadline compliance, on a small known set handled at fixed times."""

from __future__ import annotations

import datetime
import json

import pytest

from congdong.core.errors import ActionError
from congdong.feedback import actions
from congdong.feedback.models import FeedbackState, RejectReason
from congdong.insights import situation
from congdong.insights.figures import Period
from congdong.units.models import Level
from tests.clock import vn
from tests.feedback.conftest import SENT, TEXT, category, send

pytestmark = pytest.mark.django_db

S = FeedbackState
MARCH = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
NOW = vn(2026, 3, 20, 10)


@pytest.fixture
def known(people, units):
    """Sent on Tuesday 3 March 2026 at 09:00 (accept by Wed 09:30, answer by Tue 10 March 09:00):
    a: Kinh Bắc, traffic — accepted after 2 working hours, answered after 15 (both on time);
    b: the sibling commune, environment — accepted after 9 working hours (late), never answered;
    c: the province itself — never accepted;
    e: Kinh Bắc — rejected as spam;
    and, not counted, one sent to a commune of Hà Nội and one sent to Kinh Bắc in February."""
    commune, sibling = people["kinhbac.canbo"], people["sibling.canbo"]
    a = send(people["an"], units.kinh_bac)
    actions.accept(commune, a.pk, now=SENT + datetime.timedelta(hours=2))
    actions.assign(commune, a.pk, commune.pk, now=vn(2026, 3, 3, 14))
    actions.answer(commune, a.pk, "Phường đã cho san lấp mặt đường.", now=vn(2026, 3, 5, 9))
    b = send(people["an"], units.sibling, category_id=category("moi-truong").pk)
    actions.accept(sibling, b.pk, now=vn(2026, 3, 4, 10, 30))
    send(people["binh"], units.bac_ninh)
    e = send(people["binh"], units.kinh_bac)
    actions.reject(commune, e.pk, RejectReason.SPAM, "Nội dung quảng cáo.", now=vn(2026, 3, 3, 10))
    send(people["binh"], units.hanoi_commune)
    send(people["an"], units.kinh_bac, now=vn(2026, 2, 10, 9))
    return units


def counts(report: situation.Situation, slug: str) -> situation.Counts:
    return next(n for c, n in report.categories if c.slug == slug)


def test_a_provinces_figures_count_what_its_subtree_received_in_the_period(known):
    report = situation.data(known.bac_ninh, MARCH, now=NOW)
    assert report.totals == situation.Counts(sent=4, open=2, answered=1, rejected=1, overdue=2)
    assert counts(report, "ha-tang-giao-thong") == situation.Counts(3, 1, 1, 1, 1)
    assert counts(report, "moi-truong") == situation.Counts(1, 1, 0, 0, 1)
    assert counts(report, "dat-dai") == situation.Counts()
    assert dict((state, n) for state, _label, n in report.states) == {
        S.RECEIVED: 1,
        S.ACCEPTED: 1,
        S.ASSIGNED: 0,
        S.REOPENED: 0,
        S.ANSWERED: 1,
        S.CLOSED: 0,
        S.REJECTED: 1,
    }


def test_the_children_and_the_units_own_items_add_up_to_the_parent(known):
    report = situation.data(known.bac_ninh, MARCH, now=NOW)
    by_unit = {child.pk: n for child, n in report.children}
    assert by_unit[known.kinh_bac.pk].sent == 2
    assert by_unit[known.sibling.pk].sent == 1
    assert report.own.sent == 1
    for name in ("sent", "open", "answered", "rejected", "overdue"):
        total = sum(getattr(n, name) for n in by_unit.values()) + getattr(report.own, name)
        assert total == getattr(report.totals, name), name
    # Drilling down: the commune's own report equals its row in the province's.
    commune = situation.data(known.kinh_bac, MARCH, now=NOW)
    assert commune.totals == by_unit[known.kinh_bac.pk]
    assert commune.children == []


def test_response_times_are_counted_in_working_hours(known):
    report = situation.data(known.bac_ninh, MARCH, now=NOW)
    # a: 09:00 → 11:00 is 2 h; b: Tue 09:00–17:00 (6 h) + Wed 07:30–10:30 (3 h) = 9 h.
    assert report.to_accept == situation.Hours(items=2, median=5.5, mean=5.5)
    # a: Tue 6 h + Wed 7.5 h (07:30–11:30, 13:30–17:00) + Thu 07:30–09:00 1.5 h.
    assert report.to_answer == situation.Hours(items=1, median=15.0, mean=15.0)


def test_deadline_compliance_counts_late_and_still_waiting_items(known):
    report = situation.data(known.bac_ninh, MARCH, now=NOW)
    # Accept: a on time, b late, c still waiting past its deadline; e (rejected) left out.
    assert (report.accepted_on_time.on_time, report.accepted_on_time.due) == (1, 3)
    assert report.accepted_on_time.percent == 33.3
    # Answer: a on time; b accepted and past its answer deadline (Tuesday 10 March, 09:00).
    assert (report.answered_on_time.on_time, report.answered_on_time.due) == (1, 2)
    assert report.answered_on_time.percent == 50.0
    # Before b's answer deadline it is not due yet, nor overdue.
    early = situation.data(known.bac_ninh, MARCH, now=vn(2026, 3, 9, 16))
    assert (early.answered_on_time.on_time, early.answered_on_time.due) == (1, 1)
    assert early.totals.overdue == 1  # c only


def test_the_series_counts_items_per_day_and_per_week_for_long_periods(known):
    report = situation.data(known.bac_ninh, MARCH, now=NOW)
    assert not report.weekly
    per_day = dict(report.series)
    assert per_day[datetime.date(2026, 3, 3)] == 4
    assert sum(per_day.values()) == 4 and len(per_day) == 31
    quarter = situation.data(known.bac_ninh, situation.named_period("2026-Q1"), now=NOW)
    assert quarter.weekly
    weeks = dict(quarter.series)
    assert weeks[datetime.date(2026, 3, 2)] == 4  # the Monday of 3 March
    assert weeks[datetime.date(2026, 2, 9)] == 1  # the February item
    assert quarter.totals.sent == 5


def test_a_level_adds_one_row_per_unit_of_that_level(known):
    report = situation.data(known.bac_ninh, MARCH, now=NOW, level=Level.COMMUNE)
    rows = {unit.pk: n.sent for unit, n in report.level_rows}
    assert rows[known.kinh_bac.pk] == 2 and rows[known.sibling.pk] == 1
    assert sum(rows.values()) == 3  # the province's own item is above the communes
    assert all(unit.level == Level.COMMUNE for unit, _n in report.level_rows)


def test_another_province_sees_only_its_own_item(known):
    report = situation.data(known.hanoi, MARCH, now=NOW)
    assert report.totals.sent == 1 and report.totals.overdue == 1


def test_the_figures_as_data_hold_no_text_name_or_code(known, people):
    data = situation.as_dict(situation.data(known.bac_ninh, MARCH, now=NOW, level="commune"))
    dumped = json.dumps(data, ensure_ascii=False)
    assert data["totals"]["sent"] == 4
    assert TEXT not in dumped and "PA-2026-" not in dumped
    assert "Nguyễn Văn An" not in dumped


def test_months_and_quarters_name_periodic_reports():
    assert situation.named_period("2026-02") == Period(
        datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)
    )
    assert situation.named_period("2026-q4") == Period(
        datetime.date(2026, 10, 1), datetime.date(2026, 12, 31)
    )
    with pytest.raises(ActionError):
        situation.named_period("2026-13")
    presets = situation.presets(datetime.date(2026, 1, 15))
    assert [p.period.start for p in presets] == [
        datetime.date(2026, 1, 1),
        datetime.date(2025, 12, 1),
        datetime.date(2026, 1, 1),
        datetime.date(2025, 10, 1),
    ]
