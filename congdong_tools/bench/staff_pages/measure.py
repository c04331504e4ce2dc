"""What `congdong bench staff-pages` measures, in the database Django is set up with: every
page of pages.py as its persona, the sign-in, a hello-world view (`measure`)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from congdong_tools.bench.staff_pages import GOAL_PAGE_P95_MS

HELLO = "/__bench/hello/"
SIGN_INS = 30  # besides one per persona: a p95 of a few dozen


def _percentiles(timings: list[float]) -> tuple[float, float]:
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return round(statistics.median(ordered), 2), round(p95, 2)


def _timed(client, path: str, n: int) -> tuple[list[float], int]:
    timings, status = [], 200
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(path)
        timings.append(1000 * (time.perf_counter() - started))
        if response.status_code != 200:
            status = response.status_code
    return timings, status


def _first(client, path: str) -> tuple[float, int, int]:
    """The first (cold) request for `path`: its milliseconds, status and database queries."""
    from django.db import connection

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    # A wrapper rather than connection.queries: the connection is closed at the end of each
    # request, and the count must survive that.
    with connection.execute_wrapper(count):
        started = time.perf_counter()
        response = client.get(path)
        took = 1000 * (time.perf_counter() - started)
    return took, response.status_code, queries


def _sign_in(username: str):
    """A client signed in through the web form, and the milliseconds the POST took."""
    from django.test import Client

    from congdong_tools.demo.personas import DEMO_PASSWORD

    client = Client()
    started = time.perf_counter()
    response = client.post("/dang-nhap/", {"username": username, "password": DEMO_PASSWORD})
    took = 1000 * (time.perf_counter() - started)
    if response.status_code != 302 or "_auth_user_id" not in client.session:
        raise RuntimeError(f"{username} could not sign in ({response.status_code})")
    return client, took


def _start_export(client) -> None:
    """The analyst's export, started through the page as a person would (made inline: no
    Redis), so that its status and download pages have one."""
    from congdong_tools.demo.personas import find_unit

    response = client.post(
        "/lam-viec/thong-ke/xuat/",
        {"kind": "dashboard", "unit": find_unit("TW").pk, "format": "csv"},
    )
    if response.status_code != 302:
        raise RuntimeError(f"the export did not start ({response.status_code})")
    from congdong.insights.exports.jobs import run_exports

    run_exports()  # the worker's sweep


def measure(n: int, say: Callable[[str], None], more_sign_ins: int = SIGN_INS) -> dict[str, Any]:
    """Figures of the run, with `rows`: one dict per page; `more_sign_ins` sign-ins of one
    persona after one of each."""
    import logging

    # Refusals the run meets on purpose are not logged; the level is given back after (a test
    # process goes on logging).
    requests = logging.getLogger("django.request")
    level = requests.level
    requests.setLevel(logging.CRITICAL)
    try:
        return _measure(n, say, more_sign_ins)
    finally:
        requests.setLevel(level)


def _measure(n: int, say: Callable[[str], None], more_sign_ins: int) -> dict[str, Any]:
    from django.test import Client
    from django.urls import reverse

    from congdong_tools.bench.staff_pages.pages import PAGES, unmapped

    hello_client = Client()
    if hello_client.get(HELLO).status_code != 200:
        raise RuntimeError(
            f"{HELLO} is not routed (CONGDONG_BENCH_VIEWS, congdong_tools.bench.urls)"
        )
    _timed(hello_client, HELLO, 20)  # warm up: code, connection
    hello = _timed(hello_client, HELLO, max(n, 50))[0]
    hello_p50, hello_p95 = _percentiles(hello)
    say(f"hello-world: p50 {hello_p50} ms, p95 {hello_p95} ms")

    personas = sorted({page.persona for page in PAGES})
    clients, sign_ins = {}, []
    for username in personas:
        clients[username], took = _sign_in(username)
        sign_ins.append(took)
    for _ in range(more_sign_ins):
        sign_ins.append(_sign_in(personas[0])[1])
    signin_p50, signin_p95 = _percentiles(sign_ins)
    say(f"sign-in (web form, {len(sign_ins)} times): p50 {signin_p50} ms, p95 {signin_p95} ms")
    _start_export(clients["tw.thongke"])

    rows = []
    for i, page in enumerate(PAGES, 1):
        path = reverse(page.name, kwargs=page.params()) + page.query
        client = clients[page.persona]
        first, status, queries = _first(client, path)
        timings, later = _timed(client, path, n)
        p50, p95 = _percentiles(timings)
        row = {
            "page": page.name,
            "persona": page.persona,
            "status": status if status != 200 else later,
            "queries": queries,
            "first_ms": round(first, 1),
            "p50_ms": p50,
            "p95_ms": p95,
            "p50_x_hello": round(p50 / hello_p50, 1),
            "p95_x_hello": round(p95 / hello_p95, 1),
            "path": path,
        }
        rows.append(row)
        ok = p95 <= GOAL_PAGE_P95_MS and row["status"] == 200
        flag = "" if ok else "  ← over budget or not 200"
        say(
            f"[{i}/{len(PAGES)}] {page.label}: {row['status']}, {row['queries']} queries, "
            f"first {row['first_ms']} ms, p50 {p50} ms, p95 {p95} ms{flag}"
        )
    over = [row for row in rows if row["p95_ms"] > GOAL_PAGE_P95_MS]
    slowest = max(rows, key=lambda row: row["p95_ms"])
    return {
        "requests_per_page": n,
        "pages_measured": len(rows),
        "pages_over_budget": len(over),
        "pages_not_200": sum(1 for row in rows if row["status"] != 200),
        "slowest_page": f"{slowest['page']} [{slowest['persona']}]",
        "slowest_p95_ms": slowest["p95_ms"],
        "hello_p50_ms": hello_p50,
        "hello_p95_ms": hello_p95,
        "signin_p50_ms": signin_p50,
        "signin_p95_ms": signin_p95,
        "signin_p95_x_hello": round(signin_p95 / hello_p95, 1),
        "password_hasher": _hasher(),
        "personas_used": ",".join(personas),
        "unmapped_routes": ",".join(unmapped()),
        "rows": rows,
    }


def _hasher() -> str:
    from django.contrib.auth.hashers import get_hasher

    return get_hasher().algorithm
