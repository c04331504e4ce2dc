"""A commune with one officer (issue 16.10): the officer who accepted an item answers it
straight away, web and API — the answer makes them its officer; anyone else who handles the
unit's feedback still has the item assigned first."""

from __future__ import annotations

import pytest

from congdong.feedback.models import Feedback, FeedbackAction, FeedbackState, FeedbackTransition
from tests.conftest import client_for
from tests.feedback.conftest import send

pytestmark = pytest.mark.django_db

S = FeedbackState
ANSWER = "Phường đã cho thông tắc cống ngõ 11 sáng nay."


def web_answer(client, item: Feedback):
    return client.post(f"/lam-viec/phan-anh/{item.pk}/tra-loi/", {"answer": ANSWER})


def api_answer(client, item: Feedback):
    return client.post(
        f"/api/v1/feedback/to-handle/{item.pk}/answer",
        {"text": ANSWER},
        content_type="application/json",
    )


def accepted_by(people, units, who: str) -> Feedback:
    item = send(people["an"], units.kinh_bac)
    client_for(people[who]).post(f"/lam-viec/phan-anh/{item.pk}/tiep-nhan/")
    return Feedback.objects.get(pk=item.pk)


@pytest.mark.parametrize("answer", [web_answer, api_answer], ids=["web", "api"])
def test_the_officer_who_accepted_the_item_answers_it_without_assigning_it(people, units, answer):
    officer = people["kinhbac.canbo"]
    item = accepted_by(people, units, "kinhbac.canbo")
    assert item.state == S.ACCEPTED
    client = client_for(officer)
    assert 'id="move-answer"' in client.get(f"/lam-viec/phan-anh/{item.pk}/").content.decode()
    response = answer(client, item)
    assert response.status_code in (200, 302)
    fresh = Feedback.objects.get(pk=item.pk)
    assert (fresh.state, fresh.answer, fresh.assigned_to_id, fresh.answered_by_id) == (
        S.ANSWERED,
        ANSWER,
        officer.pk,
        officer.pk,
    )
    # The history says who answered and that they were its officer: the assignment, implied.
    row = FeedbackTransition.objects.filter(feedback=item).latest("pk")
    assert (row.action, row.from_state, row.actor_id, row.officer_id) == (
        FeedbackAction.ANSWER,
        S.ACCEPTED,
        officer.pk,
        officer.pk,
    )


@pytest.mark.parametrize("answer", [web_answer, api_answer], ids=["web", "api"])
def test_another_handler_must_have_the_accepted_item_assigned_first(people, units, answer):
    item = accepted_by(people, units, "kinhbac.canbo")
    province = client_for(people["bacninh.quantri"])  # handles Kinh Bắc's feedback from above
    assert 'id="move-answer"' not in province.get(f"/lam-viec/phan-anh/{item.pk}/").content.decode()
    before = (item.state, item.assigned_to_id, item.transitions.count())
    response = answer(province, item)
    assert response.status_code == 400
    body = response.content.decode()
    if response["Content-Type"].startswith("application/json"):
        body = response.json()["detail"]
    assert "Chỉ cán bộ đã tiếp nhận" in body
    fresh = Feedback.objects.get(pk=item.pk)
    assert (fresh.state, fresh.assigned_to_id, fresh.transitions.count()) == before
    # Assigned to them, they answer.
    province.post(f"/lam-viec/phan-anh/{item.pk}/giao/", {"officer": people["bacninh.quantri"].pk})
    assert answer(province, item).status_code in (200, 302)
    assert Feedback.objects.get(pk=item.pk).state == S.ANSWERED


def test_an_item_escalated_to_accepted_is_answered_by_nobody_before_it_is_assigned(people, units):
    officer = people["kinhbac.canbo"]
    item = accepted_by(people, units, "kinhbac.canbo")
    client_for(officer).post(
        f"/lam-viec/phan-anh/{item.pk}/chuyen-len/", {"reason": "Vượt thẩm quyền phường."}
    )
    item = Feedback.objects.get(pk=item.pk)
    assert (item.state, item.unit_id) == (S.ACCEPTED, units.bac_ninh.pk)
    response = api_answer(client_for(people["bacninh.quantri"]), item)
    assert response.status_code == 400
    assert Feedback.objects.get(pk=item.pk).state == S.ACCEPTED
