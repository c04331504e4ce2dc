"""Issue 16.3: each move of a feedback item tells its sender (bell, and SMS/email as they chose)
and the staff whose queue it lands in, once; nobody else (a sibling commune's officer, the
province while the commune has its own officer) hears of it. The SMS and email go after the
commit, by the worker (run here for real, at the actions' fixed times)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core import mail
from django.utils import timezone

from congdong.accounts.roles import Role
from congdong.core.errors import ActionError
from congdong.engagement.actions import notify as delivery
from congdong.engagement.models import Notification, NotificationKind, NotificationSettings
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
LATER = SENT + datetime.timedelta(hours=1)
AFTER_ACCEPT_DUE = vn(2026, 3, 4, 10, 0)
ANSWER = "Phường đã cho san lấp và trải nhựa lại đoạn đường."
DELIVERY = next(job for job in JOBS if job.name == "deliver-notifications")


def deliver(at: datetime.datetime) -> int:
    """The worker's delivery sweep, run at `at` (the actions here run at fixed past times)."""
    return delivery.deliver_pending(at)


def told(item: Feedback, kind: str | None = None) -> list[tuple[str, str]]:
    """(username, kind) of the notifications about `item` from its moves (not the unit above's
    late notices: tests/feedback/test_overdue_notices.py)."""
    rows = Notification.objects.filter(feedback=item).exclude(
        kind__in=[K.FEEDBACK_LATE_ACCEPT, K.FEEDBACK_LATE_ANSWER]
    )
    if kind:
        rows = rows.filter(kind=kind)
    return sorted(rows.values_list("recipient__username", "kind"))


def texts(outbox) -> list[tuple[str, str]]:
    if not outbox.exists():
        return []
    lines = outbox.read_text(encoding="utf-8").splitlines()
    return [(row["phone"], row["text"]) for row in map(json.loads, lines)]


def test_sending_tells_the_sender_and_the_communes_officer_only(people, units, sms_outbox):
    item = send(people["an"], units.kinh_bac)
    an, officer = people["an"].username, people["kinhbac.canbo"].username
    assert told(item) == sorted([(an, K.FEEDBACK_RECEIVED), (officer, K.FEEDBACK_NEW)])
    # The commune has its own officer: the province's admin, the sibling commune and the
    # Hà Nội admin hear nothing.
    for other in ("bacninh.quantri", "sibling.canbo", "hanoi.quantri", "binh"):
        assert not Notification.objects.filter(recipient=people[other]).exists()


def test_a_commune_without_officer_lands_with_the_unit_above(people, units):
    item = send(people["an"], units.sibling)
    # The sibling's officer is placed there (conftest); a commune of Hà Nội has none.
    assert told(item, K.FEEDBACK_NEW) == [("sibling.canbo", K.FEEDBACK_NEW)]
    other = send(people["binh"], units.hanoi_commune)
    assert told(other, K.FEEDBACK_NEW) == [("hanoi.quantri", K.FEEDBACK_NEW)]


def test_the_worker_sends_the_sender_one_sms_without_diacritics(people, units, sms_outbox):
    item = send(people["an"], units.kinh_bac)
    assert texts(sms_outbox) == []  # not inside the action: after it, by the worker
    assert deliver(SENT) == 1
    ((phone, text),) = texts(sms_outbox)
    assert phone == people["an"].phone and text.isascii()
    assert item.code in text and f"/phan-anh/{item.pk}/" in text and "Kinh Bac" in text
    # The officer has no verified mobile number and no email: the bell only. Delivering
    # again (a retried task, the next sweep) sends nothing more.
    assert deliver(SENT) == 0
    assert delivery.deliver(Notification.objects.values_list("pk", flat=True), SENT) == 0
    assert len(texts(sms_outbox)) == 1


def test_each_step_the_sender_waits_for_tells_them(people, units, sms_outbox):
    an, officer = people["an"], people["kinhbac.canbo"]
    item = send(an, units.kinh_bac)
    actions.accept(officer, item.pk, now=LATER)
    actions.answer(officer, item.pk, ANSWER, now=LATER)
    assert deliver(LATER) == 3
    assert told(item) == sorted(
        [
            (an.username, K.FEEDBACK_RECEIVED),
            (an.username, K.FEEDBACK_ACCEPTED),
            (an.username, K.FEEDBACK_ANSWERED),
            (officer.username, K.FEEDBACK_NEW),
        ]
    )
    sms = [text for _phone, text in texts(sms_outbox)]
    assert len(sms) == 3
    assert f"/phan-anh/{item.pk}/" in sms[-1]
    # Closing it themself tells the sender nothing; the officer made no new work.
    actions.close(an, item.pk, now=LATER)
    assert len(told(item)) == 4


