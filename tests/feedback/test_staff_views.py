"""The staff handling screens through HTTP: the queue (scope, filters, deadlines, overdue) and an
item's handling screen, where each move is a form; a refused move changes nothing."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from congdong.feedback.models import Feedback, FeedbackAccess, FeedbackState, FeedbackTransition
from congdong.feedback.views import staff
from congdong.units.models import Unit
from tests.conftest import client_for, unit_2025
from tests.feedback.conftest import SENT, category, send

pytestmark = pytest.mark.django_db

S = FeedbackState
QUEUE = "/lam-viec/phan-anh/"


def item_url(item: Feedback, move: str = "") -> str:
    return f"/lam-viec/phan-anh/{item.pk}/" + (f"{move}/" if move else "")


def row_ids(response) -> list[int]:
    """Ids of the items listed in the queue's table, in order."""
    table = response.content.decode().split('id="queue"', 1)
    if len(table) < 2:
        return []
    body = table[1].split("</table>", 1)[0]
    return [int(n) for n in re.findall(r'<tr data-id="(\d+)"', body)]


def snapshot(item: Feedback) -> tuple:
    fresh = Feedback.objects.get(pk=item.pk)
    return (
        fresh.state,
        fresh.unit_id,
        fresh.assigned_to_id,
        fresh.answer,
        fresh.reject_reason,
        fresh.transitions.count(),
    )


# --- who sees what ---------------------------------------------------------------------------


def test_the_commune_officer_finds_a_kinh_bac_item_in_the_queue_and_opens_it(people, units):
    item = send(people["an"], units.kinh_bac)
    officer = client_for(people["kinhbac.canbo"])
    response = officer.get(QUEUE)
    assert response.status_code == 200
    assert row_ids(response) == [item.pk]
    assert item.code in response.content.decode()
    opened = officer.get(item_url(item))
    assert opened.status_code == 200
    page = opened.content.decode()
    assert item.code in page and item.text in page
    assert 'id="move-accept"' in page and 'id="move-reject"' in page


@pytest.mark.parametrize("who", ["sibling.canbo", "hanoi.quantri", "bacninh.thongke"])
def test_officers_of_other_units_get_404_on_the_item_and_do_not_see_it_listed(people, units, who):
    item = send(people["an"], units.kinh_bac)
    other = client_for(people[who])
    assert other.get(item_url(item)).status_code == 404
    assert other.post(item_url(item, "tiep-nhan")).status_code == 404
    listed = other.get(QUEUE)
    assert item.pk not in row_ids(listed)
    assert item.code not in listed.content.decode()
    assert snapshot(item)[0] == S.RECEIVED
    assert not FeedbackAccess.objects.filter(feedback=item).exists()


def test_citizens_and_anonymous_visitors_never_reach_the_handling_screens(people, units):
    item = send(people["an"], units.kinh_bac)
    assert client_for(people["an"]).get(item_url(item)).status_code == 403
    anonymous = client_for(people["an"])
    anonymous.logout()
    response = anonymous.get(item_url(item))
    assert response.status_code == 302 and "dang-nhap" in response["Location"]


def test_the_province_admin_sees_the_items_of_its_communes(people, units):
    kinh_bac = send(people["an"], units.kinh_bac)
    sibling = send(people["binh"], units.sibling)
    hanoi = send(people["an"], units.hanoi_commune)
    admin = client_for(people["bacninh.quantri"])
    response = admin.get(QUEUE)
    assert set(row_ids(response)) == {kinh_bac.pk, sibling.pk}
    assert hanoi.pk not in row_ids(response)
    assert admin.get(item_url(kinh_bac)).status_code == 200
    assert admin.get(item_url(hanoi)).status_code == 404


def test_opening_the_item_writes_an_access_row_every_time(people, units):
    item = send(people["an"], units.kinh_bac)
    officer = people["kinhbac.canbo"]
    client = client_for(officer)
    client.get(item_url(item))
    client.get(item_url(item))
    rows = list(FeedbackAccess.objects.filter(feedback=item))
    assert len(rows) == 2
    assert {(r.user_id, r.kind, r.ip) for r in rows} == {(officer.pk, "view", "127.0.0.1")}


