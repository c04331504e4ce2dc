"""The overdue alarm of the breach register: a breach whose authority was not notified within
BREACH_NOTICE_HOURS of its discovery is flagged once, and logged as an error for whoever
watches the server's log; the register and the workspace show it as overdue from then on.

The row is the truth: `alarmed_at` is set by a conditional UPDATE, so a rerun, a late run or two
workers never raise it twice.
"""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone

from congdong.breaches.models import Breach, BreachState

log = logging.getLogger("congdong.breaches")
BATCH = 500


def alarm_overdue(now: datetime.datetime | None = None, batch: int = BATCH) -> int:
    """Flag each breach past its notice deadline at `now` and not yet flagged; returns how many."""
    now = now or timezone.now()
    rows = list(
        Breach.objects.filter(
            state=BreachState.RECORDED, notice_due_at__lt=now, alarmed_at__isnull=True
        )
        .order_by("notice_due_at", "pk")
        .values_list("pk", "unit__path", "notice_due_at")[:batch]
    )
    raised = 0
    for breach_id, unit_path, due in rows:
        claimed = Breach.objects.filter(
            pk=breach_id, state=BreachState.RECORDED, alarmed_at__isnull=True
        ).update(alarmed_at=now)
        if not claimed:  # notified or flagged meanwhile
            continue
        log.error(
            "personal data breach %s (unit %s): the authority was not notified by %s",
            breach_id,
            unit_path,
            due.isoformat(),
        )
        raised += 1
    return raised