def test_a_retried_move_tells_nobody_again(people, units):
    officer = people["kinhbac.canbo"]
    item = send(people["an"], units.kinh_bac)
    actions.accept(officer, item.pk, now=LATER)
    with pytest.raises(ActionError):
        actions.accept(officer, item.pk, now=LATER)  # the second click
    assert len(told(item, K.FEEDBACK_ACCEPTED)) == 1


def test_a_rejection_is_told_to_the_sender(people, units):
    item = send(people["an"], units.kinh_bac)
    actions.reject(people["kinhbac.canbo"], item.pk, "spam", "Nội dung quảng cáo.", now=LATER)
    assert told(item, K.FEEDBACK_REJECTED) == [(people["an"].username, K.FEEDBACK_REJECTED)]


def test_a_transfer_tells_the_sender_and_the_new_units_officer_not_the_old(people, units):
    item = send(people["an"], units.kinh_bac)
    reason = "Địa bàn thuộc phường bên cạnh."
    actions.transfer(people["kinhbac.canbo"], item.pk, units.sibling.pk, reason, now=LATER)
    assert told(item, K.FEEDBACK_TRANSFERRED) == [("cd84912000001", K.FEEDBACK_TRANSFERRED)]
    assert told(item, K.FEEDBACK_TRANSFER_IN) == [("sibling.canbo", K.FEEDBACK_TRANSFER_IN)]


def test_an_escalation_tells_the_province_and_the_sender(people, units):
    item = send(people["an"], units.kinh_bac)
    reason = "Vượt thẩm quyền của phường."
    actions.escalate(people["kinhbac.canbo"], item.pk, reason, now=LATER)
    assert told(item, K.FEEDBACK_ESCALATE_IN) == [("bacninh.quantri", K.FEEDBACK_ESCALATE_IN)]
    assert told(item, K.FEEDBACK_ESCALATED) == [("cd84912000001", K.FEEDBACK_ESCALATED)]
    assert not Notification.objects.filter(recipient=people["sibling.canbo"]).exists()


def test_an_assignment_tells_the_officer_given_it_not_the_one_giving_it(people, units):
    officer = people["kinhbac.canbo"]
    colleague = grant("kinhbac.canbo2", units.kinh_bac, Role.FEEDBACK_OFFICER)
    item = send(people["an"], units.kinh_bac)
    actions.accept(officer, item.pk, now=LATER)
    actions.assign(officer, item.pk, officer.pk, now=LATER)  # to themself: nobody told
    assert told(item, K.FEEDBACK_ASSIGNED) == []
    actions.assign(officer, item.pk, colleague.pk, now=LATER)
    assert told(item, K.FEEDBACK_ASSIGNED) == [("kinhbac.canbo2", K.FEEDBACK_ASSIGNED)]


def test_a_reopening_tells_the_unit(people, units):
    an, officer = people["an"], people["kinhbac.canbo"]
    item = send(an, units.kinh_bac)
    actions.accept(officer, item.pk, now=LATER)
    actions.answer(officer, item.pk, ANSWER, now=LATER)
    actions.reopen(an, item.pk, "Đường vẫn còn ổ gà.", now=LATER)
    assert told(item, K.FEEDBACK_REOPENED) == [(officer.username, K.FEEDBACK_REOPENED)]


def test_the_worker_closing_an_answered_item_tells_the_sender(people, units, settings):
    officer = people["kinhbac.canbo"]
    item = send(people["an"], units.kinh_bac)
    actions.accept(officer, item.pk, now=LATER)
    actions.answer(officer, item.pk, ANSWER, now=LATER)
    days = settings.FEEDBACK_CLOSE_AFTER_DAYS + 1
    assert actions.close_answered(LATER + datetime.timedelta(days=days)) == 1
    assert told(item, K.FEEDBACK_CLOSED) == [(people["an"].username, K.FEEDBACK_CLOSED)]


