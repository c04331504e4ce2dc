"""Logging filters named in `settings.LOGGING`.

An ordinary refusal — 403 (PermissionDenied), 404, 400 — is part of using the site, not an
error: Django logs some of them with the exception's traceback, which buried the demo's
console (and an operator's log) under stack traces of nothing wrong. They are kept as one
line; server errors (5xx) keep their traceback.
"""

from __future__ import annotations

import logging


class RefusalsInOneLine(logging.Filter):
    """Drops the traceback of `django.request` records about a 4xx response."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True
