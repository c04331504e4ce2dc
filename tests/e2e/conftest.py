"""Chromium journeys: a real browser against pytest-django's `live_server`.

`live_server` makes each test transactional: the database is flushed after it, so every
test builds its own data with the `e2e_data` fixture (Bắc Ninh and Hà Nội only, to be fast).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from congdong.accounts.models import User
from congdong.config import load
from congdong_tools.browser import CHROMIUM, CHROMIUM_ARGS

TIMEOUT_MS = 10_000

expect.set_options(timeout=TIMEOUT_MS)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test in this folder is an e2e test, whether or not its module says so, and
    backend-neutral: CI runs the journeys in one pass (the SQLite one, see .ci/run). What a
    journey adds to the tests of its views is the browser's side (the page, its scripts, its
    headers); the queries behind each step are the views' own, which the non-browser tests run
    on both backends. `make test` runs them on whatever database it is given."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.backend_neutral)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = f"Chromium not installed: apt-get install chromium (looked for {CHROMIUM})"
        if load().require_browser:
            pytest.fail(message + "; CONGDONG_REQUIRE_BROWSER is set", pytrace=False)
        pytest.skip("Chromium not installed: apt-get install chromium")
    # Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls
    # from a thread with a running loop unless told it is safe (here it is: nothing else runs
    # there). Set only while the browser lives, so no other test or subprocess inherits it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


class _InFlight:
    """The live server's WSGI app, counting the requests it is still answering."""

    def __init__(self, app: Callable) -> None:
        self.app = app
        self.count = 0
        self.lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        with self.lock:
            self.count += 1
        try:
            answer = self.app(environ, start_response)
        except BaseException:
            self.done()
            raise
        return _Closing(answer, self.done)

    def done(self) -> None:
        with self.lock:
            self.count -= 1

    def wait_quiet(self, settle: float = 0.5, limit: float = 15.0) -> None:
        """Until no request has been in flight for `settle` seconds (at most `limit`)."""
        ends = time.monotonic() + limit
        quiet_since = time.monotonic()
        while time.monotonic() < ends:
            if self.count:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= settle:
                return
            time.sleep(0.05)


class _Closing:
    def __init__(self, answer: Iterable[bytes], done: Callable[[], None]) -> None:
        self.answer = answer
        self.done = done

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.answer)

    def close(self) -> None:
        try:
            if hasattr(self.answer, "close"):
                self.answer.close()
        finally:
            self.done()


@pytest.fixture(autouse=True)
def _server_quiet_before_the_flush(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each journey, close every browser context and wait until the live server answers
    nothing, before the database is flushed: a page still open (its beacon every 5 s, a
    `sendBeacon` on `pagehide`) or a request still being answered would otherwise hold a table
    of SQLite's shared in-memory database and the flush fails ("database table is locked")."""
    if "live_server" not in request.fixturenames:
        yield
        return
    live_server = request.getfixturevalue("live_server")
    # Set up before this fixture, so flushed after its teardown.
    request.getfixturevalue("transactional_db")
    httpd = live_server.thread.httpd
    if not isinstance(httpd.get_app(), _InFlight):
        httpd.set_app(_InFlight(httpd.get_app()))
    yield
    if "browser" in request.fixturenames:
        for context in list(request.getfixturevalue("browser").contexts):
            context.close()
    httpd.get_app().wait_quiet()


@pytest.fixture
def page(browser: Browser, live_server, settings) -> Iterator[Page]:
    """A fresh browser context (no cookies) in Vietnamese, with URLs relative to the server."""
    # Absolute links (share links, cards) are built from the site address: here, this server.
    settings.SITE_URL = live_server.url
    context = browser.new_context(locale="vi-VN", base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def e2e_data(live_server) -> dict[str, User]:
    """Units of Bắc Ninh and Hà Nội (2025) and the demo personas, by username."""
    from congdong.units.actions import do_import_structure
    from congdong_tools.demo.personas import ensure_personas

    do_import_structure("2025", provinces={"24", "01"})
    return {user.username: user for _persona, user in ensure_personas()}


def sign_in_by_phone(
    page: Page, outbox: Path, new: tuple[str, str] | None = ("Trần Thị Bình", "1995-03-08")
) -> None:
    """On the citizen sign-in page: the phone 0987 654 321, the code the SMS carried, and for
    a new account (`new`: full name, date of birth) the short profile."""
    from tests.conftest import last_code

    page.locator("input[name=phone]").fill("0987 654 321")
    page.locator("main form button[type=submit]").click()
    page.locator("input[name=code]").fill(last_code(outbox))
    page.locator("main form button[type=submit]").click()
    if new is not None:
        page.locator("input[name=full_name]").fill(new[0])
        page.locator("input[name=date_of_birth]").fill(new[1])
        page.locator("input[name=consent]").check()  # Law 91/2025: explicit consent
        page.locator("main form button[type=submit]").click()
