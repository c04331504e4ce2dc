"""Page numbers and ids too large for the database (as `bench fuzz` sends them) in the pages'
API: a validation error or a message in Vietnamese, never an error 500."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from congdong.pages.models import PageOperator
from tests.conftest import client_for
from tests.core.validation import assert_invalid

pytestmark = pytest.mark.django_db


def test_a_page_number_past_any_list_is_a_validation_error():
    response = Client().get("/api/v1/pages", {"page": 10**20})
    assert_invalid(response, "query", "page")
    # The last page number allowed is simply empty.
    last = Client().get("/api/v1/pages", {"page": 100_000})
    assert last.status_code == 200 and last.json()["items"] == []


def test_removing_a_co_admin_of_a_page_id_too_large_is_refused_in_vietnamese(personas):
    admin = client_for(personas["tw.quantri"])
    before = PageOperator.objects.count()
    response = admin.delete(f"/api/v1/pages/{10**21}/operators/1")
    if connection.vendor == "sqlite":  # it cannot even compare such a number
        assert response.status_code == 400
        assert response.json()["detail"] == "Một số trong yêu cầu này quá lớn."
    else:  # PostgreSQL compares it, and finds no such page
        assert response.status_code == 404
    assert PageOperator.objects.count() == before
