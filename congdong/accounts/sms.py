"""Pluggable SMS backends for one-time codes, chosen by `CONGDONG_SMS_BACKEND`.

A production backend (an SMS gateway) subclasses `SmsBackend` and implements `send`.
"""

from __future__ import annotations

import json
import logging
import threading

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger("congdong.sms")


class SmsBackend:
    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class ConsoleBackend(SmsBackend):
    """Writes the message to the log: for a laptop demo."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


class FileBackend(SmsBackend):
    """Appends one JSON line per message to `CONGDONG_SMS_FILE`: for tests and staging."""

    _lock = threading.Lock()

    def send(self, phone: str, text: str) -> None:
        line = json.dumps(
            {"phone": phone, "text": text, "at": timezone.now().isoformat()}, ensure_ascii=False
        )
        with self._lock, open(settings.SMS_FILE_PATH, "a", encoding="utf-8") as f:
            f.write(line + "\n")


def get_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()
