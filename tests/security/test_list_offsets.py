"""Every paged list of the API bounds how far it skips: an offset past the 64-bit range the
database counts in is refused with 422, never a server error. Found by `congdong bench fuzz`
(10,434 requests): `/api/v1/audit/entries` and `/api/v1/privacy/staff/requests` answered 500
for `offset=9223372036854775800` (SQLite: "datatype mismatch"), where the other lists said 422."""

from __future__ import annotations

import pytest
from django.test import Client

from congdong.api import api
from congdong.core.api import MAX_OFFSET


def paged_lists() -> list[str]:
    """The GET operations of the API document that take an `offset` query parameter."""
    document = api.get_openapi_schema()
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
            if method == "get" and "offset" in names and "{" not in path:
                found.append(path)
    return sorted(found)


def test_every_offset_in_the_api_document_has_a_maximum():
    document = api.get_openapi_schema()
    unbounded = [
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for parameter in operation.get("parameters", [])
        if parameter["name"] == "offset" and "maximum" not in parameter.get("schema", {})
    ]
    assert not unbounded, unbounded
    assert len(paged_lists()) >= 6  # the staff and citizens' lists (a guard on the finder)


@pytest.mark.django_db
@pytest.mark.parametrize("path", paged_lists())
def test_an_offset_past_the_database_range_is_refused_not_a_server_error(personas, path):
    client = Client(raise_request_exception=False)
    client.force_login(personas["admin"])
    for offset in (2**63 - 10, MAX_OFFSET + 1):
        answer = client.get(path, {"offset": offset})
        assert answer.status_code == 422, (path, offset, answer.status_code)
    assert client.get(path, {"offset": MAX_OFFSET}).status_code == 200, path
