"""audit-chain: the cost of the audit log's hash chain, and that `verify` finds a planted change.

Issue 7 §4 asks for a log "impossible to alter through the app"; the chain (docs/audit.md) also
shows changes made past it. Issue 7 sets no figure for it, so the goals here are ours: appending
a chained row (a transaction, a read of the last digest, the insert) costs at most twice a plain
insert of the same row, measured side by side in the same run; a clean log verifies intact;
and a row changed past the app's trigger is named by `verify`. Runs in a throwaway SQLite
database unless `--database-url` is given; `--events` sets the rows (default 20,000 each way).
"""

from __future__ import annotations

import json
import resource
import sys
import time

from congdong_tools.bench import steps
from congdong_tools.bench.report import Report

ROWS = 20_000
GOAL_COST = 2.0


def run(database_url: str | None, progress, events: int | None = None) -> Report:
    rows = events or ROWS
    with steps.fresh_database(database_url, progress) as env:
        figures = steps.child("congdong_tools.bench.audit_chain", env, str(rows))
    figures["database"] = steps.database_kind(database_url)
    report = Report("audit-chain", figures)
    report.goals[f"chained append ≤ {GOAL_COST:g} × a plain insert"] = (
        figures["chained_over_plain"] <= GOAL_COST
    )
    report.goals["a clean log verifies intact"] = bool(figures["verify_intact"])
    report.goals["a row changed past the app is named"] = bool(figures["planted_change_named"])
    return report


def _inner(rows: int) -> None:
    """Runs in the child process, against the throwaway database."""
    steps.setup_django()
    from django.db import connection

    from congdong.audit.integrity import verify_log
    from congdong.audit.models import AuditEntry
    from congdong.audit.record import record

    def fields(n: int) -> dict:
        return {
            "actor_name": f"Cán bộ {n % 97} (bench.canbo{n % 97})",
            "ip": f"10.{n % 200}.{n % 250}.{n % 253 + 1}",
            "method": "POST",
            "path": f"/lam-viec/bai-viet/{n}/duyet/",
            "action": "posts:approve",
        }

    steps.say(f"{rows:,} plain inserts (no chain)…")
    began = time.perf_counter()
    for n in range(rows):
        AuditEntry(at=_now(), **fields(n)).save(force_insert=True)
    plain = time.perf_counter() - began
    steps.say(f"  {plain:.2f} s")
    steps.say(f"{rows:,} chained appends (audit.record)…")
    began = time.perf_counter()
    for n in range(rows):
        record(**fields(n))
    chained = time.perf_counter() - began
    steps.say(f"  {chained:.2f} s")

    steps.say(f"verifying {2 * rows:,} rows…")
    began = time.perf_counter()
    verdict = verify_log()
    verify_seconds = time.perf_counter() - began
    steps.say(f"  {verify_seconds:.2f} s, intact {verdict.intact}")

    planted = AuditEntry.objects.filter(prev__gt="").order_by("pk").values_list("pk", flat=True)
    target = planted[rows // 2]
    steps.say(f"changing row {target} past the app's trigger…")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")
            cursor.execute(
                "UPDATE audit_auditentry SET actor_name = 'ai đó' WHERE id = %s", [target]
            )
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_append_only")
        else:
            cursor.execute("DROP TRIGGER audit_entry_no_update")
            cursor.execute(
                "UPDATE audit_auditentry SET actor_name = 'ai đó' WHERE id = %s", [target]
            )
    broken = verify_log()
    steps.say(f"  verify: broken at {broken.broken_at} ({broken.reason})")
    print(
        json.dumps(
            {
                "rows_each_way": rows,
                "plain_seconds": round(plain, 3),
                "plain_per_second": round(rows / plain),
                "chained_seconds": round(chained, 3),
                "chained_per_second": round(rows / chained),
                "chained_over_plain": round(chained / plain, 2),
                "verify_rows": verdict.rows,
                "verify_seconds": round(verify_seconds, 3),
                "verify_rows_per_second": round(verdict.rows / verify_seconds),
                "verify_intact": verdict.intact,
                "planted_change_named": broken.broken_at == target and broken.reason == "content",
                "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            }
        )
    )


def _now():
    from django.utils import timezone

    return timezone.now()


if __name__ == "__main__":
    _inner(int(sys.argv[1]))
