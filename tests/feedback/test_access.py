"""Who sees and handles an item: its sender, and those handling feedback for its unit or a unit
above it. Officers of a sibling commune, another province or a unit below get nothing (404)."""

from __future__ import annotations

import pytest
from django.http import Http404

from congdong.feedback import actions, queries
from congdong.feedback.models import Feedback, FeedbackState
from tests.feedback.conftest import SENT, send

pytestmark = pytest.mark.django_db


def test_the_commune_officer_and_the_province_admin_handle_a_commune_item(people, units):
    item = send(people["an"], units.kinh_bac)
    for who in ("kinhbac.canbo", "bacninh.quantri", "admin"):
        assert queries.access_feedback_to_handle(people[who], item.pk) == item
        assert queries.to_handle(people[who]).filter(pk=item.pk).exists()


@pytest.mark.parametrize(
    "who", ["sibling.canbo", "hanoi.quantri", "bacninh.thongke", "tiendu.canbo", "binh", "an"]
)
def test_others_cannot_handle_a_commune_item(people, units, who):
    item = send(people["an"], units.kinh_bac)
    with pytest.raises(Http404):
        queries.access_feedback_to_handle(people[who], item.pk)
    with pytest.raises(Http404):
        actions.accept(people[who], item.pk, now=SENT)
    assert not queries.to_handle(people[who]).filter(pk=item.pk).exists()
    assert Feedback.objects.get(pk=item.pk).state == FeedbackState.RECEIVED


def test_a_commune_officer_does_not_see_items_addressed_to_the_province(people, units):
    item = send(people["an"], units.bac_ninh)
    with pytest.raises(Http404):
        queries.access_feedback_to_handle(people["kinhbac.canbo"], item.pk)
    assert queries.access_feedback_to_handle(people["bacninh.quantri"], item.pk) == item


def test_a_province_admin_sees_nothing_of_another_province(people, units):
    hanoi_item = send(people["an"], units.hanoi_commune)
    bac_ninh_item = send(people["binh"], units.kinh_bac)
    assert list(queries.to_handle(people["hanoi.quantri"])) == [hanoi_item]
    assert list(queries.to_handle(people["bacninh.quantri"])) == [bac_ninh_item]
    with pytest.raises(Http404):
        queries.access_feedback(people["bacninh.quantri"], hanoi_item.pk)


def test_a_citizen_sees_only_their_own_items(people, units):
    mine = send(people["an"], units.kinh_bac)
    theirs = send(people["binh"], units.kinh_bac)
    assert queries.access_own_feedback(people["an"], mine.pk) == mine
    assert queries.access_feedback(people["an"], mine.pk) == mine
    assert list(queries.sent_by(people["an"])) == [mine]
    for read in (queries.access_own_feedback, queries.access_feedback):
        with pytest.raises(Http404):
            read(people["an"], theirs.pk)
    assert queries.find_by_code(people["an"], mine.code.lower()) == mine
    with pytest.raises(Http404):
        queries.find_by_code(people["an"], theirs.code)


def test_an_analyst_handles_no_items(people, units):
    send(people["an"], units.kinh_bac)
    assert not queries.to_handle(people["bacninh.thongke"]).exists()


def test_officers_offered_for_assignment_are_those_of_the_unit_and_above(people, units):
    names = {user.username for user in queries.officers_for(units.kinh_bac)}
    assert {"kinhbac.canbo", "bacninh.quantri"} <= names
    assert not names & {"sibling.canbo", "hanoi.quantri", "bacninh.thongke"}


def test_reading_a_handling_queue_takes_a_fixed_number_of_queries(
    people, units, django_assert_max_num_queries
):
    for n in range(5):
        send(people["an"], units.kinh_bac, text=f"Phản ánh thứ {n}: rác thải ven đường.")
    with django_assert_max_num_queries(2):
        items = list(queries.to_handle(people["bacninh.quantri"]))
        assert {item.unit.parent_id for item in items} == {units.bac_ninh.pk}
        assert all(item.category.name and item.citizen.full_name for item in items)


def test_public_answers_list_answered_public_items_of_the_unit_only(people, units):
    officer = people["kinhbac.canbo"]
    shown = send(people["an"], units.kinh_bac, public=True)
    private = send(people["binh"], units.kinh_bac, public=False)
    unanswered = send(people["an"], units.kinh_bac, public=True, text="Cây đổ chắn lối đi ở ngõ 9.")
    for item in (shown, private):
        actions.accept(officer, item.pk, now=SENT)
        actions.assign(officer, item.pk, officer.pk, now=SENT)
        actions.answer(officer, item.pk, "Phường đã xử lý xong.", now=SENT)
    listed = list(queries.public_answers(units.kinh_bac))
    assert listed == [shown]
    assert unanswered not in listed
