"""burst: 200 parallel requests against a limit of 10 — exactly 10 accepted, the rest 429.

Issue 7 §6. Two limits are hit by 200 requests sent at once (200 threads released together):
anonymous API calls from one address (CONGDONG_API_LIMIT_ANON=10), and wrong passwords for one
staff account from one address (CONGDONG_LOGIN_FAILURES=10; a refused try never gets its
password checked; failures from other addresses never refuse, see core/security.py). Each
is measured side by side on the two deployments: "embedded" (one gunicorn process, counts in
its memory: the laptop) and "scale" (four gunicorn processes sharing the counts in Redis).
Every refusal must be a 429 with a Retry-After. Runs in a throwaway SQLite database unless
`--database-url` is given; Redis keys carry a prefix of their own, so a shared Redis is safe.
"""

from __future__ import annotations

import http.client
import re
import threading
import time
import urllib.parse
import uuid

from congdong.config import load
from congdong_tools.bench import steps
from congdong_tools.bench.report import Report

REQUESTS = 200
LIMIT = 10
DEFAULT_REDIS = "redis://127.0.0.1:6379/14"
API_PATH = "/api/v1/structures"
LOGIN_PATH = "/dang-nhap/"
# No such account is needed: a wrong password for any name is checked (and counted) the same.
USERNAME = "bench.giaidoan"
DEPLOYMENTS = {
    "embedded": ["--workers=1", "--threads=32"],
    "scale": ["--workers=4", "--threads=16"],
}
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def run(database_url: str | None, progress, redis_url: str | None = None) -> Report:
    redis_url = redis_url or load().redis_url or DEFAULT_REDIS
    report = Report("burst", {"requests": REQUESTS, "limit": LIMIT})
    started = time.monotonic()
    served = {
        "CONGDONG_API_LIMIT_ANON": str(LIMIT),
        "CONGDONG_LOGIN_FAILURES": str(LIMIT),
        "CONGDONG_CACHE_PREFIX": f"congdong-bench-burst-{uuid.uuid4().hex[:12]}",
    }
    with steps.served_alone(database_url, progress, served) as env:
        problem = _redis_problem(redis_url)
        for deployment, options in DEPLOYMENTS.items():
            if deployment == "scale" and problem:
                progress(f"Redis is unreachable at {redis_url}: {problem}")
                report.figures["scale_error"] = f"Redis unreachable: {problem}"
                continue
            server_env = dict(env, REDIS_URL=redis_url) if deployment == "scale" else env
            progress(f"{deployment}: gunicorn {' '.join(options)}…")
            with steps.gunicorn(server_env, ["--backlog=1024", *options]) as port:
                time.sleep(1.0)  # every worker up, none still loading when the burst comes
                for scenario, burst in (("api", _api_burst), ("login", _login_burst)):
                    window = 60 if scenario == "api" else 30 * 60
                    _away_from_window_edge(window, progress)
                    result = burst(port)
                    key = f"{deployment}_{scenario}"
                    progress(
                        f"  {scenario}: {result['accepted']} accepted, {result['refused']} "
                        f"refused (429) in {result['seconds']} s"
                    )
                    report.figures.update({f"{key}_{k}": v for k, v in result.items()})
    report.figures["seconds"] = round(time.monotonic() - started, 1)
    for deployment in DEPLOYMENTS:
        for scenario in ("api", "login"):
            key = f"{deployment}_{scenario}"
            accepted = report.figures.get(f"{key}_accepted")
            report.goals[f"{deployment} {scenario}: exactly {LIMIT} accepted"] = accepted == LIMIT
            report.goals[f"{deployment} {scenario}: the rest 429 with Retry-After"] = (
                report.figures.get(f"{key}_refused_with_retry_after") == REQUESTS - LIMIT
            )
    if "embedded_api_seconds" in report.figures and "scale_api_seconds" in report.figures:
        report.figures["scale_over_embedded_api_time"] = round(
            report.figures["scale_api_seconds"] / max(report.figures["embedded_api_seconds"], 1e-6),
            2,
        )
    return report


# ---------------------------------------------------------------- the two bursts


def _api_burst(port: int) -> dict:
    return _burst(lambda: _request(port, "GET", API_PATH))


def _login_burst(port: int) -> dict:
    status, headers, body = _request(port, "GET", LOGIN_PATH)
    if status != 200:
        raise RuntimeError(f"the login page answered {status}")
    token = _CSRF_INPUT.search(body).group(1)
    cookie = _cookie(headers, "csrftoken")
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": USERNAME, "password": "sai-mat-khau-0000"}
    )
    return _burst(
        lambda: _request(
            port,
            "POST",
            LOGIN_PATH,
            form,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={cookie}",
                "Referer": f"http://127.0.0.1:{port}{LOGIN_PATH}",
            },
        )
    )


def _burst(send) -> dict:
    """REQUESTS threads, each with its connection open, released together."""
    gate = threading.Barrier(REQUESTS)
    answers: list[tuple[int, dict, str]] = []
    lock = threading.Lock()

    def one() -> None:
        gate.wait()
        try:
            answer = send()
        except OSError as error:
            answer = (0, {}, str(error))
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=one) for _ in range(REQUESTS)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = round(time.monotonic() - began, 2)
    # The login form answered again (200, its error shown) means the password was checked.
    accepted = sum(1 for status, _h, _b in answers if status == 200)
    refused = [headers for status, headers, _b in answers if status == 429]
    return {
        "accepted": accepted,
        "refused": len(refused),
        "refused_with_retry_after": sum(
            1 for h in refused if int(h.get("retry-after", "0") or 0) >= 1
        ),
        "other": len(answers) - accepted - len(refused),
        "seconds": seconds,
    }


# ---------------------------------------------------------------- HTTP and the server


def _request(
    port: int, method: str, path: str, body: str | None = None, headers: dict | None = None
) -> tuple[int, dict, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text
    finally:
        conn.close()


def _cookie(headers: dict, name: str) -> str:
    found = re.search(rf"{name}=([^;]+)", headers.get("set-cookie", ""))
    if not found:
        raise RuntimeError(f"no {name} cookie in the answer")
    return found.group(1)


def _away_from_window_edge(window: int, progress, least: float = 15.0) -> None:
    """Limits count in fixed windows: a burst that straddled two would get twice the allowance."""
    left = window - time.time() % window
    if left < least:
        progress(f"  waiting {left:.0f} s for a fresh {window} s window…")
        time.sleep(left + 0.1)


def _redis_problem(url: str) -> str:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except Exception as error:  # any failure means: no Redis to share the counts
        return str(error) or type(error).__name__
    return ""