# --- the queue -------------------------------------------------------------------------------


def test_the_queue_is_sorted_by_the_nearest_deadline_and_shows_how_late(people, units):
    # Sent on three days: the oldest has the nearest (most lapsed) deadline.
    newest = send(people["an"], units.kinh_bac, now=SENT + datetime.timedelta(days=2))
    oldest = send(people["an"], units.kinh_bac, now=SENT)
    middle = send(people["binh"], units.kinh_bac, now=SENT + datetime.timedelta(days=1))
    response = client_for(people["kinhbac.canbo"]).get(QUEUE)
    assert row_ids(response) == [oldest.pk, middle.pk, newest.pk]
    page = response.content.decode()
    # Long past in tests (sent in March 2026): every row is marked late, in words.
    assert len(re.findall(r'<tr data-id="\d+" data-state="received" class="late">', page)) == 3
    assert page.count('<strong class="late-text">⚠') >= 3


def test_the_counts_per_state_are_on_top(people, units):
    first = send(people["an"], units.kinh_bac)
    send(people["binh"], units.kinh_bac)
    officer = people["kinhbac.canbo"]
    client = client_for(officer)
    client.post(item_url(first, "tiep-nhan"))
    page = client.get(QUEUE).content.decode()
    counts = page.split('id="state-counts"', 1)[1].split("</ul>", 1)[0]
    assert re.search(r'data-state="received">.*?<strong>1</strong>', counts)
    assert re.search(r'data-state="accepted">.*?<strong>1</strong>', counts)
    assert re.search(r'data-state="open">.*?<strong>2</strong>', counts)


def test_the_queue_filters_by_state_category_unit_and_overdue(people, units):
    late = send(people["an"], units.kinh_bac, now=SENT)
    other_category = send(
        people["binh"],
        units.sibling,
        now=SENT + datetime.timedelta(hours=1),
        category_id=category("moi-truong").pk,
    )
    # Sent a minute ago: nothing is due yet.
    fresh = send(people["binh"], units.kinh_bac, now=timezone.now())
    admin = client_for(people["bacninh.quantri"])
    assert row_ids(admin.get(QUEUE, {"overdue": "on"})) == [late.pk, other_category.pk]
    assert row_ids(admin.get(QUEUE, {"category": category("moi-truong").pk})) == [other_category.pk]
    assert set(row_ids(admin.get(QUEUE, {"unit": units.kinh_bac.pk}))) == {late.pk, fresh.pk}
    assert row_ids(admin.get(QUEUE, {"state": "accepted"})) == []
    # A unit outside their subtree is refused as a choice, never widening the list.
    outside = admin.get(QUEUE, {"unit": units.hanoi.pk})
    assert outside.status_code == 400
    assert set(row_ids(outside)) == {late.pk, other_category.pk, fresh.pk}


def assigned_to_the_commune_officer(people, units):
    """An's item to Kinh Bắc, accepted and assigned by its officer; the officer's client."""
    item = send(people["an"], units.kinh_bac)
    officer = people["kinhbac.canbo"]
    client = client_for(officer)
    client.post(item_url(item, "tiep-nhan"))
    client.post(item_url(item, "giao"), {"officer": officer.pk})
    return item, client


def test_answered_items_leave_the_default_list_but_stay_under_all(people, units):
    item, client = assigned_to_the_commune_officer(people, units)
    client.post(item_url(item, "tra-loi"), {"answer": "Phường đã cho sửa đường liên thôn."})
    assert Feedback.objects.get(pk=item.pk).state == S.ANSWERED
    assert row_ids(client.get(QUEUE)) == []
    assert row_ids(client.get(QUEUE, {"state": "all"})) == [item.pk]
    assert row_ids(client.get(QUEUE, {"state": "answered"})) == [item.pk]


def test_the_queue_is_paginated(people, units, monkeypatch):
    monkeypatch.setattr(staff, "PER_PAGE", 2)
    items = [
        send(people["an"], units.kinh_bac, now=SENT + datetime.timedelta(minutes=i))
        for i in range(5)
    ]
    client = client_for(people["kinhbac.canbo"])
    first = client.get(QUEUE)
    assert row_ids(first) == [items[0].pk, items[1].pk]
    assert "trang=2" in first.content.decode()
    assert row_ids(client.get(QUEUE, {"trang": 3})) == [items[4].pk]