def test_a_late_item_tells_its_sender_once_who_holds_it(people, units, sms_outbox):
    item = send(people["an"], units.kinh_bac)
    notify_overdue(AFTER_ACCEPT_DUE)
    notify_overdue(AFTER_ACCEPT_DUE + datetime.timedelta(hours=2))
    assert told(item, K.FEEDBACK_OVERDUE) == [(people["an"].username, K.FEEDBACK_OVERDUE)]
    # The receipt, a day old by now, stays in the bell: only the news goes by SMS.
    assert deliver(AFTER_ACCEPT_DUE + datetime.timedelta(hours=2)) == 1
    ((_phone, text),) = texts(sms_outbox)
    # Who holds it, without diacritics (one GSM-7 segment holds 160 of them).
    assert item.code in text and "Kinh Bac" in text and text.isascii()


def test_the_channels_follow_the_senders_settings(people, units, sms_outbox):
    an = people["an"]
    NotificationSettings.objects.create(
        user=an, instant_sms=False, email="an@example.vn", email_verified_at=timezone.now()
    )
    item = send(an, units.kinh_bac)
    assert deliver(SENT) == 1
    assert texts(sms_outbox) == []
    (message,) = mail.outbox
    assert message.to == ["an@example.vn"] and item.code in message.subject
    assert f"/phan-anh/{item.pk}/" in message.body
    # Not repeated in the daily digest.
    assert not Notification.objects.filter(recipient=an, digested_at=None).exists()


def test_no_email_to_an_address_not_confirmed(people, units, sms_outbox):
    an = people["an"]
    NotificationSettings.objects.create(user=an, instant_sms=False, email="an@example.vn")
    send(an, units.kinh_bac)
    assert deliver(SENT) == 0
    assert mail.outbox == [] and texts(sms_outbox) == []
    assert Notification.objects.filter(recipient=an, kind=K.FEEDBACK_RECEIVED).exists()


def test_the_registered_job_sends_the_news_of_the_last_day(people, units, sms_outbox):
    # What the job finds (a lost task's, or all of it without a broker). News older than a
    # day is left to the bell.
    old = send(people["binh"], units.kinh_bac)
    item = send(people["an"], units.kinh_bac, now=timezone.now())
    assert texts(sms_outbox) == []
    outcome = run_job(DELIVERY)
    assert outcome.error == "" and outcome.result == 1
    ((phone, text),) = texts(sms_outbox)
    assert phone == people["an"].phone and item.code in text
    assert old.code not in text
    assert run_job(DELIVERY).result == 0


def test_the_sender_reads_it_in_the_bell_in_vietnamese_with_a_link(people, units):
    item = send(people["an"], units.kinh_bac)
    actions.accept(people["kinhbac.canbo"], item.pk, now=LATER)
    actions.answer(people["kinhbac.canbo"], item.pk, ANSWER, now=LATER)
    page = client_for(people["an"]).get("/thong-bao/").content.decode()
    assert f'href="/phan-anh/{item.pk}/"' in page
    assert f"Phường Kinh Bắc đã trả lời phản ánh {item.code} của bạn" in page
    assert "/lam-viec/" not in page
    staff = client_for(people["kinhbac.canbo"]).get("/thong-bao/").content.decode()
    assert f'href="/lam-viec/phan-anh/{item.pk}/"' in staff
    assert f"Phản ánh mới {item.code}" in staff


def test_the_api_gives_the_same_text_and_the_link(people, units):
    item = send(people["an"], units.kinh_bac)
    actions.accept(people["kinhbac.canbo"], item.pk, now=LATER)
    bell = client_for(people["an"]).get("/api/v1/me/notifications").json()
    accepted = next(i for i in bell["items"] if i["kind"] == K.FEEDBACK_ACCEPTED)
    assert accepted["text"] == (
        f"Phường Kinh Bắc đã tiếp nhận phản ánh {item.code} của bạn và đang xử lý."
    )
    assert accepted["url"].endswith(f"/phan-anh/{item.pk}/")
    # The officer's link is the handling screen.
    theirs = client_for(people["kinhbac.canbo"]).get("/api/v1/me/notifications").json()
    assert theirs["items"][0]["url"].endswith(f"/lam-viec/phan-anh/{item.pk}/")
