"""The demo's breaches: one a few hours before its deadline, one notified; and audit rows the
province admin reads."""

from __future__ import annotations

import pytest

from congdong.audit import queries as audit_queries
from congdong.breaches.models import BreachState
from congdong.breaches.queries import to_handle
from congdong_tools.demo.breaches import ensure_breaches

pytestmark = pytest.mark.django_db


def test_the_demo_shows_a_breach_near_its_deadline_and_a_notified_one(personas):
    assert ensure_breaches() == 2
    assert ensure_breaches() == 0  # once
    admin = personas["bacninh.quantri"]
    states = sorted(to_handle(admin).values_list("state", flat=True))
    assert states == [BreachState.NOTIFIED, BreachState.RECORDED]
    assert to_handle(personas["hanoi.quantri"]).count() == 0
    rows = audit_queries.entries(audit_queries.access_audit(admin))
    assert rows.count() >= 5
