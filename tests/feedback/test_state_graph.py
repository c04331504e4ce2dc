"""The handling graph: the whole path, every refused move (nothing changed), reasons, and two
officers acting on the same item at once."""

from __future__ import annotations

import datetime

import pytest

from congdong.core.errors import ActionError
from congdong.feedback import actions
from congdong.feedback.models import (
    ACTION_FROM,
    FEEDBACK_STATES,
    Feedback,
    FeedbackAction,
    FeedbackState,
    RejectReason,
    landing,
)
from tests.feedback.conftest import SENT, moves, send

pytestmark = pytest.mark.django_db

S = FeedbackState
LATER = SENT + datetime.timedelta(hours=1)


def snapshot(item: Feedback) -> dict:
    return Feedback.objects.filter(pk=item.pk).values().get() | {"moves": item.transitions.count()}


def test_every_action_lands_on_a_move_the_graph_declares():
    for action, sources in ACTION_FROM.items():
        for state in sources:
            assert FEEDBACK_STATES.allowed_for_person(state, landing(action, state)), (
                action,
                state,
            )
    assert FEEDBACK_STATES.next_states(S.REJECTED) == frozenset()


def test_received_accepted_assigned_answered_closed(people, units):
    officer = people["kinhbac.canbo"]
    item = send(people["an"], units.kinh_bac)
    actions.accept(officer, item.pk, now=LATER)
    actions.assign(officer, item.pk, officer.pk, now=LATER)
    answered = actions.answer(
        officer, item.pk, "Phường đã cử người san lấp, xong trong tuần.", now=LATER
    )
    assert answered.answered_by == officer and answered.answered_at == LATER
    closed = actions.close(people["an"], item.pk, now=LATER)
    assert closed.state == S.CLOSED and closed.closed_at == LATER
    item.refresh_from_db()
    assert (item.state, item.assigned_to, item.answer) == (
        S.CLOSED,
        officer,
        "Phường đã cử người san lấp, xong trong tuần.",
    )
    assert moves(item) == [
        ("submit", "", "received"),
        ("accept", "received", "accepted"),
        ("assign", "accepted", "assigned"),
        ("answer", "assigned", "answered"),
        ("close", "answered", "closed"),
    ]
    assign = item.transitions.get(action="assign")
    assert assign.officer == officer and assign.actor == officer
    assert item.transitions.get(action="answer").reason == item.answer


def test_an_assigned_item_can_be_handed_to_another_officer(people, units):
    item = send(people["an"], units.kinh_bac)
    actions.accept(people["kinhbac.canbo"], item.pk, now=LATER)
    actions.assign(people["kinhbac.canbo"], item.pk, people["kinhbac.canbo"].pk, now=LATER)
    actions.assign(people["bacninh.quantri"], item.pk, people["bacninh.quantri"].pk, now=LATER)
    item.refresh_from_db()
    assert item.assigned_to == people["bacninh.quantri"]
    assert moves(item)[-1] == ("assign", "assigned", "assigned")


def test_a_rejection_needs_a_kind_and_a_reason_the_citizen_reads(people, units):
    officer = people["kinhbac.canbo"]
    item = send(people["an"], units.kinh_bac)
    before = snapshot(item)
    with pytest.raises(ActionError) as refused:
        actions.reject(officer, item.pk, "boring", "Không thuộc thẩm quyền.", now=LATER)
    assert refused.value.field == "reason_kind"
    with pytest.raises(ActionError) as refused:
        actions.reject(officer, item.pk, RejectReason.DUPLICATE, "  ", now=LATER)
    assert refused.value.field == "reason"
    assert snapshot(item) == before
    rejected = actions.reject(
        officer, item.pk, RejectReason.DUPLICATE, "Trùng PA-2026-ABCDEF", now=LATER
    )
    assert (rejected.state, rejected.reject_reason) == (S.REJECTED, RejectReason.DUPLICATE)
    assert item.transitions.get(action="reject").reason == "Trùng PA-2026-ABCDEF"


