"""Escalating to the unit above and transferring to another unit move the item, and with it who
may see it."""

from __future__ import annotations

import datetime

import pytest
from django.http import Http404

from congdong.core.errors import ActionError
from congdong.feedback import actions, queries
from congdong.feedback.models import Feedback, FeedbackState
from congdong.units.models import Unit
from tests.clock import vn
from tests.feedback.conftest import SENT, moves, send

pytestmark = pytest.mark.django_db

S = FeedbackState
LATER = SENT + datetime.timedelta(hours=1)


def test_an_accepted_item_escalated_goes_to_the_province_which_answers_it(people, units):
    commune, province = people["kinhbac.canbo"], people["bacninh.quantri"]
    item = send(people["an"], units.kinh_bac)
    actions.accept(commune, item.pk, now=LATER)
    actions.assign(commune, item.pk, commune.pk, now=LATER)
    escalated = actions.escalate(commune, item.pk, "Vượt thẩm quyền của phường.", now=LATER)
    assert (escalated.unit, escalated.state, escalated.assigned_to) == (
        units.bac_ninh,
        S.ACCEPTED,
        None,
    )
    # The deadlines the citizen was given still run.
    assert (escalated.accept_due, escalated.answer_due) == (item.accept_due, item.answer_due)
    step = Feedback.objects.get(pk=item.pk).transitions.get(action="escalate")
    assert (step.from_unit, step.to_unit, step.from_state, step.to_state) == (
        units.kinh_bac,
        units.bac_ninh,
        S.ASSIGNED,
        S.ACCEPTED,
    )
    assert step.reason == "Vượt thẩm quyền của phường."
    # The commune no longer sees it; the province handles it.
    with pytest.raises(Http404):
        queries.access_feedback_to_handle(commune, item.pk)
    assert not queries.to_handle(commune).filter(pk=item.pk).exists()
    actions.assign(province, item.pk, province.pk, now=LATER)
    answered = actions.answer(province, item.pk, "Tỉnh đã chỉ đạo sửa đường.", now=LATER)
    assert answered.state == S.ANSWERED
    assert queries.access_own_feedback(people["an"], item.pk).answer == "Tỉnh đã chỉ đạo sửa đường."


def test_a_received_item_escalated_stays_received_for_the_unit_above_to_triage(people, units):
    item = send(people["an"], units.kinh_bac)
    escalated = actions.escalate(
        people["kinhbac.canbo"], item.pk, "Thuộc thẩm quyền tỉnh.", now=LATER
    )
    assert (escalated.unit, escalated.state) == (units.bac_ninh, S.RECEIVED)
    assert moves(escalated)[-1] == ("escalate", "received", "received")


def test_escalating_needs_a_reason_and_a_unit_above(people, units):
    item = send(people["an"], units.kinh_bac)
    with pytest.raises(ActionError) as refused:
        actions.escalate(people["kinhbac.canbo"], item.pk, "", now=LATER)
    assert refused.value.field == "reason"
    central = Unit.objects.get(structure__code="2025", depth=1)
    at_top = send(people["binh"], central)
    with pytest.raises(ActionError):
        actions.escalate(people["admin"], at_top.pk, "Không có cấp trên.", now=LATER)
    item.refresh_from_db()
    assert item.unit == units.kinh_bac and item.transitions.count() == 1


def test_a_transfer_to_the_right_commune_arrives_received_with_fresh_deadlines(people, units):
    commune = people["kinhbac.canbo"]
    item = send(people["an"], units.kinh_bac)
    actions.accept(commune, item.pk, now=LATER)
    moved_at = vn(2026, 3, 5, 14, 0)  # Thursday afternoon
    moved = actions.transfer(
        commune, item.pk, units.sibling.pk, "Địa điểm thuộc phường bạn.", now=moved_at
    )
    assert (moved.unit, moved.state) == (units.sibling, S.RECEIVED)
    assert moved.accept_due == vn(2026, 3, 6, 14, 30)  # 3 h on Thursday, 5 h on Friday
    assert moved.answer_due == vn(2026, 3, 12, 14, 0)  # five working days later
    step = Feedback.objects.get(pk=item.pk).transitions.get(action="transfer")
    assert (step.from_unit, step.to_unit) == (units.kinh_bac, units.sibling)
    # Visible to the new unit only.
    with pytest.raises(Http404):
        queries.access_feedback_to_handle(commune, item.pk)
    assert queries.access_feedback_to_handle(people["sibling.canbo"], item.pk) == item
    actions.accept(people["sibling.canbo"], item.pk, now=moved_at)


def test_a_transfer_needs_a_reason_and_another_unit_of_the_same_structure(people, units):
    commune = people["kinhbac.canbo"]
    item = send(people["an"], units.kinh_bac)
    old = Unit.objects.filter(structure__code="2022", level="commune").first()
    for target, reason, field in (
        (units.sibling, "", "reason"),
        (units.kinh_bac, "Chuyển cho chính mình.", "unit"),
        (old, "Đơn vị cũ trước sáp nhập.", "unit"),
    ):
        with pytest.raises(ActionError) as refused:
            actions.transfer(commune, item.pk, target.pk, reason, now=LATER)
        assert refused.value.field == field
    item.refresh_from_db()
    assert item.unit == units.kinh_bac and item.transitions.count() == 1


def test_an_assigned_item_cannot_be_transferred_only_escalated(people, units):
    commune = people["kinhbac.canbo"]
    item = send(people["an"], units.kinh_bac)
    actions.accept(commune, item.pk, now=LATER)
    actions.assign(commune, item.pk, commune.pk, now=LATER)
    with pytest.raises(ActionError) as refused:
        actions.transfer(commune, item.pk, units.sibling.pk, "Sai địa bàn.", now=LATER)
    assert refused.value.field == "state"
    assert Feedback.objects.get(pk=item.pk).unit == units.kinh_bac


def test_an_officer_can_transfer_only_items_of_their_own_units(people, units):
    item = send(people["an"], units.kinh_bac)
    with pytest.raises(Http404):
        actions.transfer(
            people["sibling.canbo"], item.pk, units.sibling.pk, "Lấy về phường.", now=LATER
        )
    assert Feedback.objects.get(pk=item.pk).unit == units.kinh_bac