def test_the_province_sees_the_overdue_items_below_it(people, units):
    late = send(people["an"], units.kinh_bac, now=SENT)
    own = send(people["binh"], units.bac_ninh, now=SENT)
    page = client_for(people["bacninh.quantri"]).get(QUEUE).content.decode()
    below = page.split('id="overdue-below"', 1)[1].split("</section>", 1)[0]
    assert late.code in below and own.code not in below
    # The commune officer has nothing below them.
    commune = client_for(people["kinhbac.canbo"]).get(QUEUE).content.decode()
    assert 'id="overdue-below"' not in commune


def test_the_workspace_links_the_queue_with_open_and_overdue_counts(people, units):
    send(people["an"], units.kinh_bac, now=SENT)
    page = client_for(people["kinhbac.canbo"]).get("/lam-viec/").content.decode()
    block = page.split('id="feedback-work"', 1)[1].split("</p>", 1)[0]
    assert QUEUE in block
    assert "⚠" in block
    analyst = client_for(people["bacninh.thongke"]).get("/lam-viec/").content.decode()
    assert 'id="feedback-work"' not in analyst


# --- moves through the forms ----------------------------------------------------------------


def test_accepting_twice_changes_nothing_the_second_time(people, units):
    item = send(people["an"], units.kinh_bac)
    client = client_for(people["kinhbac.canbo"])
    response = client.post(item_url(item, "tiep-nhan"))
    assert response.status_code == 302 and response["Location"] == item_url(item)
    before = snapshot(item)
    assert before[0] == S.ACCEPTED
    again = client.post(item_url(item, "tiep-nhan"), follow=True)
    assert snapshot(item) == before
    assert 'class="msg error"' in again.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"reason_kind": "", "reason": "Trùng với phản ánh đã gửi hôm qua."},
        {"reason_kind": "duplicate", "reason": "x"},
        {"reason_kind": "nonsense", "reason": "Trùng với phản ánh đã gửi hôm qua."},
    ],
)
def test_a_rejection_without_a_reason_kind_or_text_changes_nothing(people, units, data):
    item = send(people["an"], units.kinh_bac)
    before = snapshot(item)
    response = client_for(people["kinhbac.canbo"]).post(item_url(item, "tu-choi"), data)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert snapshot(item) == before


def test_a_rejection_with_its_reason_is_recorded(people, units):
    item = send(people["an"], units.kinh_bac)
    response = client_for(people["kinhbac.canbo"]).post(
        item_url(item, "tu-choi"),
        {"reason_kind": "duplicate", "reason": "Trùng với phản ánh đã gửi hôm qua."},
    )
    assert response.status_code == 302
    fresh = Feedback.objects.get(pk=item.pk)
    assert (fresh.state, fresh.reject_reason) == (S.REJECTED, "duplicate")


def test_assigning_someone_who_does_not_handle_the_unit_changes_nothing(people, units):
    item = send(people["an"], units.kinh_bac)
    client = client_for(people["kinhbac.canbo"])
    client.post(item_url(item, "tiep-nhan"))
    before = snapshot(item)
    for officer in (people["hanoi.quantri"].pk, people["sibling.canbo"].pk, "", "abc"):
        response = client.post(item_url(item, "giao"), {"officer": officer})
        assert response.status_code == 400
        assert snapshot(item) == before
    # The choices are the unit's handlers and those above it.
    page = client.get(item_url(item)).content.decode()
    form = page.split('id="move-assign"', 1)[1].split("</form>", 1)[0]
    assert f'value="{people["kinhbac.canbo"].pk}"' in form
    assert f'value="{people["bacninh.quantri"].pk}"' in form
    assert f'value="{people["sibling.canbo"].pk}"' not in form
    ok = client.post(item_url(item, "giao"), {"officer": people["kinhbac.canbo"].pk})
    assert ok.status_code == 302
    assert snapshot(item)[:3] == (S.ASSIGNED, units.kinh_bac.pk, people["kinhbac.canbo"].pk)


