"""The privacy policy: public, Vietnamese first, versioned, linked from every page's footer."""

from __future__ import annotations

import pytest
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
