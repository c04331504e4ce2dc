"""xss: ≥ 200 XSS payloads in every user text field, rendered in Chromium; goal 0 executed.

Issue 7 §6. A throwaway database gets every payload (payloads.txt and its variants) in every
text field a citizen or staff member writes — post title, body and tags, comments and a page's
answers, citizens' names, page profiles, feedback and its answer, handbook pages, board posts
and replies, reports, removal reasons and appeals, takedown requests, reasons for sending a post
back, the search box — through the apps' own write paths (seed.py). A real server (gunicorn)
then serves the pages that show them, and Debian's Chromium opens each one as the person who
sees it (anonymous, the citizen, staff), twice: with the Content-Security-Policy, and with it
switched off (CONGDONG_CSP=""), since the policy must not be the only defence.

A payload has executed when its marker function ran (alert/confirm/prompt/window.__xss, caught
by an init script and a binding, or a dialog), or when the page asked for its marker address
(/__xss/<id>: a script, frame, image, stylesheet, htmx request or navigation it caused).
"Armed" counts elements a payload left that would run script on a click or hover (an on*
attribute, a javascript:/vbscript:/data:text/html address, an htmx attribute of ours).
"""

from __future__ import annotations

import concurrent.futures
import re
import threading
import time
from collections import Counter

from congdong_tools.bench import steps
from congdong_tools.bench.report import Report
from congdong_tools.bench.xss.payloads import MARKER_PATH, decode_marker
from congdong_tools.browser import CHROMIUM, CHROMIUM_ARGS

GOAL_PAYLOADS = 200
# After the load event: time for autofocus, ontoggle, image errors and htmx "load" triggers.
SETTLE_MS = 100
# Chromium processes opening pages side by side (this machine has 2 cores).
BROWSERS = 2

# Runs before any script of the page, in every frame, whatever the CSP says.
INIT_SCRIPT = """
(() => {
  const report = (value) => { try { window.__xss_report(String(value)); } catch (e) {} };
  window.__xss = report;
  window.alert = report;
  window.confirm = report;
  window.prompt = report;
})();
"""
# What a payload may have left armed: it would run on a click, a hover or a focus.
SCAN_SCRIPT = """
() => {
  const found = [];
  const urls = /^\\s*(javascript|vbscript|data\\s*:\\s*text\\/html)/i;
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value;
      const ours = /alert|__xss|msgbox/.test(value);
      if (name.startsWith('on') ||
          ((name.startsWith('hx-') || name.startsWith('data-hx-')) && ours) ||
          (['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'background']
             .includes(name) && urls.test(value)) ||
          (name === 'srcdoc') || (name === 'style' && ours)) {
        found.push(el.tagName.toLowerCase() + ' ' + name + '=' + value.slice(0, 120));
      }
    }
  }
  return found;
}
"""
# A page of our own that does execute, run first in each pass: the detectors must see it.
CONTROL_URL = "/__xss_control"
CONTROL_HTML = """<!doctype html><html><body>
<img src=x onerror="alert(900001)">
<img src="/__xss/900002">
<a href="javascript:alert(900003)">x</a>
</body></html>"""
CONTROL_MARKERS = {900001, 900002}
# One citizen writes a few things a minute; staff pages stay open for the run.
SERVED = {
    "CONGDONG_LIMIT_COMMENTS": "100000",
    "CONGDONG_MODERATION_REPORT_LIMIT": "100000",
    "CONGDONG_FEEDBACK_DAILY_LIMIT": "100000",
    "CONGDONG_STAFF_IDLE_MINUTES": "600",
}
_SEEN = re.compile(r"(?:alert|__xss|msgbox)\W{0,3}(\d{4,6})|/__xss/(\d{4,6})|(xq[a-j]{4,6})")
_CALL = re.compile(r"(\d{4,6}|xq[a-j]{4,6})")


