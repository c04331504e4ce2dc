"""Each platform's pace, shared by every worker through one row per platform (`Pace`).

Facebook says how full the app's window is in the usage headers of every answer
(`client.last_usage`: "app", and "regain_seconds" once full): at 100 % the platform is paused
until access is regained, so the limit is met without being hit. A rate-limit answer
pauses it for its `retry_after`; without one (Zalo gives no usage headers) for a back-off that
doubles at each such answer in a row and is forgotten at the next success.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from congdong.syndication.models import Pace

FULL = 100.0  # percent of a window used: stop until the platform says access is regained
MAX_PAUSE = 3600.0
MAX_DOUBLINGS = 4  # a back-off grows to 16 × RATE_BACKOFF at most


def open_kinds(kinds: list[str], now: datetime.datetime | None = None) -> list[str]:
    """The platforms among `kinds` not paused at `now`."""
    now = now or timezone.now()
    paused = set(
        Pace.objects.filter(kind__in=kinds, paused_until__gt=now).values_list("kind", flat=True)
    )
    return [kind for kind in kinds if kind not in paused]


def paused_until(kind: str) -> datetime.datetime | None:
    return Pace.objects.filter(kind=kind).values_list("paused_until", flat=True).first()


def pause(kind: str, seconds: float, *, strike: bool = False) -> datetime.datetime:
    """Pause `kind` for `seconds` from now (a longer pause already set stays); returns until
    when it is paused."""
    until = timezone.now() + datetime.timedelta(seconds=min(max(seconds, 0.0), MAX_PAUSE))
    Pace.objects.get_or_create(kind=kind)
    rows = Pace.objects.filter(kind=kind)
    rows.filter(Q(paused_until__isnull=True) | Q(paused_until__lt=until)).update(paused_until=until)
    if strike:
        rows.update(strikes=F("strikes") + 1)
    return rows.values_list("paused_until", flat=True).first() or until


def after_answer(kind: str, usage: dict) -> None:
    """Read an answer's usage headers: when the app's window is full (`X-App-Usage` at 100 %),
    pause the platform until access is regained (Facebook's estimate, or the back-off). A
    Page's own usage (`X-Business-Use-Case-Usage`) concerns that Page only: one delivery per
    Page, so it is left to the Page's rate-limit answer."""
    app = usage.get("app") if usage else None
    if not isinstance(app, dict):
        return
    percent = max(_number(app.get(k)) for k in ("call_count", "total_cputime", "total_time"))
    if percent >= FULL:
        regain = float(usage.get("regain_seconds") or 0)
        pause(kind, regain if regain > 0 else settings.CHANNEL_RATE_BACKOFF)


def _number(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0


def after_success(kind: str) -> None:
    rows = Pace.objects.filter(kind=kind, strikes__gt=0)
    # Read before writing: a write takes SQLite's lock, and this runs after every success.
    if rows.exists():
        rows.update(strikes=0)


def rate_limited(kind: str, retry_after: float | None) -> datetime.datetime:
    """The platform refused for its rate limit: pause it for `retry_after`, or when it did not
    say, for the back-off; returns until when."""
    if retry_after:
        return pause(kind, retry_after)
    strikes = Pace.objects.filter(kind=kind).values_list("strikes", flat=True).first() or 0
    return pause(
        kind, settings.CHANNEL_RATE_BACKOFF * 2 ** min(strikes, MAX_DOUBLINGS), strike=True
    )
