"""Overdue alarms up the tree, run for real (the registered job and the sweep with a fixed
`now`): the unit above is told once after 24 hours, the central unit's admins once after 48."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from congdong.engagement.models import Notification, NotificationKind
from congdong.takedown import actions
from congdong.takedown.models import TakedownRequest
from congdong.takedown.notices import notify_overdue
from congdong.worker.jobs import JOBS
from congdong.worker.loop import run_job
from tests.conftest import client_for
from tests.takedown.conftest import RECEIVED, record

pytestmark = pytest.mark.django_db

K = NotificationKind
H = datetime.timedelta(hours=1)
JOB = next(job for job in JOBS if job.name == "sweep-overdue")


def told(kind: str | None = None) -> set[int]:
    rows = Notification.objects.filter(takedown__isnull=False)
    if kind:
        rows = rows.filter(kind=kind)
    return set(rows.values_list("recipient_id", flat=True))


def test_the_province_is_told_once_after_24_hours_and_the_commune_is_not(world):
    item = record(world.commune_mod, world.comment)
    assert notify_overdue(RECEIVED + 23 * H) == 0
    assert notify_overdue(RECEIVED + 25 * H) == 1
    # The province's moderators and admins: the nearest unit above phường Kinh Bắc.
    assert told(K.TAKEDOWN_LATE) == {world.province_mod.pk, world.people["bacninh.quantri"].pk}
    assert TakedownRequest.objects.get(pk=item.pk).late_notified_at == RECEIVED + 25 * H
    assert notify_overdue(RECEIVED + 30 * H) == 0
    assert Notification.objects.filter(takedown=item).count() == 2
    for who in (world.commune_mod, world.sibling_mod, world.hanoi_mod, world.people["tw.quantri"]):
        assert who.pk not in told()


def test_the_central_admins_are_told_after_twice_the_deadline(world):
    item = record(world.commune_mod, world.comment)
    assert notify_overdue(RECEIVED + 49 * H) == 2  # both alarms at once, a late run
    assert told(K.TAKEDOWN_VERY_LATE) == {world.people["tw.quantri"].pk}
    assert notify_overdue(RECEIVED + 60 * H) == 0
    assert Notification.objects.filter(takedown=item, kind=K.TAKEDOWN_VERY_LATE).count() == 1


def test_a_decided_request_raises_no_alarm(world):
    item = record(world.commune_mod, world.comment)
    actions.act(world.commune_mod, item.pk, "Đã ẩn bình luận.", now=RECEIVED + 2 * H)
    assert notify_overdue(RECEIVED + 50 * H) == 0
    assert told() == set()


def test_the_registered_job_raises_the_alarm_and_the_bell_links_to_the_request(world):
    item = record(world.commune_mod, world.comment, now=timezone.now() - 25 * H)
    outcome = run_job(JOB)
    assert outcome.result == 1
    assert run_job(JOB).result == 0
    page = client_for(world.province_mod).get("/thong-bao/").content.decode()
    assert f"/lam-viec/yeu-cau-go-bo/{item.pk}/" in page
    assert "chưa được xử lý đúng hạn" in page
