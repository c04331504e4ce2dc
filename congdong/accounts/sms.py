"""Pluggable SMS backends for one-time codes, chosen by `CONGDONG_SMS_BACKEND`.

A production backend (an SMS gateway) subclasses `SmsBackend` and implements `send`.
"""

from __future__ import annotations

import json
import sys
import threading

from django.conf import settings
from django.core.management.color import color_style
from django.utils import timezone
from django.utils.module_loading import import_string

from congdong.accounts.phones import display_phone


class SmsBackend:
    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class ConsoleBackend(SmsBackend):
    """Prints the message on the console, on a line of its own between blank lines and
    highlighted (when the console shows colours): for a laptop demo, where the person trying
    it must find the code among the server's request lines."""

    def send(self, phone: str, text: str) -> None:
        line = f">>> SMS {display_phone(phone)}: {text}"
        # stdout, as the demo's banner: request lines and warnings go to stderr.
        sys.stdout.write(f"\n{color_style().SUCCESS(line)}\n\n")
        sys.stdout.flush()


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
