"""channels-intake: signed Facebook and Zalo webhook calls per second, and their answer times.

Issue 18 §7: webhook intake ≥ 2,000 signed events/s with p99 < 100 ms to answer. The project's
WSGI app as production runs it (`congdong.wsgi:application`: the webhooks' lean path of
congdong/listening/front.py in front of Django) in gunicorn (2 workers × 4 threads, gthread, as
`public-pages`) on a throwaway SQLite database (or `--database-url`); Python threads on
keep-alive connections post pre-signed events to /webhook/facebook/ and /webhook/zalo/ (9
Facebook comments for 1 Zalo message), plus 1 % signed with a wrong secret and 1 % delivered
twice — those must come back refused (403) or ignored (200, counted) and be stored nowhere. A
hello-world view (through Django's whole middleware, as any page) is loaded the same way in the
same run, and the ratio printed. The events are then counted in the database: every good event
stored exactly once, every refusal counted.
"""

from __future__ import annotations

import http.client
import json
import statistics
import sys
import time
import uuid
from typing import Any

from congdong_tools.bench import steps
from congdong_tools.bench.report import Report

GOAL_EVENTS_PER_S = 2000.0
GOAL_P99_MS = 100.0
EVENTS = 20_000
WORKERS = 2
THREADS = 4
CONNECTIONS = 16
HELLO = "/__bench/hello/"
APP_SECRET = "bench-app-secret"
OA_SECRET = "bench-oa-secret"
FB_PAGE = "100200300"
OA = "4004004004"

Call = tuple[str, bytes, dict[str, str], int]  # path, body, headers, expected status