def run(database_url: str | None, progress, cases: int | None = None) -> Report:
    started = time.monotonic()
    # The server's cache is its own (locmem): a shared Redis could hold pages of an
    # earlier run with the same ids.
    with steps.served_alone(database_url, progress, SERVED) as env:
        plan = steps.child("congdong_tools.bench.xss.seed", env, str(cases or "all"))
        figures: dict[str, float | int | str] = {
            "payloads": plan["payloads"],
            "fields": len(plan["fields"]),
            "inserts": sum(plan["inserted"].values()),
            "inserts_refused": sum(plan["refused"].values()),
            "insert_errors": sum(plan["errors"].values()),
            "page_views": len(plan["views"]),
        }
        results = {}
        for mode, csp in (("with_csp", None), ("without_csp", "")):
            progress(f"Chromium, {mode.replace('_', ' ')}: {len(plan['views'])} page views…")
            results[mode] = _serve_and_browse(env, plan, csp, progress)
        figures["renders"] = results["with_csp"]["renders"]
        figures["markers_seen_on_lists"] = results["with_csp"]["seen_on_lists"]
        # A page refusing its address (400 for a NUL in the search box) is the app saying no;
        # a 5xx, or a page that did not open, is an error of the app.
        codes = results["with_csp"]["http_error_codes"]
        refused = sum(n for code, n in codes.items() if isinstance(code, int) and 400 <= code < 500)
        figures["page_views_refused_4xx"] = refused
        figures["page_view_errors"] = sum(codes.values()) - refused
        for mode, result in results.items():
            figures[f"executed_{mode}"] = len(result["executed"])
            figures[f"armed_{mode}"] = len(result["armed"])
        figures["detector_ok"] = all(r["detector_ok"] for r in results.values())
        figures["seconds"] = round(time.monotonic() - started, 1)
    report = Report("xss", figures)
    details = _details(plan, results)
    if details:
        report.figures["details"] = details
    report.goals["≥ 200 payloads in every field"] = plan["payloads"] >= GOAL_PAYLOADS and all(
        plan["inserted"].get(f, 0) + plan["refused"].get(f, 0) >= plan["payloads"]
        for f in plan["fields"]
    )
    report.goals["the detectors caught the control page"] = bool(figures["detector_ok"])
    report.goals["0 executed with CSP"] = figures["executed_with_csp"] == 0
    report.goals["0 executed without CSP"] = figures["executed_without_csp"] == 0
    report.goals["0 armed (on*, javascript: URLs, htmx attributes)"] = (
        figures["armed_with_csp"] == 0 and figures["armed_without_csp"] == 0
    )
    report.goals["every insert stored or refused, no errors"] = figures["insert_errors"] == 0
    report.goals["no page view answered 5xx or failed to open"] = figures["page_view_errors"] == 0
    return report


def _details(plan: dict, results: dict) -> str:
    """What went wrong, by field: the first few executed or armed markers, insert errors."""
    from congdong_tools.bench.xss.seed import FIELDS

    names = {f.number: f.name for f in FIELDS}
    parts = []
    for mode, result in results.items():
        for kind in ("executed", "armed"):
            found = sorted(result[kind].items())[:10]
            for number, how in found:
                parts.append(
                    f"{kind} {mode}: {names.get(number // 1000, '?')} payload {number % 1000}"
                    f" ({how})"
                )
    for name, example in plan["error_examples"].items():
        parts.append(f"insert error {name}: {example}")
    return "; ".join(parts)


def _serve_and_browse(env: dict[str, str], plan: dict, csp: str | None, progress) -> dict:
    server_env = dict(env) if csp is None else dict(env, CONGDONG_CSP=csp)
    with steps.gunicorn(server_env, ["--workers=2", "--threads=4"]) as port:
        return _browse(f"http://127.0.0.1:{port}", plan, progress)


class _Watch:
    """What the browsers saw, from any of their threads (dict and counter updates are atomic)."""

    def __init__(self, fields: int) -> None:
        self.fields = fields
        self.executed: dict[int, str] = {}
        self.armed: dict[int, str] = {}
        self.http_errors: Counter = Counter()
        self.renders = 0
        self.seen_on_lists = 0
        self.done = 0

    def ran(self, value: str, how: str, where: str) -> None:
        for match in _CALL.findall(value or ""):
            number = decode_marker(match)
            if number is not None:
                self.executed.setdefault(number, f"{how} on {where[:80]}")

    def asked(self, url: str, where: str) -> None:
        if MARKER_PATH in url:
            self.ran(url.split(MARKER_PATH, 1)[1].split("/")[0], "request", where)

    def scanned(self, items: list[str], where: str) -> None:
        for item in items:
            for match in _CALL.findall(item):
                number = decode_marker(match)
                if number is not None and number // 1000 <= self.fields:
                    self.armed.setdefault(number, f"{item[:100]} on {where[:60]}")


