"""A hash chain over the audit log: each row carries the SHA-256 of its own content and of the
row before it, so a row changed, removed or slipped in later — by anyone who can write to the
database, past the app and its triggers — breaks every link after it, and `congdong audit
verify` names the first broken row.

`prev` is unique (the first chained row links to GENESIS): two rows appended at the same
instant cannot both follow the same row; the second one is refused by the database and
`record` links it again after the first. Rows written before the chain existed carry no digest
and are allowed only before the first chained row.

What the chain cannot show alone is rows cut off the end; `verify` prints the number of rows
and the head digest, which an auditor keeps elsewhere (the next check must include that head).
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
# The content fields, in a fixed order: adding one to the model does not change old digests.
FIELDS = (
    "at",
    "actor_id",
    "actor_name",
    "ip",
    "via",
    "method",
    "path",
    "action",
    "object_type",
    "object_id",
    "object_text",
    "unit_id",
    "unit_path",
    "unit_name",
    "status",
    "outcome",
)


def _plain(name: str, value: Any) -> Any:
    if name == "ip" and value:
        # The address as bytes: the databases (and Python versions) spell IPv6 differently.
        return ipaddress.ip_address(value).packed.hex()
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    if value is None or isinstance(value, (int, str)):
        return value
    return str(value)


def digest_of(prev: str, values: dict[str, Any]) -> str:
    """SHA-256 of the previous digest and the row's content, as canonical JSON."""
    content = json.dumps(
        [prev, [_plain(name, values.get(name)) for name in FIELDS]],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(content.encode()).hexdigest()


@dataclass
class Verdict:
    rows: int = 0
    chained: int = 0
    before_chain: int = 0
    head: str = ""
    broken_at: int | None = None  # the pk of the first row that does not fit
    reason: str = ""
    kept_head_found: bool = False

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify(
    rows: Iterable[dict[str, Any]],
    progress: Callable[[int], None] | None = None,
    kept_head: str = "",
) -> Verdict:
    """Walk the rows in the order they were appended (pk) and check every link; note whether
    `kept_head` (a head printed by an earlier check) is still one of the digests.

    Each row is a dict with `pk`, `prev`, `digest` and the FIELDS, as read from the database.
    """
    verdict = Verdict()
    expected_prev = GENESIS
    for row in rows:
        verdict.rows += 1
        if progress and verdict.rows % 10_000 == 0:
            progress(verdict.rows)
        if not row["digest"]:
            if verdict.chained:
                return _broken(verdict, row["pk"], "unchained")
            verdict.before_chain += 1
            continue
        if row["prev"] != expected_prev:
            return _broken(verdict, row["pk"], "link")
        if digest_of(row["prev"], row) != row["digest"]:
            return _broken(verdict, row["pk"], "content")
        verdict.chained += 1
        expected_prev = verdict.head = row["digest"]
        if row["digest"] == kept_head:
            verdict.kept_head_found = True
    return verdict


def _broken(verdict: Verdict, pk: int, reason: str) -> Verdict:
    verdict.broken_at = pk
    verdict.reason = reason
    return verdict
