"""The intake form tells every bad field in one submit (issue 16.9), web and API; nothing is
recorded."""

from __future__ import annotations

import pytest

from congdong.takedown.models import TakedownRequest
from tests.conftest import client_for, post_json
from tests.takedown.test_web_api import API, LIST, form

pytestmark = pytest.mark.django_db

BAD = {"authority": "", "reference": "", "legal_basis": "", "target_id": "abc"}
MESSAGES = {
    "authority": "Vui lòng nhập tên cơ quan gửi yêu cầu.",
    "reference": "Vui lòng nhập số, ký hiệu văn bản yêu cầu.",
    "legal_basis": "Vui lòng nhập căn cứ pháp lý",
    "target_id": "chỉ gồm chữ số",
}


def test_the_intake_form_shows_every_bad_field_at_once(world):
    response = client_for(world.commune_mod).post(LIST + "tiep-nhan/", form(world, **BAD))
    assert response.status_code == 400
    page = response.content.decode()
    assert [f for f, message in MESSAGES.items() if message not in page] == []
    assert TakedownRequest.objects.count() == 0


def test_a_field_the_form_refuses_does_not_hide_the_rules_of_the_others(world):
    # A date the form cannot read is the form's refusal; the empty authority is the rule's.
    data = form(world, authority="", received_at="hôm qua")
    page = client_for(world.commune_mod).post(LIST + "tiep-nhan/", data).content.decode()
    assert MESSAGES["authority"] in page
    assert "Nhập một ngày/thời gian hợp lệ" in page  # Django's own message
    assert TakedownRequest.objects.count() == 0


def test_the_api_answers_every_bad_field_at_once(world):
    # The API's schema reads the number itself: one that names no comment is the rule's refusal.
    body = form(world, **BAD) | {"target_id": 999999}
    response = post_json(client_for(world.commune_mod), API, body)
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == set(MESSAGES)
    assert TakedownRequest.objects.count() == 0
