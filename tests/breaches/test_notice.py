"""The drafted 72-hour notice: an official letter in Vietnamese filled from the record,
printable, and downloadable as .txt and .md."""

from __future__ import annotations

import datetime

import pytest

from congdong.breaches import actions
from congdong.breaches.notice import AUTHORITY, draft, vn_date
from tests.breaches.conftest import NOW, recorded
from tests.clock import vn
from tests.conftest import client_for, unit_2025

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (datetime.date(2026, 3, 7), "ngày 07 tháng 3 năm 2026"),
        (datetime.date(2026, 2, 14), "ngày 14 tháng 02 năm 2026"),
        (datetime.date(2026, 11, 18), "ngày 18 tháng 11 năm 2026"),
    ],
)
def test_dates_are_written_as_on_administrative_documents(day, text):
    assert vn_date(day) == text


def test_the_letter_is_filled_from_the_record(world):
    item = recorded(world.commune_dpo, world.kinh_bac)
    text = draft(item, today=datetime.date(2026, 3, 8)).as_text()
    for expected in (
        "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM\nPHƯỜNG KINH BẮC",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc",
        "Kinh Bắc, ngày 08 tháng 3 năm 2026",
        "THÔNG BÁO",
        f"Kính gửi: {AUTHORITY}.",
        "Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15",
        "Phát hiện: 22 giờ 00 phút, ngày 07 tháng 3 năm 2026",
        "khoảng 1.250 người",
        item.description,
        item.contact,
        "TM. BAN THƯỜNG TRỰC",
    ):
        assert expected in text
    assert "Lý do thông báo chậm" not in text


def test_a_late_notice_states_why_and_carries_its_number(world):
    item = recorded(world.commune_dpo, world.kinh_bac)
    late = vn(2026, 3, 11, 8, 0)
    item = actions.notify(
        world.commune_dpo,
        item.pk,
        "15/TB-MTTQ",
        notified_at=late,
        late_reason="Chờ xác minh với đơn vị cung cấp dịch vụ.",
        now=late,
    )
    text = draft(item).as_text()
    assert "Số: 15/TB-MTTQ" in text and "ngày 11 tháng 3 năm 2026" in text
    assert "7. Lý do thông báo chậm\nChờ xác minh" in text


def test_the_central_unit_writes_from_ha_noi(personas):
    central = unit_2025("TW")
    item = recorded(personas["tw.quantri"], central)
    letter = draft(item, today=NOW.date())
    assert letter.issuer == ["ỦY BAN TRUNG ƯƠNG", "MẶT TRẬN TỔ QUỐC VIỆT NAM"]
    assert letter.place_date.startswith("Hà Nội, ngày")


def test_the_page_prints_and_downloads_in_vietnamese_whatever_the_language(world):
    item = recorded(world.commune_dpo, world.kinh_bac)
    client = client_for(world.province_admin)
    url = f"/lam-viec/su-co-du-lieu/{item.pk}/thong-bao/"
    page = client.get(url).content.decode()
    assert 'id="print-notice"' in page and "Kính gửi:" in page
    client.cookies["django_language"] = "en"
    download = client.get(url, {"tai-ve": "txt"})
    assert download["Content-Type"] == "text/plain; charset=utf-8"
    assert f"thong-bao-vi-pham-du-lieu-{item.pk}.txt" in download["Content-Disposition"]
    assert "PHƯỜNG KINH BẮC" in download.content.decode()
    markdown = client.get(url, {"tai-ve": "md"}).content.decode()
    assert "## THÔNG BÁO" in markdown
    assert client.get(url, {"tai-ve": "exe"}).status_code == 404