def test_a_too_short_answer_changes_nothing(people, units):
    item, client = assigned_to_the_commune_officer(people, units)
    before = snapshot(item)
    response = client.post(item_url(item, "tra-loi"), {"answer": "Đã xử lý"})
    assert response.status_code == 400
    assert 'id="tra-loi-answer_error"' in response.content.decode()
    assert snapshot(item) == before


def test_escalating_without_a_reason_changes_nothing_and_with_one_hands_it_up(people, units):
    item = send(people["an"], units.kinh_bac)
    client = client_for(people["kinhbac.canbo"])
    before = snapshot(item)
    response = client.post(item_url(item, "chuyen-len"), {"reason": "  "})
    assert response.status_code == 400
    assert snapshot(item) == before
    done = client.post(item_url(item, "chuyen-len"), {"reason": "Vượt thẩm quyền của phường."})
    # The commune no longer handles it: back to the queue, where it is gone.
    assert done.status_code == 302 and done["Location"] == QUEUE
    assert snapshot(item)[:2] == (S.RECEIVED, units.bac_ninh.pk)
    assert client.get(item_url(item)).status_code == 404
    assert client_for(people["bacninh.quantri"]).get(item_url(item)).status_code == 200


def test_transferring_to_a_unit_of_another_structure_changes_nothing(people, units):
    item = send(people["an"], units.kinh_bac)
    client = client_for(people["kinhbac.canbo"])
    old_unit = Unit.objects.filter(structure__code="2022").exclude(parent=None).first()
    before = snapshot(item)
    for unit_id in (old_unit.pk, units.kinh_bac.pk, ""):
        response = client.post(
            item_url(item, "chuyen-don-vi"),
            {"unit": unit_id, "reason": "Địa bàn thuộc phường bên cạnh."},
        )
        assert response.status_code == 400
        assert snapshot(item) == before
    # Without a reason, to the right commune: refused too.
    response = client.post(
        item_url(item, "chuyen-don-vi"), {"unit": units.sibling.pk, "reason": ""}
    )
    assert response.status_code == 400
    assert snapshot(item) == before


def test_the_transfer_form_offers_neighbours_and_finds_others_by_name(people, units):
    item = send(people["an"], units.kinh_bac)
    client = client_for(people["kinhbac.canbo"])
    form = client.get(item_url(item)).content.decode().split('id="move-transfer"', 1)[1]
    assert f'value="{units.sibling.pk}"' in form
    assert f'value="{units.kinh_bac.pk}"' not in form
    found = client.get(item_url(item), {"q": units.hanoi_commune.name}).content.decode()
    assert f'value="{units.hanoi_commune.pk}"' in found.split('id="move-transfer"', 1)[1]
    done = client.post(
        item_url(item, "chuyen-don-vi") + f"?q={units.hanoi_commune.name}",
        {"unit": units.hanoi_commune.pk, "reason": "Địa bàn thuộc Hà Nội."},
    )
    assert done.status_code == 302 and done["Location"] == QUEUE
    assert snapshot(item)[:2] == (S.RECEIVED, units.hanoi_commune.pk)


def test_the_item_shows_its_history_and_only_the_moves_its_state_allows(people, units):
    item = send(people["an"], units.kinh_bac)
    officer = people["kinhbac.canbo"]
    client = client_for(officer)
    client.post(item_url(item, "tiep-nhan"))
    page = client.get(item_url(item)).content.decode()
    assert 'id="move-accept"' not in page and 'id="move-reject"' not in page
    for move in ("assign", "escalate", "transfer"):
        assert f'id="move-{move}"' in page
    history = page.split('id="history"', 1)[1]
    assert (
        history.count('data-action="')
        == FeedbackTransition.objects.filter(feedback=item).count()
        == 2
    )


def test_an_unknown_move_is_404(people, units):
    item = send(people["an"], units.kinh_bac)
    client = client_for(people["kinhbac.canbo"])
    assert client.post(item_url(item, "xoa")).status_code == 404
    assert client.get(item_url(item, "tiep-nhan")).status_code == 405
    assert unit_2025("24") == units.bac_ninh
    assert reverse("feedback:staff-queue") == QUEUE