def test_a_rejected_item_moves_no_more(people, units):
    officer = people["kinhbac.canbo"]
    item = send(people["an"], units.kinh_bac)
    actions.reject(officer, item.pk, RejectReason.SPAM, "Nội dung quảng cáo.", now=LATER)
    before = snapshot(item)
    for attempt in (
        lambda: actions.accept(officer, item.pk, now=LATER),
        lambda: actions.assign(officer, item.pk, officer.pk, now=LATER),
        lambda: actions.escalate(officer, item.pk, "Vượt thẩm quyền.", now=LATER),
        lambda: actions.reopen(people["an"], item.pk, "Tôi không đồng ý.", now=LATER),
    ):
        with pytest.raises(ActionError) as refused:
            attempt()
        assert refused.value.field in ("state", None)
    assert snapshot(item) == before


@pytest.mark.parametrize(
    "attempt",
    [
        pytest.param(
            lambda p, i: actions.assign(p["kinhbac.canbo"], i, p["kinhbac.canbo"].pk, now=LATER),
            id="assign-before-accept",
        ),
        pytest.param(
            lambda p, i: actions.answer(p["kinhbac.canbo"], i, "Đã giải quyết xong.", now=LATER),
            id="answer-before-assign",
        ),
        pytest.param(lambda p, i: actions.close(p["an"], i, now=LATER), id="close-unanswered"),
        pytest.param(
            lambda p, i: actions.reopen(p["an"], i, "Chưa được trả lời.", now=LATER),
            id="reopen-unanswered",
        ),
    ],
)
def test_moves_out_of_order_are_refused_and_change_nothing(people, units, attempt):
    item = send(people["an"], units.kinh_bac)
    before = snapshot(item)
    with pytest.raises(ActionError) as refused:
        attempt(people, item.pk)
    assert refused.value.field == "state"
    assert snapshot(item) == before


def test_only_an_officer_of_the_unit_can_be_assigned(people, units):
    item = send(people["an"], units.kinh_bac)
    actions.accept(people["kinhbac.canbo"], item.pk, now=LATER)
    before = snapshot(item)
    for outsider in (
        people["hanoi.quantri"],
        people["sibling.canbo"],
        people["bacninh.thongke"],
        people["an"],
    ):
        with pytest.raises(ActionError) as refused:
            actions.assign(people["kinhbac.canbo"], item.pk, outsider.pk, now=LATER)
        assert refused.value.field == "officer"
    assert snapshot(item) == before


def test_an_answer_must_say_something(people, units):
    officer = people["kinhbac.canbo"]
    item = send(people["an"], units.kinh_bac)
    actions.accept(officer, item.pk, now=LATER)
    actions.assign(officer, item.pk, officer.pk, now=LATER)
    with pytest.raises(ActionError) as refused:
        actions.answer(officer, item.pk, " ok ", now=LATER)
    assert refused.value.field == "answer"
    item.refresh_from_db()
    assert item.state == S.ASSIGNED and item.answer == ""


def test_two_officers_accepting_at_once_move_it_once(people, units):
    item = send(people["an"], units.kinh_bac)
    seen_by_first = actions.check_move(
        Feedback.objects.get(pk=item.pk), FeedbackAction.ACCEPT, LATER
    )
    seen_by_second = actions.check_move(
        Feedback.objects.get(pk=item.pk), FeedbackAction.REJECT, LATER, "Không thuộc phạm vi."
    )
    actions.do_move(people["kinhbac.canbo"], seen_by_first)
    with pytest.raises(ActionError):
        actions.do_move(people["bacninh.quantri"], seen_by_second)
    item.refresh_from_db()
    assert item.state == S.ACCEPTED
    assert [m[0] for m in moves(item)] == ["submit", "accept"]


def test_two_officers_taking_the_same_item_at_once_assign_it_once(people, units):
    item = send(people["an"], units.kinh_bac)
    actions.accept(people["kinhbac.canbo"], item.pk, now=LATER)
    first = actions.check_assign(
        people["kinhbac.canbo"], item.pk, people["kinhbac.canbo"].pk, LATER
    )
    second = actions.check_assign(
        people["bacninh.quantri"], item.pk, people["bacninh.quantri"].pk, LATER
    )
    actions.do_move(people["kinhbac.canbo"], first)
    with pytest.raises(ActionError):
        actions.do_move(people["bacninh.quantri"], second)
    item.refresh_from_db()
    assert item.assigned_to == people["kinhbac.canbo"]
