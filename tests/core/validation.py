"""What the API answers to a value it refuses before any view code runs."""

from __future__ import annotations


def assert_invalid(response, *loc: str | int) -> None:
    """`response` is a validation error (422) naming the value at `loc` first."""
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == list(loc)
