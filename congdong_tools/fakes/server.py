"""The HTTP plumbing the fakes share: a threaded server, requests, faults, rate limits."""

from __future__ import annotations

import argparse
import email.parser
import email.policy
import json
import re
import threading
import time
import traceback
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypedDict
from urllib.parse import parse_qsl, urlsplit

__all__ = ["FakeServer", "Fault", "Listen", "RateWindow", "Request", "Response"]


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    json: Any
    headers: dict[str, str]
    files: dict[str, bytes] = field(default_factory=dict)
    body: bytes = b""
    hold: float | None = None  # seconds a timeout fault holds the answer (`FakeServer.timeout`)

    def param(self, name: str, default: str | None = None) -> str | None:
        """A parameter from the query string, the form or a JSON object body, in that order."""
        if name in self.query:
            return self.query[name]
        if name in self.form:
            return self.form[name]
        if isinstance(self.json, dict) and name in self.json:
            value = self.json[name]
            return value if isinstance(value, str) else json.dumps(value)
        return default

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass
class Response:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"

    def encode(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body, ensure_ascii=False).encode()


def repeated(keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Every key that comes more than once, with how many times (to assert "exactly once")."""
    return {key: n for key, n in Counter(keys).items() if n > 1}


def html(text: str, status: int = 200) -> Response:
    return Response(status, text, content_type="text/html; charset=utf-8")


def redirect(location: str) -> Response:
    return Response(302, b"", headers={"Location": location}, content_type="text/plain")


@dataclass
class Fault:
    """A failure to answer with, `times` times (None: until cleared), after `after` matching calls.

    `target` limits it to calls about one page / OA; `path` to calls whose path contains it.
    """

    kind: str
    times: int | None = 1
    after: int = 0
    target: str | None = None
    path: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    seen: int = 0
    fired: int = 0

    def matches(self, request: Request, target: str | None) -> bool:
        if self.target is not None and self.target != target:
            return False
        return self.path is None or self.path in request.path


class RateWindow:
    """Calls per sliding window, per key: how full it is and when a place frees up."""

    def __init__(self, calls: int, window: float) -> None:
        self.calls = calls
        self.window = window
        self._hits: dict[str, deque[float]] = {}

    def _trim(self, key: str, now: float) -> deque[float]:
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        return hits

    def hit(self, key: str) -> bool:
        """Count one call; False (and not counted) if the window is already full."""
        now = time.monotonic()
        hits = self._trim(key, now)
        if len(hits) >= self.calls:
            return False
        hits.append(now)
        return True

    def percent(self, key: str) -> int:
        hits = self._trim(key, time.monotonic())
        return min(100, round(100 * len(hits) / self.calls))

    def regain_seconds(self, key: str) -> float:
        now = time.monotonic()
        hits = self._trim(key, now)
        if len(hits) < self.calls:
            return 0.0
        return max(0.0, hits[0] + self.window - now)


Route = tuple[str, re.Pattern[str], Callable[..., Response]]


class Listen(TypedDict, total=False):
    """Where a fake listens: the keywords every fake's constructor passes on to `FakeServer`."""

    host: str
    port: int


class FakeServer:
    """A real HTTP server on 127.0.0.1 answering from in-memory state; subclasses add routes.

    `start()` serves in a daemon thread (port 0 picks a free port; `.url` says which);
    `stop()` ends it, also waking calls held by a timeout fault. A context manager.
    """

    name = "fake"
    # Methods a separate process may call over HTTP (`POST /_fake/<method>` with JSON kwargs),
    # so the demo can seed a fake it runs as a process.
    control_methods: tuple[str, ...] = ()

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self.lock = threading.RLock()
        self.faults: list[Fault] = []
        self.calls: list[tuple[str, str]] = []
        self._routes: list[Route] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._woken = threading.Event()  # set (and replaced) by release_held()
        self.holding = 0  # calls held by a fault right now
        self._http: Any = None

    @property
    def http(self) -> Any:
        """One HTTP client for the webhooks the fake sends (a new one per call costs ~0.1 s)."""
        with self.lock:
            if self._http is None:
                import httpx

                self._http = httpx.Client()
            return self._http

    # --- lifecycle -----------------------------------------------------------------------

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError(f"{self.name} is not started")
        return f"http://{self.host}:{self._server.server_address[1]}"

    def start(self) -> FakeServer:
        handler = _handler_for(self)
        server = ThreadingHTTPServer((self.host, self.port), handler)
        server.daemon_threads = True
        server.block_on_close = False
        self._server = server
        self._stopping.clear()
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.1},
            daemon=True,
            name=f"{self.name}-{server.server_address[1]}",
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self.release_held()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        if self._http is not None:
            self._http.close()
            self._http = None

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def serve_forever(self) -> None:
        if self._server is None:
            self.start()
        try:
            while self._thread is not None and self._thread.is_alive():
                self._thread.join(timeout=1)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def sleep(self, seconds: float) -> None:
        """Hold a call (a "timeout" or "slow" fault) at most `seconds`: `stop()` and
        `release_held()` end the hold at once."""
        with self.lock:
            woken = self._woken
            self.holding += 1
        try:
            if not self._stopping.is_set():
                woken.wait(seconds)
        finally:
            with self.lock:
                self.holding -= 1

    def release_held(self) -> None:
        """End every hold now: the held calls go on (a "slow" one is answered, a "timeout"
        one still answers nothing)."""
        with self.lock:
            woken, self._woken = self._woken, threading.Event()
        woken.set()

    def post_webhook(
        self, to_url: str, body: bytes, headers: dict[str, str], retries: int, timeout: float
    ) -> Any:
        """POST a signed webhook body, again up to `retries` times at once while no 200 comes;
        the last answer (an httpx response), or None when nothing answered."""
        import httpx

        answer = None
        for _attempt in range(retries + 1):
            try:
                answer = self.http.post(to_url, content=body, headers=headers, timeout=timeout)
            except httpx.HTTPError:
                answer = None
                continue
            if answer.status_code == 200:
                break
        return answer

    # --- faults --------------------------------------------------------------------------

    def fail(
        self,
        kind: str,
        *,
        times: int | None = 1,
        after: int = 0,
        target: str | None = None,
        path: str | None = None,
        **options: Any,
    ) -> Fault:
        """Answer the next matching call(s) with a failure of `kind` (see the subclass)."""
        fault = Fault(kind, times, after, target, path, options)
        with self.lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    def timeout(self, fault: Fault, request: Request) -> Response | None:
        """A "timeout" fault: hold the call `seconds` (default 30) and answer nothing; with
        `after_action=True` the view does its work first (None: go on), `held` then holds."""
        seconds = float(fault.options.get("seconds", 30))
        if fault.options.get("after_action"):
            request.hold = seconds
            return None
        self.sleep(seconds)
        return Response(0)

    def slow(self, fault: Fault) -> None:
        """A "slow" fault: hold the call `seconds` (default 1), then answer it as usual (the
        platform busy, or a call still in flight when another comes)."""
        self.sleep(float(fault.options.get("seconds", 1)))

    def held(self, request: Request) -> bool:
        """After the view: hold the call an `after_action` timeout asked to (True: its answer
        is dropped)."""
        if request.hold is None:
            return False
        self.sleep(request.hold)
        return True

    def take_fault(self, request: Request, target: str | None) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.times is not None and fault.fired >= fault.times:
                    continue
                if not fault.matches(request, target):
                    continue
                fault.seen += 1
                if fault.seen <= fault.after:
                    continue
                fault.fired += 1
                return fault
        return None

    # --- routing -------------------------------------------------------------------------

    def route(self, method: str, pattern: str, view: Callable[..., Response]) -> None:
        self._routes.append((method, re.compile(f"^{pattern}$"), view))

    def dispatch(self, request: Request) -> Response:
        with self.lock:
            self.calls.append((request.method, request.path))
        if request.path.startswith("/_fake/") and request.method == "POST":
            return self._control(request)
        for method, pattern, view in self._routes:
            if method != request.method:
                continue
            match = pattern.match(request.path)
            if match:
                return view(request, **match.groupdict())
        return self.not_found(request)

    def not_found(self, request: Request) -> Response:
        return Response(404, {"error": f"no route for {request.method} {request.path}"})

    def _control(self, request: Request) -> Response:
        method = request.path.removeprefix("/_fake/")
        if method not in self.control_methods:
            return Response(404, {"error": f"{method} is not a control method"})
        kwargs = request.json if isinstance(request.json, dict) else {}
        result = getattr(self, method)(**kwargs)
        return Response(200, {"result": _plain(result)})


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if hasattr(value, "__dict__"):
        return {k: _plain(v) for k, v in vars(value).items() if not k.startswith("_")}
    return str(value)


