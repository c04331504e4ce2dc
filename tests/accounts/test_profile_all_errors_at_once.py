"""The sign-up profile step tells every bad field in one submit (issue 16.9): the name, the date
of birth and the consent; no account is opened."""

from __future__ import annotations

import pytest

from congdong.accounts.models import User
from tests.accounts.test_citizen_phone_login import PROFILE, START, VERIFY
from tests.conftest import last_code

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("birth", ["2999-01-01", "hôm qua"], ids=["rule", "form"])
def test_a_bad_name_date_and_no_consent_are_told_at_once(client, sms_outbox, birth):
    client.post(START, {"phone": "0987654321"})
    client.post(VERIFY, {"code": last_code(sms_outbox)})
    response = client.post(PROFILE, {"full_name": "A", "date_of_birth": birth})
    errors = response.context["form"].errors
    assert {"full_name", "date_of_birth", "consent"} <= set(errors)
    assert "Vui lòng" in " ".join(errors["full_name"] + errors["consent"])
    assert not User.objects.filter(phone="+84987654321").exists()
