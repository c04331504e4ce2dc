"""One submit tells every problem of the feedback form (issue 16.9): the form's own refusals and
every rule of `actions.check_submit`, each on its field, in Vietnamese; nothing is stored."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from congdong.feedback.models import Feedback, FeedbackAttachment
from tests.conftest import client_for
from tests.feedback.conftest import send
from tests.feedback.test_citizen_api import app
from tests.feedback.test_citizen_api import fields as api_fields
from tests.feedback.test_citizen_views import SEND, form

pytestmark = pytest.mark.django_db

# The message of each refused field, as the citizen reads it.
MESSAGES = {
    "category": "Vui lòng chọn chuyên mục trong danh sách.",
    "text": "tối thiểu 10 ký tự",
    "consent": "91/2025",
    "location": "Vị trí phải gồm vĩ độ và kinh độ",
    "files": "anh.txt",
}


def bad_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("anh.txt", b"not a picture", "text/plain")


def test_the_web_form_shows_every_bad_field_at_once_and_stores_nothing(people, units):
    fields = form(
        units.kinh_bac,
        category="",
        text="Ngắn",
        consent="",
        latitude="north",
        longitude="106",
        files=[bad_file()],
    )
    response = client_for(people["an"]).post(SEND, fields)
    assert response.status_code == 400
    page = response.content.decode()
    missing = [field for field, message in MESSAGES.items() if message not in page]
    assert not missing, f"not told in the same submit: {missing}"
    assert not Feedback.objects.exists() and not FeedbackAttachment.objects.exists()


def test_a_field_the_form_refuses_does_not_hide_the_rules_of_the_others(people, units):
    # An unknown category is refused by the form itself; the text and the consent by the rules.
    fields = form(units.kinh_bac, category="999999", text="Ngắn", consent="")
    page = client_for(people["an"]).post(SEND, fields).content.decode()
    assert MESSAGES["text"] in page and MESSAGES["consent"] in page
    assert "Hãy chọn một lựa chọn hợp lệ" in page  # Django's own message, in Vietnamese
    assert not Feedback.objects.exists()


def test_the_api_answers_every_bad_field_at_once(people, units):
    response = Client().post(
        "/api/v1/feedback",
        api_fields(units.kinh_bac, category_id="", text="", consent="false", latitude="abc"),
        HTTP_ACCEPT_LANGUAGE="vi",
        **app(people["an"]),
    )
    assert response.status_code == 400
    body = response.json()
    assert {e["field"] for e in body["errors"]} == {"category", "text", "consent", "location"}
    assert body["field"] == body["errors"][0]["field"]  # one-error clients still read a message
    assert all(e["detail"] for e in body["errors"])
    assert not Feedback.objects.exists()


def test_a_rejection_without_its_kind_and_text_is_told_both_at_once(people, units):
    # The web form only (the API's schema refuses a missing kind before any rule is read).
    item = send(people["an"], units.kinh_bac)
    response = client_for(people["kinhbac.canbo"]).post(
        f"/lam-viec/phan-anh/{item.pk}/tu-choi/", {"reason_kind": "", "reason": "x"}
    )
    assert response.status_code == 400
    told = response.content.decode()
    assert "Vui lòng chọn lý do từ chối" in told and "tối thiểu 5 ký tự" in told
    assert Feedback.objects.get(pk=item.pk).state == "received"
