"""A page number too large for the database (as `bench fuzz` sends it) in the units' API is a
validation error, never an error 500."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.core.validation import assert_invalid

pytestmark = pytest.mark.django_db


def test_a_page_of_units_past_any_list_is_a_validation_error():
    response = Client().get("/api/v1/units", {"page": 10**20})
    assert_invalid(response, "query", "page")
    assert Client().get("/api/v1/units", {"page": 2}).json()["count"] > 50