def _parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, bytes]]:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    form: dict[str, str] = {}
    files: dict[str, bytes] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True) or b""
        if part.get_filename():
            files[name] = payload
        else:
            form[name] = payload.decode("utf-8", "replace")
    return form, files


def _handler_for(fake: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go in two writes: without this each answer waits for a delayed ACK.
        disable_nagle_algorithm = True
        server_version = f"congdong-{fake.name}"

        def log_message(self, format: str, *args: Any) -> None:
            # Quiet: tests and the demo read their own output, not the fake's request lines.
            pass

        def _handle(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            content_type = self.headers.get("Content-Type", "")
            form: dict[str, str] = {}
            files: dict[str, bytes] = {}
            data: Any = None
            if content_type.startswith("application/x-www-form-urlencoded"):
                form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
            elif content_type.startswith("multipart/form-data"):
                form, files = _parse_multipart(content_type, body)
            elif body:
                try:
                    data = json.loads(body)
                except ValueError:
                    data = None
            request = Request(
                method=self.command,
                path=parts.path,
                query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                form=form,
                json=data,
                headers={k.lower(): v for k, v in self.headers.items()},
                files=files,
                body=body,
            )
            try:
                response = fake.dispatch(request)
            except Exception as error:  # a bug in the fake: say so rather than hang the client
                traceback.print_exc()
                response = Response(500, {"fake_bug": repr(error)})
            if response.status == 0:  # a timeout fault that ends with a dropped connection
                self.close_connection = True
                return
            payload = response.encode()
            try:
                self.send_response(response.status)
                self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(len(payload)))
                for name, value in response.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        do_GET = do_POST = do_DELETE = do_PUT = _handle

    return Handler


def standalone(
    make: Callable[..., FakeServer], description: str, *, secret: str = "app_secret"
) -> None:
    """`python -m congdong_tools.fakes.<name> --port N [--seed FILE]`: serve until interrupted.

    `make` is the fake's class; `--app-id` and `--app-secret` (passed as `secret`) replace its
    own defaults when given."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--app-id", default="")
    parser.add_argument("--app-secret", default="")
    parser.add_argument("--seed", help="JSON file: a list of {method: kwargs} calls to seed state")
    args = parser.parse_args()
    given = {"app_id": args.app_id, secret: args.app_secret}
    fake = make(host=args.host, port=args.port, **{k: v for k, v in given.items() if v})
    if args.seed:
        with open(args.seed, encoding="utf-8") as handle:
            for call in json.load(handle):
                for method, kwargs in call.items():
                    if method not in fake.control_methods:
                        raise SystemExit(f"{method} is not a seeding method")
                    getattr(fake, method)(**kwargs)
    fake.start()
    print(f"{fake.name} listening on {fake.url}", flush=True)
    fake.serve_forever()