def _context(browser, base: str, watch: _Watch, where: dict, session: str | None = None):
    """A browser context with the detectors: marker functions, marker requests, dialogs."""
    context = browser.new_context(locale="vi-VN", base_url=base)
    if session:
        context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
    context.add_init_script(INIT_SCRIPT)
    context.expose_binding("__xss_report", lambda _s, v: watch.ran(v, "script", where["url"]))
    context.on("request", lambda request: watch.asked(request.url, where["url"]))
    page = context.new_page()
    page.on("dialog", lambda d: (watch.ran(d.message, "dialog", where["url"]), d.dismiss()))
    return context, page


def _open(page, url: str, watch: _Watch) -> str | None:
    """Open `url`, let the page settle, scan it; its HTML, or None if it did not open."""
    from playwright.sync_api import Error

    try:
        response = page.goto(url, wait_until="load")
        if response is None or response.status >= 400:
            watch.http_errors[response.status if response else 0] += 1
        page.wait_for_timeout(SETTLE_MS)
        watch.scanned(page.evaluate(SCAN_SCRIPT), url)
        return page.content()
    except Error as exc:  # a navigation the page started itself (a refresh, a form)
        watch.http_errors[type(exc).__name__] += 1
        return None


def _launch(playwright):
    if not CHROMIUM.exists():
        raise RuntimeError(f"Chromium not installed: apt-get install chromium ({CHROMIUM})")
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )


def _control(base: str, watch: _Watch) -> bool:
    """Our own executing page: the binding, the request watch and the scan must all fire."""
    from playwright.sync_api import sync_playwright

    control = _Watch(1000)
    with sync_playwright() as playwright:
        browser = _launch(playwright)
        context, page = _context(browser, base, control, {"url": CONTROL_URL})
        context.route(
            base + CONTROL_URL,
            lambda route: route.fulfill(status=200, content_type="text/html", body=CONTROL_HTML),
        )
        _open(page, CONTROL_URL, control)
        context.close()
        browser.close()
    return set(control.executed) == CONTROL_MARKERS and 900003 in control.armed


def _browse_part(base: str, plan: dict, personas: list[str], watch: _Watch, progress) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = _launch(playwright)
        try:
            for persona in personas:
                where = {"url": ""}
                context, page = _context(browser, base, watch, where, plan["sessions"].get(persona))
                for view in plan["by_persona"][persona]:
                    where["url"] = view["url"]
                    html = _open(page, view["url"], watch)
                    if view["shows"] is None:
                        seen = {m for groups in _SEEN.findall(html or "") for m in groups if m}
                        watch.seen_on_lists += len(seen)
                        watch.renders += len(seen)
                    else:
                        watch.renders += len(view["shows"])
                    watch.done += 1
                    if watch.done % 250 == 0:
                        progress(f"  {watch.done} of {len(plan['views'])} page views")
                context.close()
        finally:
            browser.close()


def _browse(base: str, plan: dict, progress) -> dict:
    """Open every view of the plan, in BROWSERS Chromium processes side by side; returns what
    ran, what was left armed, what was seen."""
    from congdong_tools.bench.xss.seed import FIELDS

    watch = _Watch(len(FIELDS))
    # Playwright's sync API refuses a thread with a running asyncio loop (a test session that
    # drove Chromium before has one): the control page is opened in a thread of its own, as
    # the views are.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        detector_ok = pool.submit(_control, base, watch).result()
    plan["by_persona"] = {}
    for view in plan["views"]:
        plan["by_persona"].setdefault(view["as"], []).append(view)
    personas = list(plan["by_persona"])
    threads = [
        threading.Thread(
            target=_browse_part,
            args=(base, plan, personas[i::BROWSERS], watch, progress),
            daemon=True,  # an interrupted run ends with its main thread
        )
        for i in range(BROWSERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "detector_ok": detector_ok,
        "executed": watch.executed,
        "armed": watch.armed,
        "renders": watch.renders,
        "seen_on_lists": watch.seen_on_lists,
        "http_errors": sum(watch.http_errors.values()),
        "http_error_codes": dict(watch.http_errors),
    }