def _calls(events: int) -> tuple[list[Call], int, int]:
    """The calls to make, shuffled deterministically: (calls, bad-signature ones, duplicates)."""
    from congdong.channels.signatures import facebook_signature, zalo_signature

    now = int(time.time())
    run = uuid.uuid4().hex[:8]
    calls: list[Call] = []
    for n in range(events):
        if n % 10 == 9:
            timestamp = str(now * 1000 + n)
            body = json.dumps(
                {
                    "app_id": "1",
                    "oa_id": OA,
                    "event_name": "user_send_text",
                    "sender": {"id": f"84{n:010d}"},
                    "recipient": {"id": OA},
                    "message": {"text": f"Tin nhắn {n}", "msg_id": f"{run}-{n}"},
                    "timestamp": timestamp,
                },
                separators=(",", ":"),
            ).encode()
            headers = {"X-ZEvent-Signature": zalo_signature(OA, body, timestamp, OA_SECRET)}
            calls.append(("/webhook/zalo/", body, headers, 200))
        else:
            value = {
                "from": {"id": f"5{n:09d}", "name": "Người dân"},
                "post_id": f"{FB_PAGE}_1",
                "comment_id": f"1_{run}{n}",
                "parent_id": f"{FB_PAGE}_1",
                "created_time": now,
                "item": "comment",
                "message": f"Bình luận số {n} về đường làng",
                "verb": "add",
            }
            body = json.dumps(
                {
                    "object": "page",
                    "entry": [
                        {"id": FB_PAGE, "time": now, "changes": [{"field": "feed", "value": value}]}
                    ],
                },
                ensure_ascii=False,
                separators=(",", ":"),
            ).encode()
            headers = {"X-Hub-Signature-256": facebook_signature(APP_SECRET, body)}
            calls.append(("/webhook/facebook/", body, headers, 200))
    extra = max(1, events // 100)
    bad = [
        (path, body, {k: "sha256=" + "0" * 64 for k in headers}, 403)
        for path, body, headers, _s in calls[:extra]
    ]
    again = [(path, body, headers, 200) for path, body, headers, _s in calls[-extra:]]
    # The wrongly signed calls spread through the run; the repeats at its end (whichever of
    # two deliveries comes first is stored, the other counted: one each either way).
    mixed = list(calls)
    for i, call in enumerate(bad):
        mixed.insert((i * 7919) % len(mixed), call)
    mixed += again
    return mixed, extra, extra


def _load(port: int, calls: list[Call], connections: int = CONNECTIONS) -> dict[str, Any]:
    """Make `calls` from `connections` keep-alive threads; times of each answer in ms."""
    times: list[list[float]] = [[] for _ in range(connections)]
    wrong: list[int] = [0] * connections
    statuses: list[dict[int, int]] = [{} for _ in range(connections)]

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for path, body, headers, expected in calls[i::connections]:
            method = "POST" if body else "GET"
            started = time.perf_counter()
            try:
                conn.request(
                    method,
                    path,
                    body=body or None,
                    headers={"Content-Type": "application/json"} | headers,
                )
                response = conn.getresponse()
                response.read()
            except OSError:
                wrong[i] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            times[i].append((time.perf_counter() - started) * 1000)
            statuses[i][response.status] = statuses[i].get(response.status, 0) + 1
            if response.status != expected:
                wrong[i] += 1
            if response.will_close:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.close()

    seconds = steps.in_threads(worker, connections)
    every = sorted(t for row in times for t in row)
    merged: dict[int, int] = {}
    for row in statuses:
        for status, n in row.items():
            merged[status] = merged.get(status, 0) + n
    return {
        "requests": len(every),
        "seconds": seconds,
        "per_s": len(every) / seconds if seconds else 0.0,
        "p50_ms": statistics.median(every) if every else 0.0,
        "p99_ms": every[min(len(every) - 1, int(len(every) * 0.99))] if every else 0.0,
        "unexpected": sum(wrong),
        "statuses": merged,
    }


def measure(events: int = EVENTS, database_url: str | None = None, progress=None) -> dict:
    """Post `events` signed webhook events (plus 1 % wrongly signed, 1 % repeated) over real
    HTTP to the app in gunicorn, and a hello-world view as many times; figures as a dict:
    events_per_s, p50_ms, p99_ms, refused, duplicates, stored, hello_per_s, ratio_to_hello…"""
    say = progress or steps.say
    calls, bad, repeated = _calls(events)
    served = {
        "CONGDONG_BENCH_VIEWS": "1",
        "CONGDONG_FACEBOOK_APP_SECRET": APP_SECRET,
        "CONGDONG_ZALO_OA_SECRET": OA_SECRET,
        "CONGDONG_CACHE_PREFIX": f"congdong-bench-intake-{uuid.uuid4().hex[:12]}",
    }
    with steps.served_alone(database_url, say, served) as env:
        options = [f"--workers={WORKERS}", f"--threads={THREADS}", "--backlog=1024"]
        with steps.gunicorn(env, options, ready=HELLO) as port:
            say(f"gunicorn {WORKERS} workers × {THREADS} threads on :{port}")
            hello = [(HELLO, b"", {}, 200)] * len(calls)
            _load(port, hello[: min(500, len(hello))])  # warm up both workers
            say(f"  hello-world: {len(hello)} GETs from {CONNECTIONS} connections…")
            base = _load(port, hello)
            say(f"  webhooks: {len(calls)} signed POSTs from {CONNECTIONS} connections…")
            intake = _load(port, calls)
        counted = steps.child("congdong_tools.bench.channels_intake", env, "count")
    figures: dict[str, Any] = {
        "events": events,
        "requests": intake["requests"],
        "events_per_s": round(intake["per_s"], 1),
        "p50_ms": round(intake["p50_ms"], 2),
        "p99_ms": round(intake["p99_ms"], 2),
        "sent_wrongly_signed": bad,
        "sent_twice": repeated,
        "refused": counted["refused"],
        "refused_by_reason": counted["by_reason"],
        "stored": counted["stored"],
        "unexpected_answers": intake["unexpected"],
        "hello_per_s": round(base["per_s"], 1),
        "hello_p99_ms": round(base["p99_ms"], 2),
        "ratio_to_hello": round(intake["per_s"] / base["per_s"], 3) if base["per_s"] else 0.0,
        "server": f"gunicorn {WORKERS}×{THREADS} gthread, congdong.wsgi (webhooks' lean path)",
        "database": steps.database_kind(database_url),
        "load": f"python threads, {CONNECTIONS} keep-alive connections",
    }
    figures["stored_exactly_once"] = counted["stored"] == events
    figures["refusals_counted"] = counted["by_reason"].get("bad_signature", 0) == bad and (
        counted["by_reason"].get("duplicate", 0) == repeated
    )
    return figures


def goals(figures: dict) -> dict[str, bool]:
    """The goals of issue 18 §7 for intake, and that nothing was stored or refused wrongly."""
    return {
        f"events_per_s >= {GOAL_EVENTS_PER_S:g}": figures["events_per_s"] >= GOAL_EVENTS_PER_S,
        f"p99_ms < {GOAL_P99_MS:g}": figures["p99_ms"] < GOAL_P99_MS,
        "every event stored exactly once": figures["stored_exactly_once"],
        "every refusal counted": figures["refusals_counted"],
        "no unexpected answer": figures["unexpected_answers"] == 0,
    }


def run(database_url: str | None, progress, events: int = EVENTS) -> Report:
    figures = measure(events, database_url, progress)
    report = Report("channels-intake", {})
    report.figures.update(
        {k: (json.dumps(v) if isinstance(v, dict) else v) for k, v in figures.items()}
    )
    report.goals = goals(figures)
    return report


def _count() -> dict:
    steps.setup_django()
    from django.db.models import Sum

    from congdong.listening.models import WebhookEvent, WebhookRefusal

    by_reason = {
        row["reason"]: int(row["n"])
        for row in WebhookRefusal.objects.values("reason").annotate(n=Sum("count")).order_by()
    }
    return {
        "stored": WebhookEvent.objects.count(),
        "by_reason": by_reason,
        "refused": sum(by_reason.values()),
    }


if __name__ == "__main__":
    if sys.argv[1:] == ["count"]:
        print(json.dumps(_count()))
