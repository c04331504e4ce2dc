"""The citizen reopens within seven days of the answer or closes it; the worker closes answered
items after the configured days, and only those; overdue items are found by their deadlines."""

from __future__ import annotations

import datetime

import pytest
from django.http import Http404

from congdong.core.errors import ActionError
from congdong.feedback import actions, queries
from congdong.feedback.models import Feedback, FeedbackState
from tests.clock import vn
from tests.feedback.conftest import SENT, moves, send

pytestmark = pytest.mark.django_db

S = FeedbackState
ANSWERED_AT = vn(2026, 3, 4, 10, 0)
DAY = datetime.timedelta(days=1)


def answered(people, units, who="an") -> Feedback:
    officer = people["kinhbac.canbo"]
    item = send(people[who], units.kinh_bac)
    actions.accept(officer, item.pk, now=SENT)
    actions.assign(officer, item.pk, officer.pk, now=SENT)
    return actions.answer(officer, item.pk, "Đã sửa xong đoạn đường.", now=ANSWERED_AT)


def test_the_citizen_reopens_within_seven_days_and_the_unit_answers_again(people, units):
    officer = people["kinhbac.canbo"]
    item = answered(people, units)
    reopen_at = ANSWERED_AT + 7 * DAY  # Wednesday 11/3 10:00, the last moment allowed
    reopened = actions.reopen(people["an"], item.pk, "Đường vẫn còn ổ gà lớn.", now=reopen_at)
    assert (reopened.state, reopened.assigned_to) == (S.REOPENED, None)
    assert reopened.answer_due == vn(2026, 3, 18, 10, 0)  # five working days from reopening
    actions.assign(officer, item.pk, officer.pk, now=reopen_at)
    actions.answer(officer, item.pk, "Đã vá lại toàn bộ ổ gà.", now=reopen_at)
    item.refresh_from_db()
    assert item.answer == "Đã vá lại toàn bộ ổ gà."
    answers = item.transitions.filter(action="answer").values_list("reason", flat=True)
    assert list(answers) == ["Đã sửa xong đoạn đường.", "Đã vá lại toàn bộ ổ gà."]
    assert [m[0] for m in moves(item)][-3:] == ["reopen", "assign", "answer"]


def test_reopening_after_seven_days_is_refused(people, units):
    item = answered(people, units)
    with pytest.raises(ActionError):
        actions.reopen(
            people["an"],
            item.pk,
            "Vẫn chưa sửa.",
            now=ANSWERED_AT + 7 * DAY + datetime.timedelta(minutes=1),
        )
    assert Feedback.objects.get(pk=item.pk).state == S.ANSWERED


def test_reopening_needs_a_reason(people, units):
    item = answered(people, units)
    with pytest.raises(ActionError) as refused:
        actions.reopen(people["an"], item.pk, "", now=ANSWERED_AT + DAY)
    assert refused.value.field == "reason"


def test_only_the_sender_may_reopen_or_close(people, units):
    item = answered(people, units)
    for who in (people["binh"], people["kinhbac.canbo"]):
        with pytest.raises(Http404):
            actions.reopen(who, item.pk, "Tôi không hài lòng.", now=ANSWERED_AT + DAY)
        with pytest.raises(Http404):
            actions.close(who, item.pk, now=ANSWERED_AT + DAY)
    assert Feedback.objects.get(pk=item.pk).state == S.ANSWERED


def test_a_closed_item_can_still_be_reopened_within_the_seven_days(people, units):
    item = answered(people, units)
    actions.close(people["an"], item.pk, now=ANSWERED_AT + DAY)
    reopened = actions.reopen(people["an"], item.pk, "Sau mưa lại hỏng.", now=ANSWERED_AT + 2 * DAY)
    assert (reopened.state, reopened.closed_at) == (S.REOPENED, None)


def test_the_worker_closes_answered_items_after_seven_days_only(people, units):
    old = answered(people, units)
    recent = answered(people, units, who="binh")
    Feedback.objects.filter(pk=recent.pk).update(answered_at=ANSWERED_AT + 3 * DAY)
    waiting = send(people["an"], units.kinh_bac, text="Đèn đường khu phố Đông hỏng nhiều ngày.")
    sweep_at = ANSWERED_AT + 7 * DAY
    assert actions.close_answered(now=sweep_at) == 1
    assert actions.close_answered(now=sweep_at) == 0  # run again: nothing twice
    old.refresh_from_db()
    assert (old.state, old.closed_at) == (S.CLOSED, sweep_at)
    step = old.transitions.get(action="close")
    assert step.actor is None and (step.from_state, step.to_state) == (S.ANSWERED, S.CLOSED)
    assert Feedback.objects.get(pk=recent.pk).state == S.ANSWERED
    assert Feedback.objects.get(pk=waiting.pk).state == S.RECEIVED  # never moved by the worker


def test_the_close_delay_follows_the_setting(people, units, settings):
    settings.FEEDBACK_CLOSE_AFTER_DAYS = 2
    item = answered(people, units)
    assert actions.close_answered(now=ANSWERED_AT + DAY) == 0
    assert actions.close_answered(now=ANSWERED_AT + 2 * DAY) == 1
    assert Feedback.objects.get(pk=item.pk).state == S.CLOSED


def test_overdue_finds_items_past_their_accept_or_answer_deadline(people, units):
    officer = people["kinhbac.canbo"]
    unaccepted = send(people["an"], units.kinh_bac)  # accept by Wed 09:30, answer by 10/3 09:00
    accepted = send(people["binh"], units.kinh_bac)
    actions.accept(officer, accepted.pk, now=SENT)
    done = answered(people, units)
    assert not queries.overdue(vn(2026, 3, 4, 9, 29)).exists()
    assert set(queries.overdue(vn(2026, 3, 4, 9, 31)).values_list("pk", flat=True)) == {
        unaccepted.pk
    }
    late = set(queries.overdue(vn(2026, 3, 10, 9, 1)).values_list("pk", flat=True))
    assert late == {unaccepted.pk, accepted.pk}
    assert done.pk not in late
