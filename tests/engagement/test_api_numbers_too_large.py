"""Ids too large for the database (as `bench fuzz` sends them) are a validation error, never an
error 500, and change nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from congdong.accounts.models import User
from congdong.accounts.tokens import do_issue_token
from congdong.engagement.models import Notification
from tests.core.validation import assert_invalid

pytestmark = pytest.mark.django_db

READ = "/api/v1/me/notifications/read"
JSON = "application/json"


def test_marking_a_notification_with_an_impossible_id_read_is_a_validation_error(personas):
    an = User.objects.get(phone="+84912345678")
    app = {"Authorization": f"Bearer {do_issue_token(an).key}"}
    unread = Notification.objects.filter(read_at=None).count()
    response = Client().post(READ, {"ids": [1, 10**30]}, content_type=JSON, headers=app)
    assert_invalid(response, "body", "body", "ids", 1)
    assert Notification.objects.filter(read_at=None).count() == unread
    # Ids that fit are still read as before.
    fine = Client().post(READ, {"ids": [2**63 - 1]}, content_type=JSON, headers=app)
    assert fine.status_code == 200 and fine.json() == {"changed": 0}
