"""Journey under the strict Content-Security-Policy (no 'unsafe-inline'): the home page, a
community page with a cover picture, the staff login, the workspace with its htmx search, and
the analyst's dashboards with their charts all work, and Chromium reports no violation."""

from __future__ import annotations

import base64

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.conftest import unit_2025
from tests.e2e.test_insights_dashboard import dashboard_url, figures  # noqa: F401 (fixture)
from tests.e2e.test_province_admin_roles import staff_login, url_ending

pytestmark = pytest.mark.e2e

# A 1×1 PNG: enough for the cover to be an image the page must show without inline style.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)

WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.lineNumber}`);
});
"""


def watch_csp(page: Page) -> list[str]:
    """Violations reported on the page, from the console and from the DOM event."""
    reported: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            reported.append(message.text)

    page.on("console", on_console)
    page.add_init_script(WATCH)
    return reported


def violations(page: Page, console: list[str]) -> list[str]:
    return console + page.evaluate("window.__cspViolations || []")


def test_main_pages_run_under_the_strict_policy(page: Page, figures):  # noqa: F811
    kinh_bac_page = figures["kinh_bac"]
    kinh_bac_page.cover.save("cover.png", ContentFile(PIXEL))
    console = watch_csp(page)

    response = page.goto("/")
    csp = response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in csp and "script-src 'self'" in csp
    assert violations(page, console) == []

    # A community page: its cover is an <img> under a tint, not an inline background.
    page.goto(f"/trang/{kinh_bac_page.slug}/")
    cover = page.locator("header.cover.with-image img.cover-image")
    expect(cover).to_be_visible()
    assert cover.evaluate("img => img.complete && img.naturalWidth") == 1
    assert violations(page, console) == []

    # Staff: login, workspace, the htmx search (Enter stays on the page), the dashboards.
    staff_login(page, "bacninh.thongke")
    expect(page).to_have_url(url_ending("/lam-viec/"))
    bac_ninh = unit_2025("24")
    page.goto(f"/lam-viec/don-vi/{bac_ninh.pk}/")
    search = page.get_by_role("search").get_by_role("searchbox")
    search.press_sequentially("kinh bac")
    expect(
        page.locator("#unit-results").get_by_role("link", name="Phường Kinh Bắc", exact=True)
    ).to_be_visible()
    search.press("Enter")
    expect(page).to_have_url(url_ending(f"/lam-viec/don-vi/{bac_ninh.pk}/"))
    assert page.locator("style").count() == 0  # htmx inserted no indicator styles
    assert violations(page, console) == []

    page.goto(dashboard_url(bac_ninh))
    chart = page.locator("main canvas").first
    expect(chart).to_be_visible()
    assert chart.evaluate("c => c.width") > 0  # Chart.js drew, from static files only
    page.goto(f"/lam-viec/tinh-hinh-nhan-dan/{bac_ninh.pk}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert violations(page, console) == []
