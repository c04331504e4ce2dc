"""The privacy policy: public, Vietnamese first, versioned, linked from every page's footer."""

from __future__ import annotations

import hashlib

import pytest
from django.template.loader import render_to_string
from django.test import Client

from tests.conftest import client_for

POLICY = "/chinh-sach-bao-ve-du-lieu/"


@pytest.mark.django_db
def test_the_policy_is_public_in_vietnamese_with_its_version_and_rights(settings):
    page = Client().get(POLICY).content.decode()
    assert settings.PRIVACY_POLICY_VERSION in page
    assert 'lang="vi"' in page
    for words in ("91/2025/QH15", "356/2025/NĐ-CP", "2 ngày làm việc", "rút lại sự đồng ý"):
        assert words in page
    assert settings.PRIVACY_DPO_CONTACT in page
    assert "/quyen-rieng-tu/" in page  # the visit statistics page


@pytest.mark.django_db
def test_an_unknown_version_is_404_and_the_current_one_has_its_own_address(settings):
    assert Client().get(f"{POLICY}phien-ban/1999-01/").status_code == 404
    versioned = Client().get(f"{POLICY}phien-ban/{settings.PRIVACY_POLICY_VERSION}/")
    assert versioned.status_code == 200


@pytest.mark.django_db
def test_the_footer_links_the_policy_and_citizens_get_their_data_page(world):
    assert POLICY in Client().get("/").content.decode()
    page = client_for(world.an).get(POLICY).content.decode()
    assert 'id="my-data-link"' in page and 'id="policy-mine-link"' in page


@pytest.mark.django_db
def test_the_policy_in_force_names_the_facebook_and_zalo_messages_and_their_keeping_time(settings):
    # What the units' Facebook Pages and Zalo OAs pass us (listening) is personal data too.
    settings.CHANNEL_MESSAGES_RETENTION_DAYS = 200
    page = Client().get(POLICY).content.decode()
    assert "Bình luận, tin nhắn qua Facebook và Zalo" in page
    assert '<span id="policy-channel-days">200</span> ngày' in page
    reader = Client()
    reader.cookies["django_language"] = "en"
    english = reader.get(POLICY).content.decode()
    assert "Comments and messages through Facebook and Zalo" in english
    assert '<span id="policy-channel-days">200</span> days' in english
    # The version before the channels stays readable, marked as not in force.
    earlier = Client().get(f"{POLICY}phien-ban/2026-11/").content.decode()
    assert "Bình luận, tin nhắn qua Facebook và Zalo" not in earlier
    assert "2026-12" in page and 'data-version="2026-11"' in earlier


# What version 2026-11 said when it was published (its consents point at it): a later version
# extends it, and an edit that changes a word of it fails here.
PUBLISHED = {
    "2026-11.vi": "9c23e7dcf94603b15cf2e996cdb051d666d7e66219fa69cc163800a018bf5c71",
    "2026-11.en": "b96d96a233744222cffa14fe0a92a4291bf541bbc9f7a1c8a8559b3afacaf0d3",
}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_a_published_text_never_changes(name):
    text = render_to_string(f"privacy/policy/{name}.html", {"dpo": "DPO"})
    assert hashlib.sha256(text.encode()).hexdigest() == PUBLISHED[name]
