"""The audit log's chain read from the database: checked on demand (`congdong audit verify`)
and once a day by the worker, which logs an error while the chain is broken — for whoever
watches the server's log, as the breach register's overdue alarm does."""

from __future__ import annotations

import logging
from collections.abc import Callable

from congdong.audit import chain
from congdong.audit.models import AuditEntry

log = logging.getLogger("congdong.audit")


def verify_log(progress: Callable[[int], None] | None = None, kept_head: str = "") -> chain.Verdict:
    """Every row, in the order appended, through `chain.verify` (5,000 rows in memory at most)."""
    rows = (
        AuditEntry.objects.order_by("pk")
        .values("pk", "prev", "digest", *chain.FIELDS)
        .iterator(chunk_size=5000)
    )
    return chain.verify(rows, progress=progress, kept_head=kept_head)


def check_and_alarm() -> int:
    """The worker's daily check: 0 when the chain holds, else 1 and an error in the log."""
    verdict = verify_log()
    if verdict.intact:
        log.info("audit log chain intact: %d rows, head %s", verdict.rows, verdict.head)
        return 0
    log.error(
        "audit log chain broken at row %s (%s): run `congdong audit verify`",
        verdict.broken_at,
        verdict.reason,
    )
    return 1
