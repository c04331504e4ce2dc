"""An offset too large for the database (as `bench fuzz` sends it) in the takedown API is a
validation error, never an error 500."""

from __future__ import annotations

import pytest

from tests.conftest import client_for
from tests.core.validation import assert_invalid

pytestmark = pytest.mark.django_db


def test_an_offset_past_any_list_of_requests_is_a_validation_error(personas):
    client = client_for(personas["bacninh.quantri"])
    response = client.get("/api/v1/takedown/requests", {"offset": 10**20})
    assert_invalid(response, "query", "offset")
    assert client.get("/api/v1/takedown/requests").status_code == 200
