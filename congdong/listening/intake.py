"""Webhook intake: check a platform's call, store it as it came, answer at once.

The platforms want an answer fast (Zalo: 200 within 2 s, else retries and in the end the
webhook is disabled; Facebook: 5 s), so a call costs one INSERT — `INSERT … ON CONFLICT DO
NOTHING RETURNING id` on the event's own key, so a retried delivery is stored once — and the
worker does the rest (`actions.process_pending`). Nothing here reads a session or a user.

Refused calls are counted per day, platform and reason (`WebhookRefusal`, one upsert):
unsigned or wrongly signed calls get 403 (they are not from the platform); replays — an
event seen already, or one whose time is outside the window the platform's own retries
need — get 200 and are ignored, since the platform would retry anything else.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone

from congdong.channels.signatures import facebook_signature_ok, zalo_signature_ok
from congdong.listening.models import Platform, RefusalReason, WebhookEvent, WebhookRefusal

# Facebook retries a failed delivery "with decreasing frequency over the next 36 hours"; Zalo
# at 30 s, 5 min, 15 min, 30 min and 1 h. An event older than its platform's retries (or from
# more than a few minutes in the future: clocks drift) is a replay.
FACEBOOK_MAX_AGE = datetime.timedelta(hours=36)
ZALO_MAX_AGE = datetime.timedelta(hours=3)
FUTURE_SLACK = datetime.timedelta(minutes=5)
KEY_LENGTH = 200


@dataclass(frozen=True)
class Outcome:
    """What the view answers: HTTP status, and the reason when refused (counted)."""

    status: int
    stored: bool = False
    reason: str = ""


def _key(prefix: str, parts: list[str]) -> str:
    key = f"{prefix}:{'|'.join(parts)}"
    if len(key) > KEY_LENGTH:
        key = f"{prefix}:sha256:{hashlib.sha256(key.encode()).hexdigest()}"
    return key


def _stale(when: float, max_age: datetime.timedelta, now: float) -> bool:
    if when > 1e11:  # milliseconds (Zalo; Messenger's entries), not seconds
        when /= 1000
    return when < now - max_age.total_seconds() or when > now + FUTURE_SLACK.total_seconds()


# ---------------------------------------------------------------------------- Facebook


def facebook_challenge(mode: str | None, token: str | None, challenge: str | None) -> str | None:
    """The text to echo for Facebook's subscription check, or None to refuse it (403)."""
    expected = settings.FACEBOOK_VERIFY_TOKEN
    if mode != "subscribe" or not expected or not token or challenge is None:
        return None
    if not hmac.compare_digest(token.encode(), expected.encode()):
        return None
    return challenge


def facebook_key(data: dict[str, Any]) -> tuple[str, str, list[float]]:
    """(event key, Page id of the first entry, times of the entries) of a `page` webhook body.

    A change about a comment is known by its comment id, verb and time; any other change by
    the Page, field, entry time and a hash of its value. ValueError when it is not a `page`
    webhook body."""
    if data.get("object") != "page" or not isinstance(data.get("entry"), list) or not data["entry"]:
        raise ValueError("not a page webhook")
    parts: list[str] = []
    times: list[float] = []
    for entry in data["entry"]:
        if not isinstance(entry, dict) or "id" not in entry:
            raise ValueError("entry without id")
        times.append(float(entry.get("time") or 0))
        changes = entry.get("changes") or entry.get("messaging") or []
        for change in changes:
            value = change.get("value") if isinstance(change, dict) else None
            if isinstance(value, dict) and value.get("comment_id"):
                parts.append(
                    f"{value['comment_id']}:{value.get('verb', '')}:{value.get('created_time', '')}"
                )
            else:
                digest = hashlib.sha256(
                    json.dumps(change, sort_keys=True, ensure_ascii=False).encode()
                ).hexdigest()[:32]
                parts.append(f"{entry['id']}:{entry.get('time', '')}:{digest}")
    if not parts:
        parts = [f"{data['entry'][0]['id']}:{times[0]}"]
    return _key("fb", parts), str(data["entry"][0]["id"]), times


def facebook(body: bytes, signature: str | None) -> Outcome:
    """Check and store one Facebook webhook call."""
    with GROUP.call():
        return _facebook(body, signature)


