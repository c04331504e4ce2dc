"""The demo's personal data: account consents for its citizens and a register with one overdue
and one answered request, made once."""

from __future__ import annotations

import pytest

from congdong.accounts.models import User
from congdong.engagement.models import Notification, NotificationKind
from congdong.privacy import queries
from congdong.privacy.models import ConsentPurpose, ConsentRecord, DataRequest, RequestState
from congdong_tools.demo.personas import CITIZEN
from congdong_tools.demo.privacy import ensure_privacy
from tests.engagement.conftest import citizen


@pytest.mark.django_db
def test_the_demo_makes_consents_and_requests_once(personas):
    people = [citizen(f"+8491200030{i}", f"Công dân {i}") for i in range(8)]
    made = ensure_privacy()
    assert made["requests"] >= 4
    for who in people:
        assert ConsentRecord.objects.filter(user=who, purpose=ConsentPurpose.ACCOUNT).exists()
    assert queries.overdue().exists()
    assert DataRequest.objects.filter(state=RequestState.ANSWERED, self_service=False).exists()
    assert DataRequest.objects.filter(self_service=True).exists()
    # The central admin persona sees the register.
    assert queries.to_handle(personas["tw.quantri"]).count() == DataRequest.objects.count()
    assert ensure_privacy() == {"consents": 0, "requests": 0}
    # The demo citizen was told of their answered request; the officers of each new one.
    you = User.objects.get(phone=CITIZEN["phone"])
    told = Notification.objects.filter(recipient=you, data_request__isnull=False)
    assert {NotificationKind.PRIVACY_RECEIVED, NotificationKind.PRIVACY_ANSWERED} <= set(
        told.values_list("kind", flat=True)
    )
    officer = Notification.objects.filter(recipient=personas["tw.quantri"])
    assert officer.filter(kind=NotificationKind.PRIVACY_NEW).count() == 4
