"""The worker's job flags each breach not notified by its deadline, once."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from congdong.breaches import actions
from congdong.breaches.alarms import alarm_overdue
from congdong.breaches.models import Breach
from congdong.core.tasks import sweep_overdue
from congdong.worker.jobs import JOBS
from tests.breaches.conftest import fields, recorded
from tests.clock import vn

pytestmark = pytest.mark.django_db


def test_a_breach_past_its_deadline_is_flagged_once(world, caplog):
    late = recorded(world.commune_dpo, world.kinh_bac)
    notified = recorded(world.commune_dpo, world.kinh_bac)
    actions.notify(
        world.commune_dpo,
        notified.pk,
        "15/TB",
        now=vn(2026, 3, 8, 9, 0),
        notified_at=vn(2026, 3, 8, 9, 0),
    )
    assert alarm_overdue(vn(2026, 3, 10, 21, 59)) == 0
    assert alarm_overdue(vn(2026, 3, 10, 22, 1)) == 1
    assert alarm_overdue(vn(2026, 3, 10, 23, 0)) == 0
    late.refresh_from_db()
    assert late.alarmed_at == vn(2026, 3, 10, 22, 1)
    assert Breach.objects.get(pk=notified.pk).alarmed_at is None
    assert f"personal data breach {late.pk}" in caplog.text


def test_the_job_runs_in_the_worker(world):
    discovered = timezone.now() - datetime.timedelta(hours=80)
    actions.record(
        world.commune_dpo, fields(world.kinh_bac, discovered_at=discovered, occurred_at=None)
    )
    # The one overdue sweep of every workflow's deadlines, breaches' among them.
    assert "sweep-overdue" in {job.name for job in JOBS}
    assert sweep_overdue() == 1
    assert Breach.objects.get().alarmed_at is not None