def _facebook(body: bytes, signature: str | None) -> Outcome:
    if not signature:
        return _refuse(Platform.FACEBOOK, RefusalReason.UNSIGNED, 403)
    if not facebook_signature_ok(settings.FACEBOOK_APP_SECRET, body, signature):
        return _refuse(Platform.FACEBOOK, RefusalReason.BAD_SIGNATURE, 403)
    try:
        key, page_id, times = facebook_key(json.loads(body))
    except (ValueError, TypeError, AttributeError, KeyError):
        # Signed by Facebook, yet not a Page event: nothing to retry, so 200.
        return _refuse(Platform.FACEBOOK, RefusalReason.MALFORMED, 200)
    now = time.time()
    if any(_stale(t, FACEBOOK_MAX_AGE, now) for t in times):
        return _refuse(Platform.FACEBOOK, RefusalReason.STALE, 200)
    return _store(Platform.FACEBOOK, key, page_id, body)


# -------------------------------------------------------------------------------- Zalo


def zalo_oa_id(data: dict[str, Any]) -> str:
    """The OA an event is about: `oa_id`, else the recipient of a user's message or the sender
    of the OA's own."""
    if data.get("oa_id"):
        return str(data["oa_id"])
    name = str(data.get("event_name") or "")
    side = "sender" if name.startswith("oa_") else "recipient"
    return str((data.get(side) or {}).get("id") or "")


def zalo_key(data: dict[str, Any]) -> str:
    """A message's msg_id; else the event, its timestamp, the OA and the user it concerns."""
    message = data.get("message")
    if isinstance(message, dict) and message.get("msg_id"):
        return _key("zalo", [str(message["msg_id"])])
    user = (data.get("follower") or data.get("sender") or data.get("user") or {}).get("id", "")
    return _key(
        "zalo", [str(data.get("event_name")), str(data.get("timestamp")), zalo_oa_id(data), user]
    )


def zalo(body: bytes, signature: str | None) -> Outcome:
    """Check and store one Zalo OA webhook call."""
    with GROUP.call():
        return _zalo(body, signature)


def _zalo(body: bytes, signature: str | None) -> Outcome:
    if not signature:
        return _refuse(Platform.ZALO, RefusalReason.UNSIGNED, 403)
    try:
        data = json.loads(body)
        oa_id = zalo_oa_id(data)
        timestamp = str(data["timestamp"])
        millis = int(timestamp)
        key = zalo_key(data)
    except (ValueError, TypeError, AttributeError, KeyError):
        # The signature covers the OA id and the timestamp inside the body: without them it
        # cannot be checked, so the call is refused as unverifiable.
        return _refuse(Platform.ZALO, RefusalReason.MALFORMED, 403)
    if not oa_id or not zalo_signature_ok(
        oa_id, body, timestamp, settings.ZALO_OA_SECRET, signature
    ):
        return _refuse(Platform.ZALO, RefusalReason.BAD_SIGNATURE, 403)
    if _stale(millis, ZALO_MAX_AGE, time.time()):
        return _refuse(Platform.ZALO, RefusalReason.STALE, 200)
    return _store(Platform.ZALO, key, oa_id, body)


# ------------------------------------------------------------------------------ writing


def _store(platform: str, key: str, external_id: str, body: bytes) -> Outcome:
    """Stored with the calls arriving meanwhile (one INSERT for them all); a key stored
    already is a replayed delivery (200, counted, ignored)."""
    item = Pending(platform, key, external_id[:64], body.decode("utf-8", "replace"))
    if not GROUP.store(item):
        return _refuse(platform, RefusalReason.DUPLICATE, 200)
    return Outcome(200, stored=True)


@dataclass
class Pending:
    """An event waiting for its INSERT; `stored` once written (False: its key was there)."""

    platform: str
    key: str
    external_id: str
    body: str
    received_at: datetime.datetime = field(default_factory=timezone.now)
    done: bool = False
    stored: bool = False
    error: BaseException | None = None


