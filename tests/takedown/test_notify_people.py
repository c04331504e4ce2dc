"""Issue 16.3: an authority's takedown request, recorded by whoever received it, lands in the
queue of the moderators and admins of the content's unit, who are told in the bell (and at once
by SMS/email as they chose); the one who recorded it, a sibling commune and another province
are not."""

from __future__ import annotations

import pytest

from congdong.engagement.models import Notification, NotificationKind
from congdong.takedown.queries import handlers_at
from tests.conftest import client_for
from tests.takedown.conftest import record

pytestmark = pytest.mark.django_db

K = NotificationKind


def told(item) -> set[int]:
    rows = Notification.objects.filter(takedown=item, kind=K.TAKEDOWN_NEW)
    return set(rows.values_list("recipient_id", flat=True))


def test_a_request_recorded_above_lands_with_the_communes_moderators(world):
    item = record(world.province_mod, world.comment)
    assert world.commune_mod.pk in told(item)
    assert told(item) == set(handlers_at(world.kinh_bac.unit))
    for other in (world.province_mod, world.sibling_mod, world.hanoi_mod):
        assert other.pk not in told(item)
    page = client_for(world.commune_mod).get("/thong-bao/").content.decode()
    assert f'href="/lam-viec/yeu-cau-go-bo/{item.pk}/"' in page
    assert f"Yêu cầu gỡ bỏ số {item.reference}" in page


def test_who_recorded_it_is_not_told(world):
    item = record(world.commune_mod, world.comment)
    assert world.commune_mod.pk not in told(item)
