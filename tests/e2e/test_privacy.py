"""Journey: a citizen reads the privacy policy, signs up giving explicit consent (and the
optional digest), downloads a copy of their data, withdraws the digest consent, and deletes the
account; an officer of the central unit sees the register."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from playwright.sync_api import Page, expect

from congdong.accounts.models import User
from congdong.engagement.models import DigestChoice, NotificationSettings
from congdong.privacy.models import ConsentPurpose, ConsentRecord, DataRequest
from tests.conftest import last_code

pytestmark = pytest.mark.e2e

MINE = re.compile(r"/cong-dan/du-lieu-ca-nhan/$")
HOME = re.compile(r"^http://[^/]+/$")


def test_citizen_reads_policy_downloads_withdraws_and_deletes(page: Page, e2e_data, sms_outbox):
    # The policy is public, linked from every page's footer, in Vietnamese with its version.
    page.goto("/")
    page.locator("footer #privacy-policy-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chính sách bảo vệ dữ liệu cá nhân")
    expect(page.locator("#policy-version")).to_contain_text("2026-12")
    expect(page.locator("#policy-visits-link")).to_have_attribute("href", "/quyen-rieng-tu/")

    # Sign up: the consent box is not ticked; without it no account is made.
    page.get_by_role("banner").locator("a[href='/cong-dan/']").click()
    page.locator("input[name=phone]").fill("0987 654 321")
    page.locator("main form button[type=submit]").click()
    page.locator("input[name=code]").fill(last_code(sms_outbox))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#signup-policy-link")).to_be_visible()
    expect(page.locator("input[name=consent]")).not_to_be_checked()
    page.locator("input[name=full_name]").fill("Trần Thị Bình")
    page.locator("input[name=date_of_birth]").fill("1995-03-08")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#id_consent_error")).to_be_visible()
    assert not User.objects.filter(phone="+84987654321").exists()
    page.locator("input[name=consent]").check()
    page.locator("input[name=digest]").check()
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(HOME)
    binh = User.objects.get(phone="+84987654321")
    assert NotificationSettings.objects.get(user=binh).digest == DigestChoice.SMS

    # Her data page lists both consents.
    page.get_by_role("banner").locator("#my-data-link").click()
    expect(page).to_have_url(MINE)
    expect(page.locator("#consents tr[data-active='1']")).to_have_count(2)

    # Download a copy: a ZIP with her profile.
    with page.expect_download() as info:
        page.locator("#download-button").click()
    archive = zipfile.ZipFile(io.BytesIO(info.value.path().read_bytes()))
    assert "README.txt" in archive.namelist()
    assert json.loads(archive.read("profile.json"))["full_name"] == "Trần Thị Bình"

    # Withdraw the digest consent: the digest stops.
    page.reload()
    page.locator("#consents tr[data-purpose='digest'] button[name=withdraw]").click()
    expect(page.locator(".messages .msg.success")).to_be_visible()
    expect(page.locator("#consents tr[data-purpose='digest']")).to_have_attribute(
        "data-active", "0"
    )
    assert NotificationSettings.objects.get(user=binh).digest == DigestChoice.NONE
    expect(page.locator("#digest-consent")).to_be_visible()  # she may give it again

    # Delete the account: the page says what is erased and kept; a wrong word changes nothing.
    page.locator("#delete-link").click()
    expect(page.locator("#erased")).to_be_visible()
    expect(page.locator("#kept")).to_be_visible()
    page.locator("input[name=understood]").check()
    page.locator("input[name=word]").fill("xin")
    page.locator("#delete-button").click()
    expect(page.locator("#id_word_error")).to_be_visible()
    binh.refresh_from_db()
    assert binh.is_active
    page.locator("input[name=understood]").check()
    page.locator("input[name=word]").fill("XÓA")
    page.locator("#delete-button").click()
    expect(page).to_have_url(HOME)
    expect(page.get_by_role("banner").locator("a[href='/cong-dan/']")).to_be_visible()
    binh.refresh_from_db()
    assert (binh.phone, binh.full_name, binh.is_active) == (None, "", False)
    assert not ConsentRecord.objects.filter(user=binh, withdrawn_at__isnull=True).exists()
    assert ConsentRecord.objects.filter(user=binh, purpose=ConsentPurpose.ACCOUNT).exists()
    assert sorted(DataRequest.objects.filter(citizen=binh).values_list("kind", flat=True)) == [
        "access",
        "delete",
        "withdraw",
    ]