class GroupCommit:
    """Group commit of a process's concurrent calls: each call queues its event and waits for
    the writer; the first to find no one writing takes every event queued so far and writes
    them in one `INSERT … ON CONFLICT (event_key) DO NOTHING RETURNING event_key` (one
    statement, so one transaction). Those that came meanwhile are written by the next one. A
    call is answered only once its event is stored: nothing is acknowledged and then lost.

    As PostgreSQL's commit_delay with commit_siblings: while other calls of this process are
    still being checked (`call()`), the writer waits for their events — at most LINGER — so
    they share its commit. A call alone is written at once. Under load this turns N commits
    into one: on PostgreSQL a WAL flush per commit, on SQLite one writer at a time across the
    server's processes and a checkpoint every few hundred commits."""

    MAX_ROWS = 500
    LINGER = 0.002  # seconds

    def __init__(self) -> None:
        self._queue: list[Pending] = []
        self._cond = threading.Condition()
        self._coming = 0  # calls being checked whose event is not queued yet
        self._local = threading.local()
        self._writing = threading.Lock()

    @contextmanager
    def call(self) -> Iterator[None]:
        """Around the check of one call: counted as coming until its event is queued."""
        with self._cond:
            self._coming += 1
        self._local.coming = True
        try:
            yield
        finally:
            if self._local.coming:
                self._arrived()

    def _arrived(self, item: Pending | None = None) -> None:
        with self._cond:
            if item is not None:
                self._queue.append(item)
            if getattr(self._local, "coming", False):
                self._coming -= 1
                self._local.coming = False
            self._cond.notify_all()

    def _take(self) -> list[Pending]:
        with self._cond:
            deadline = 0.0
            while self._coming > 0 and len(self._queue) < self.MAX_ROWS:
                now = time.monotonic()
                deadline = deadline or now + self.LINGER
                if now >= deadline:
                    break
                self._cond.wait(deadline - now)
            batch = self._queue[: self.MAX_ROWS]
            del self._queue[: self.MAX_ROWS]
        return batch

    def store(self, item: Pending) -> bool:
        self._arrived(item)
        while not item.done:
            with self._writing:
                if item.done:
                    break
                batch = self._take()
                try:
                    _insert(batch)
                except BaseException as exc:
                    for other in batch:
                        other.error, other.done = exc, True
                    raise
        if item.error is not None:
            raise RuntimeError("the event could not be stored") from item.error
        return item.stored


GROUP = GroupCommit()


def _insert(batch: list[Pending]) -> None:
    """One INSERT of `batch`; marks each stored or not (a key seen already, in the table or
    earlier in the batch) and done."""
    firsts: dict[str, Pending] = {}
    for item in batch:
        firsts.setdefault(item.key, item)
    db = connections[DEFAULT_DB_ALIAS]
    ops = db.ops
    table = WebhookEvent._meta.db_table
    params: list[object] = []
    for item in firsts.values():
        params += [
            item.platform,
            item.key,
            item.external_id,
            item.body,
            ops.adapt_datetimefield_value(item.received_at),
            "pending",
        ]
    rows = ", ".join(["(%s, %s, %s, %s, %s, %s, '')"] * len(firsts))
    with db.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} "
            "(platform, event_key, external_id, body, received_at, state, note) "
            f"VALUES {rows} ON CONFLICT (event_key) DO NOTHING RETURNING event_key",
            params,
        )
        inserted = {row[0] for row in cursor.fetchall()}
    for item in batch:
        item.stored = item.key in inserted and firsts[item.key] is item
        item.done = True


def _refuse(platform: str, reason: str, status: int) -> Outcome:
    count(platform, reason)
    return Outcome(status, reason=reason)


def count(platform: str, reason: str, at: datetime.datetime | None = None) -> None:
    """Add one to today's refusals of `platform` for `reason` (one upsert)."""
    at = at or timezone.now()
    ops = connection.ops
    table = WebhookRefusal._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, platform, reason, count, last_at) "
            "VALUES (%s, %s, %s, 1, %s) ON CONFLICT (day, platform, reason) "
            "DO UPDATE SET count = " + table + ".count + 1, last_at = excluded.last_at",
            [
                ops.adapt_datefield_value(timezone.localdate(at)),
                platform,
                reason,
                ops.adapt_datetimefield_value(at),
            ],
        )
