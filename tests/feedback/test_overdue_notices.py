"""Overdue notices: the job tells the unit above, once per lapsed deadline, of items its units
below did not accept or answer in time. Run for real (the registered job), with a fixed `now`."""

from __future__ import annotations

import datetime

import pytest

from congdong.accounts.roles import Role
from congdong.engagement.models import Notification, NotificationKind
from congdong.feedback import actions
from congdong.feedback.models import Feedback
from congdong.feedback.notices import notify_overdue
from congdong.worker.jobs import JOBS
from congdong.worker.loop import run_job
from tests.clock import vn
from tests.conftest import client_for
from tests.feedback.conftest import SENT, send
from tests.posts.conftest import grant

pytestmark = pytest.mark.django_db

K = NotificationKind
JOB = next(job for job in JOBS if job.name == "sweep-overdue")
# Sent Tuesday 3 March 2026 09:00: 8 working hours to accept, i.e. by Wednesday 09:00.
BEFORE_DUE = vn(2026, 3, 3, 16, 0)
AFTER_ACCEPT_DUE = vn(2026, 3, 4, 10, 0)


def notices(kind: str | None = None) -> list[tuple[int, str, int]]:
    """The notices to the unit above (the sender's and the handlers' own are
    tests/feedback/test_notify_people.py's)."""
    late = [K.FEEDBACK_LATE_ACCEPT, K.FEEDBACK_LATE_ANSWER]
    rows = Notification.objects.filter(feedback__isnull=False, kind__in=[kind] if kind else late)
    return sorted(rows.values_list("recipient_id", "kind", "feedback_id"))


def test_an_item_not_accepted_in_time_is_notified_to_the_province_once(people, units):
    item = send(people["an"], units.kinh_bac)
    province = people["bacninh.quantri"]
    assert notify_overdue(BEFORE_DUE) == 0
    assert notices() == []
    assert notify_overdue(AFTER_ACCEPT_DUE) == 1
    assert notices() == [(province.pk, K.FEEDBACK_LATE_ACCEPT, item.pk)]
    assert Feedback.objects.get(pk=item.pk).accept_due_notified == item.accept_due
    # Rerun, later, again: nothing more.
    assert notify_overdue(AFTER_ACCEPT_DUE) == 0
    assert notify_overdue(AFTER_ACCEPT_DUE + datetime.timedelta(days=3)) == 0
    assert len(notices()) == 1


def test_the_commune_and_other_units_are_not_told(people, units):
    send(people["an"], units.kinh_bac)
    notify_overdue(AFTER_ACCEPT_DUE)
    told = {recipient for recipient, _kind, _item in notices()}
    for who in ("kinhbac.canbo", "sibling.canbo", "hanoi.quantri", "bacninh.thongke", "an"):
        assert people[who].pk not in told


def test_a_late_answer_is_notified_again_once_after_the_late_acceptance(people, units):
    item = send(people["an"], units.kinh_bac)
    officer = people["kinhbac.canbo"]
    assert notify_overdue(AFTER_ACCEPT_DUE) == 1
    actions.accept(officer, item.pk, now=AFTER_ACCEPT_DUE)
    actions.assign(officer, item.pk, officer.pk, now=AFTER_ACCEPT_DUE)
    # Accepted, not answered: nothing new until the answer deadline lapses.
    assert notify_overdue(AFTER_ACCEPT_DUE + datetime.timedelta(hours=1)) == 0
    after_answer_due = Feedback.objects.get(pk=item.pk).answer_due + datetime.timedelta(minutes=1)
    assert notify_overdue(after_answer_due) == 1
    assert notify_overdue(after_answer_due) == 0
    assert [kind for _r, kind, _i in notices()] == sorted(
        [K.FEEDBACK_LATE_ACCEPT, K.FEEDBACK_LATE_ANSWER]
    )


def test_answered_and_rejected_items_are_never_notified(people, units):
    rejected = send(people["an"], units.kinh_bac)
    actions.reject(
        people["kinhbac.canbo"], rejected.pk, "spam", "Nội dung quảng cáo.", now=BEFORE_DUE
    )
    assert notify_overdue(AFTER_ACCEPT_DUE + datetime.timedelta(days=30)) == 0
    assert notices() == []


def test_a_transferred_item_gets_a_new_deadline_and_may_be_notified_again(people, units):
    item = send(people["an"], units.kinh_bac)
    assert notify_overdue(AFTER_ACCEPT_DUE) == 1
    officer = people["kinhbac.canbo"]
    reason = "Địa bàn phường bên."
    moved = actions.transfer(officer, item.pk, units.sibling.pk, reason, now=AFTER_ACCEPT_DUE)
    assert notify_overdue(AFTER_ACCEPT_DUE + datetime.timedelta(minutes=5)) == 0
    assert notify_overdue(moved.accept_due + datetime.timedelta(minutes=1)) == 1
    assert len(notices(K.FEEDBACK_LATE_ACCEPT)) == 2


def test_every_handler_placed_on_the_unit_above_is_told(people, units):
    second = grant("bacninh.canbo", units.bac_ninh, Role.FEEDBACK_OFFICER)
    item = send(people["an"], units.kinh_bac)
    notify_overdue(AFTER_ACCEPT_DUE)
    assert {r for r, _k, _i in notices()} == {people["bacninh.quantri"].pk, second.pk}
    assert {i for _r, _k, i in notices()} == {item.pk}


def test_an_item_at_the_province_is_notified_to_the_centre(people, units):
    item = send(people["an"], units.bac_ninh)
    notify_overdue(AFTER_ACCEPT_DUE)
    recipients = {r for r, _k, _i in notices()}
    assert people["bacninh.quantri"].pk not in recipients
    # The central admin persona (tw.*) with a handling role, if any; the row is marked anyway.
    assert Feedback.objects.get(pk=item.pk).accept_due_notified == item.accept_due


def test_the_registered_job_runs_the_sweep(people, units):
    item = send(people["an"], units.kinh_bac, now=SENT)
    outcome = run_job(JOB)
    assert outcome.error == "" and outcome.result == 1
    assert notices() == [(people["bacninh.quantri"].pk, K.FEEDBACK_LATE_ACCEPT, item.pk)]
    assert run_job(JOB).result == 0


def test_the_notice_shows_in_the_bell_and_links_the_item(people, units):
    item = send(people["an"], units.kinh_bac)
    notify_overdue(AFTER_ACCEPT_DUE)
    client = client_for(people["bacninh.quantri"])
    page = client.get("/thong-bao/").content.decode()
    assert item.code in page
    assert f"/lam-viec/phan-anh/{item.pk}/" in page
    assert client.get(f"/lam-viec/phan-anh/{item.pk}/").status_code == 200
