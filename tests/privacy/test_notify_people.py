"""Issue 16.3 for personal data requests: the sender is told it was received, answered or
refused, and late; the data protection officers of the central unit (who alone handle them)
that a new one waits in their queue. A province's or commune's officer is told nothing."""

from __future__ import annotations

import datetime
import json

import pytest

from congdong.engagement.actions.notify import deliver_pending
from congdong.engagement.models import Notification, NotificationKind
from congdong.privacy import actions
from congdong.privacy.notices import notify_overdue
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

K = NotificationKind
TEXT = "Đề nghị cho biết cơ quan nào đã được cung cấp số điện thoại của tôi."


def told(item) -> list[tuple[str, str]]:
    return sorted(
        Notification.objects.filter(data_request=item).values_list("recipient__username", "kind")
    )


def test_a_new_request_tells_its_sender_and_the_central_officers_only(world):
    item = actions.submit(world.an, "access", TEXT)
    assert told(item) == sorted(
        [
            (world.an.username, K.PRIVACY_RECEIVED),
            (world.central_dpo.username, K.PRIVACY_NEW),
            (world.central_admin.username, K.PRIVACY_NEW),
        ]
    )
    for outsider in (world.province_dpo, world.commune_dpo, world.province_admin, world.binh):
        assert not Notification.objects.filter(recipient=outsider, data_request=item).exists()


def test_the_answer_and_the_refusal_are_told_to_the_sender_not_taking_it(world):
    item = actions.submit(world.an, "access", TEXT)
    actions.take(world.central_dpo, item.pk)
    actions.answer(world.central_dpo, item.pk, "Không cơ quan nào được cung cấp số của ông.")
    other = actions.submit(world.an, "object", TEXT)
    actions.refuse(world.central_dpo, other.pk, "Khoản 2 Điều 9: việc xử lý do luật định.")
    mine = Notification.objects.filter(recipient=world.an, data_request__isnull=False)
    mine = mine.values_list("kind", "data_request")
    assert sorted(mine) == sorted(
        [
            (K.PRIVACY_RECEIVED, item.pk),
            (K.PRIVACY_ANSWERED, item.pk),
            (K.PRIVACY_RECEIVED, other.pk),
            (K.PRIVACY_ANSWERED, other.pk),
        ]
    )
    page = client_for(world.an).get("/thong-bao/").content.decode()
    assert f"{item.code} của bạn đã được trả lời" in page
    assert f"{other.code} của bạn bị từ chối" in page
    assert f'href="/cong-dan/du-lieu-ca-nhan/#request-{item.pk}"' in page


def test_a_late_request_tells_its_sender_once_by_sms(world, sms_outbox):
    item = actions.submit(world.an, "access", TEXT)
    later = item.due_at + datetime.timedelta(minutes=1)
    assert notify_overdue(later) == 1
    assert notify_overdue(later + datetime.timedelta(hours=1)) == 0
    # The worker's delivery: the receipt is days old by then, left to the bell.
    assert deliver_pending(later + datetime.timedelta(hours=1)) == 1
    assert [k for _u, k in told(item) if k == K.PRIVACY_OVERDUE] == [K.PRIVACY_OVERDUE]
    (line,) = sms_outbox.read_text(encoding="utf-8").splitlines()
    sms = json.loads(line)
    assert sms["phone"] == world.an.phone and item.code in sms["text"]


def test_the_officer_finds_the_request_from_the_bell(world):
    item = actions.submit(world.an, "access", TEXT)
    client = client_for(world.central_dpo)
    page = client.get("/thong-bao/").content.decode()
    assert f'href="/lam-viec/du-lieu-ca-nhan/{item.pk}/"' in page
    assert f"Yêu cầu mới về dữ liệu cá nhân {item.code}" in page
    assert client.get(f"/lam-viec/du-lieu-ca-nhan/{item.pk}/").status_code == 200
