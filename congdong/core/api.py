"""What the API's routers share: ids, page numbers and offsets that a database can take.

A database takes at most a 64-bit integer (SQLite fails past it: "Python int too large to
convert to SQLite INTEGER", "datatype mismatch" for an OFFSET, an error 500), and the API's
integers are unbounded: lists of ids, page numbers and offsets are bounded here, and past the
bound the answer is a validation error (422), as for any other value out of range. `bench fuzz`
sends such numbers. (A single id in a path that overflows is answered 400 by congdong/api.py.)
"""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

# A row's id as the database stores it (a 64-bit signed integer at most).
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]

# 10 million rows into any list: far past what a person pages through, far below 2**63.
MAX_OFFSET = 10_000_000
MAX_PAGE_SIZE = 100


class Pages(PageNumberPagination):
    """`?page=N` pagination with bounded page numbers; a larger `page_size` than
    MAX_PAGE_SIZE is served as MAX_PAGE_SIZE, as django-ninja does."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_OFFSET // MAX_PAGE_SIZE)
        page_size: int | None = Field(None, ge=1)

    def __init__(self, page_size: int = 20, **kwargs) -> None:
        super().__init__(page_size=page_size, max_page_size=MAX_PAGE_SIZE, **kwargs)
