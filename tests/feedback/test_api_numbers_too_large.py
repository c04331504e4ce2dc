"""Page numbers and offsets too large for the database (as `bench fuzz` sends them) in the
feedback API are validation errors, never an error 500."""

from __future__ import annotations

import pytest
from django.test import Client

from congdong.accounts.tokens import do_issue_token
from tests.conftest import client_for
from tests.core.validation import assert_invalid

pytestmark = pytest.mark.django_db


def test_a_citizen_asking_for_a_page_of_feedback_past_any_list_gets_a_validation_error(people):
    app = {"Authorization": f"Bearer {do_issue_token(people['an']).key}"}
    response = Client().get("/api/v1/me/feedback", {"page": 10**20}, headers=app)
    assert_invalid(response, "query", "page")
    assert Client().get("/api/v1/me/feedback", headers=app).status_code == 200


def test_public_answers_past_any_list_are_a_validation_error(units):
    url = f"/api/v1/public/units/{units.kinh_bac.pk}/feedback-answers"
    assert Client().get(url, {"page": 10**20}).status_code == 422


def test_an_officer_asking_for_items_past_any_list_gets_a_validation_error(people):
    client = client_for(people["kinhbac.canbo"])
    response = client.get("/api/v1/feedback/to-handle", {"offset": 10**20})
    assert_invalid(response, "query", "offset")
