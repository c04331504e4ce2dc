"""A request that does not fit the API's schema (422) is answered in the caller's language:
Vietnamese by default, English when asked, in ninja's shape (`detail`: loc, msg, type)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
API = "/api/v1"


def detail(response) -> list[dict]:
    assert response.status_code == 422, response.content
    return response.json()["detail"]


def test_a_word_for_a_number_is_refused_in_vietnamese_then_in_english():
    errors = detail(Client().get(f"{API}/units", {"page": "mot"}))
    assert errors[0]["loc"][-1] == "page" and errors[0]["type"] == "int_parsing"
    assert errors[0]["msg"] == "Vui lòng nhập một số nguyên."
    errors = detail(Client().get(f"{API}/units", {"page": "one"}, HTTP_ACCEPT_LANGUAGE="en"))
    assert errors[0]["msg"] == "Enter a whole number."


def test_a_choice_out_of_the_list_names_the_choices():
    errors = detail(Client().get(f"{API}/units", {"level": "planet"}))
    assert errors[0]["type"] == "enum"
    assert errors[0]["msg"].startswith("Vui lòng chọn một trong:")
    assert "commune" in errors[0]["msg"]


def test_a_missing_field_and_a_broken_body():
    errors = detail(Client().post(f"{API}/auth/phone/start", {}, content_type="application/json"))
    assert errors[0]["loc"][-1] == "phone"
    assert errors[0]["msg"] == "Trường này là bắt buộc."
    response = Client().post(f"{API}/auth/phone/start", "{không", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "Không đọc được nội dung yêu cầu: không phải JSON hay dữ liệu biểu mẫu hợp lệ."
    )


def test_a_number_out_of_range_says_the_bound():
    errors = detail(Client().get(f"{API}/units", {"page": 0}))
    assert errors[0]["type"] == "greater_than_equal"
    assert errors[0]["msg"] == "Vui lòng nhập một số không nhỏ hơn 1."
