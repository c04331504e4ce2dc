"""Journey: the Bắc Ninh admin records a personal data breach of the province (a first try
without a description is refused in Vietnamese), sees the 72-hour timer, opens the drafted
notice to A05, records that it was sent, and the audit log shows each step, the refusal too,
in words."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from congdong.breaches.models import Breach, BreachState
from tests.e2e.journeys import staff_opens
from tests.e2e.test_province_admin_roles import url_ending

pytestmark = pytest.mark.e2e
DESCRIPTION = "Tệp danh sách hộ nhận hỗ trợ bị gửi nhầm vào nhóm Zalo công khai của khu phố."


def test_province_admin_records_a_breach_drafts_the_notice_and_marks_it_sent(page: Page, e2e_data):
    staff_opens(page, "bacninh.quantri", "#breaches-link", "/lam-viec/su-co-du-lieu/")
    page.locator("#new-breach-link").click()

    form = page.locator("#breach-form")
    form.locator("textarea[name=data_categories]").fill("Họ và tên, số điện thoại")
    form.locator("input[name=subjects_count]").fill("312")
    form.locator("textarea[name=consequences]").fill("Có thể bị lừa đảo qua điện thoại.")
    form.locator("textarea[name=measures]").fill("Đã yêu cầu xóa tệp khỏi nhóm.")
    form.locator("input[name=contact]").fill("Lê Văn Hùng, 0222 3821 234")
    form.locator("button[type=submit]").click()
    expect(page.locator("#id_description_error")).to_contain_text("Mô tả sự việc")
    assert not Breach.objects.exists()

    # The province admin's only unit is Bắc Ninh: the breach is recorded there.
    page.locator("textarea[name=description]").fill(DESCRIPTION)
    page.locator("#breach-form button[type=submit]").click()
    item = Breach.objects.get()
    expect(page).to_have_url(url_ending(f"/lam-viec/su-co-du-lieu/{item.pk}/"))
    expect(page.locator("#item-timer")).to_contain_text("còn 2 ngày 23 giờ")
    assert item.unit.name == "Bắc Ninh"

    page.locator("#notice-link").click()
    notice = page.locator("#notice")
    expect(notice).to_contain_text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    expect(notice).to_contain_text("Kính gửi: Cục An ninh mạng và phòng, chống tội phạm")
    expect(notice).to_contain_text(DESCRIPTION)
    page.go_back()

    page.locator("#notify-reference").fill("27/TB-MTTQ")
    page.locator("#move-notify button[type=submit]").click()
    expect(page.locator("#item-state")).to_have_attribute("data-state", BreachState.NOTIFIED)
    expect(page.locator("#item-notified")).to_contain_text("27/TB-MTTQ")

    page.goto("/lam-viec/nhat-ky/?action=breaches")
    rows = page.locator("#audit-entries tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator('tr[data-outcome="refused"]')).to_have_count(1)
    # In words, as the screen shows them (issue 16.5): the filter finds them by those words,
    # and the object is the breach by its description, not "breach #1".
    page.locator("input[name=action]").fill("vi phạm")
    page.locator("#audit-filters button[type=submit]").click()
    expect(rows).to_have_count(3)  # the same three rows
    expect(page.locator('tr[data-action="breaches:new"]').first).to_contain_text(
        "Ghi nhận vi phạm bảo vệ dữ liệu cá nhân"
    )
    expect(page.locator('tr[data-action="breaches:notify"]')).to_contain_text(
        "vi phạm bảo vệ dữ liệu cá nhân «Tệp danh sách"
    )
    expect(page.locator("#audit-entries")).not_to_contain_text("breaches:")
