"""Background tasks of the audit log."""

from __future__ import annotations

from congdong.celery import app


@app.task
def check_audit_chain() -> int:
    """Walk the audit log's hash chain; an error in the log while it is broken."""
    from congdong.audit.integrity import check_and_alarm

    return check_and_alarm()
