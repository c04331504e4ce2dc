"""Journey: the Bắc Ninh analyst opens the people's situation from the workspace and sees the
category counts and a keyword of feedback sent today (the keywords arriving after the page),
but no text or tracking code; Hà Nội's report is refused."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from congdong.feedback import actions
from congdong.feedback.models import Category
from congdong.insights import topics
from tests.conftest import commune_named, unit_2025
from tests.e2e.test_province_admin_roles import staff_login, url_ending
from tests.engagement.conftest import citizen

pytestmark = pytest.mark.e2e
TEXTS = [
    "Rác thải sinh hoạt tập kết ngay cổng chợ, bốc mùi suốt cả tuần.",
    "Điểm tập kết rác thải ở đầu ngõ 12 tràn ra lòng đường.",
]
ROAD = "Mặt đường liên thôn bị sụt lún, xe máy đi lại rất nguy hiểm."


def test_the_province_analyst_reads_the_situation_and_not_another_province(
    page: Page, e2e_data, settings, monkeypatch
):
    # Three texts count as "many" here: the page comes at once and its keywords after it, by
    # htmx, as on a national subtree (issue 16.13).
    monkeypatch.setattr(topics, "WAIT_TEXTS", 2)
    # Three items from two citizens: exact counts with the aggregate-only rule off (k = 1);
    # tests/security/test_opinion_aggregate.py checks the rule on every output.
    settings.OPINION_MIN_SENDERS = 1
    # The live server's database is flushed between tests: the seeded categories too.
    environment, _new = Category.objects.get_or_create(
        slug="moi-truong", defaults={"name": "Môi trường", "order": 1}
    )
    roads, _new = Category.objects.get_or_create(
        slug="ha-tang-giao-thong", defaults={"name": "Hạ tầng, giao thông", "order": 2}
    )
    kinh_bac, bac_ninh = commune_named("24", "Kinh Bắc"), unit_2025("24")
    an, binh = citizen("+84912000101", "Nguyễn Văn An"), citizen("+84912000102", "Lê Thị Bình")
    items = [
        actions.submit(an, kinh_bac.pk, environment.pk, TEXTS[0], public=False, consent=True),
        actions.submit(binh, kinh_bac.pk, environment.pk, TEXTS[1], public=False, consent=True),
        actions.submit(binh, bac_ninh.pk, roads.pk, ROAD, public=False, consent=True),
    ]

    staff_login(page, "bacninh.thongke")
    expect(page).to_have_url(url_ending("/lam-viec/"))
    page.locator("#situation-link").click()
    expect(page).to_have_url(url_ending(f"/lam-viec/tinh-hinh-nhan-dan/{bac_ninh.pk}/"))
    expect(page.locator("h1")).to_contain_text("Bắc Ninh")
    expect(page.locator("#aggregates-note")).to_contain_text("356/2025")
    table = page.locator("#category-table")
    expect(table.locator("tr[data-category=moi-truong] .sent")).to_have_text("2")
    expect(table.locator("tr[data-category=ha-tang-giao-thong] .sent")).to_have_text("1")
    expect(table.locator("tr[data-category=total] .sent")).to_have_text("3")
    expect(page.locator(f"#child-table tr[data-unit='{kinh_bac.pk}'] .sent")).to_have_text("2")
    expect(page.locator("#child-table tr[data-unit=own] .sent")).to_have_text("1")
    expect(page.locator("#keywords")).to_contain_text("rác thải")
    expect(page.locator("#keywords-later")).to_have_count(0)
    body = page.locator("main").inner_text()
    assert not any(text in body for text in [*TEXTS, ROAD])
    assert not any(item.code in body for item in items)
    assert "Nguyễn Văn An" not in body
    page.screenshot(path="var/test-h3-situation.png", full_page=True)

    # Drilling down to the commune keeps the period.
    page.locator(f"#child-table tr[data-unit='{kinh_bac.pk}'] a").click()
    expect(page.locator("h1")).to_contain_text("Kinh Bắc")
    expect(page.locator("#category-table tr[data-category=total] .sent")).to_have_text("2")

    # Hà Nội's report is not the Bắc Ninh analyst's to read: outside one's scope it is not
    # found (issue 16.12).
    response = page.goto(f"/lam-viec/tinh-hinh-nhan-dan/{unit_2025('01').pk}/")
    assert response is not None and response.status == 404
