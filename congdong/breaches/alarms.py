"""The overdue alarm of the breach register: a breach whose authority was not notified within
BREACH_NOTICE_HOURS of its discovery is flagged once, and logged as an error for whoever
watches the server's log; the register and the workspace show it as overdue from then on.

The row is the truth: `alarmed_at` is set by a conditional UPDATE, so a rerun, a late run or two
workers never raise it twice.
"""

from __future__ import annotations

import datetime
import logging

from congdong.breaches.models import BREACH_STATES, Breach
from congdong.core.workflow.sweep import BATCH, Lapse, Overdue, register, sweep
from congdong.units.models import Unit

log = logging.getLogger("congdong.breaches")


def _alarm(lapse: Lapse) -> None:
    unit_path = Unit.objects.values_list("path", flat=True).get(pk=lapse.row["unit_id"])
    log.error(
        "personal data breach %s (unit %s): the authority was not notified by %s",
        lapse.pk,
        unit_path,
        lapse.due.isoformat(),
    )


OVERDUE = register(Overdue("breaches", Breach, BREACH_STATES, tell=_alarm, fields=("unit_id",)))


def alarm_overdue(now: datetime.datetime | None = None, batch: int = BATCH) -> int:
    """Flag each breach past its notice deadline at `now` and not yet flagged (the graph's
    deadline, through the one overdue sweep); returns how many."""
    return sweep(OVERDUE, now, batch)
