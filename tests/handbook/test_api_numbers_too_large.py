"""An offset too large for the database (as `bench fuzz` sends it) on the board's API is a
validation error, never an error 500."""

from __future__ import annotations

from tests.conftest import client_for
from tests.core.validation import assert_invalid


def test_an_offset_past_any_list_of_board_posts_is_a_validation_error(people):
    client = client_for(people["kinhbac.canbo"])
    for offset in (10**20, -1):
        response = client.get("/api/v1/board/posts", {"offset": offset})
        assert_invalid(response, "query", "offset")
    assert client.get("/api/v1/board/posts").status_code == 200
