"""Links of a page to its channels: tokens sealed at rest, what the public page shows, who may
touch them, history by date, websites checked by rel="me"."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection
from django.utils import timezone

from congdong.channels import queries
from congdong.channels.backlinks import page_address
from congdong.channels.models import ChannelKind, ChannelLink, ChannelToken
from tests.channels.conftest import linked
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_token_column_never_holds_the_token_text(pages):
    bac_ninh, _ = pages
    link = linked(bac_ninh, external_id="555")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT access_token FROM channels_channeltoken WHERE link_id = %s", [link.pk]
        )
        (stored,) = cursor.fetchone()
    assert "EAAB-secret-token-555" not in stored and stored.startswith("gAAAA")
    assert ChannelToken.objects.get(link=link).access_token == "EAAB-secret-token-555"


def test_a_token_sealed_with_another_key_reads_as_lost(pages, settings):
    from cryptography.fernet import Fernet

    link = linked(pages[0], external_id="556")
    settings.CHANNEL_TOKEN_KEY = Fernet.generate_key().decode()
    assert ChannelToken.objects.get(link=link).access_token == ""


def test_the_public_page_shows_only_verified_channels(pages, client):
    bac_ninh, _ = pages
    linked(bac_ninh, external_id="700", name="MTTQ Bắc Ninh")
    linked(bac_ninh, kind=ChannelKind.ZALO, external_id="800", name="Zalo giả", backlink_ok=False)
    # The public page loads the section after it renders (it stays within its query budget).
    page_html = client.get(f"/trang/{bac_ninh.slug}/").content.decode()
    assert f'hx-get="/trang/{bac_ninh.slug}/kenh-chinh-thuc/"' in page_html
    html = client.get(f"/trang/{bac_ninh.slug}/kenh-chinh-thuc/", HTTP_HX_REQUEST="true")
    html = html.content.decode()
    assert "MTTQ Bắc Ninh" in html and "https://www.facebook.com/700" in html
    assert "Zalo giả" not in html and "EAAB" not in html
    assert "<html" not in html  # a fragment for htmx; a page of its own without JavaScript
    assert "<html" in client.get(f"/trang/{bac_ninh.slug}/kenh-chinh-thuc/").content.decode()


def test_a_channel_is_the_official_channel_of_one_page_at_a_time(pages):
    from congdong.core.errors import ActionError

    bac_ninh, ha_noi = pages
    linked(bac_ninh, external_id="900")
    with pytest.raises(ActionError):
        linked(ha_noi, external_id="900")
    # The same page linking it again refreshes the proof, it does not add a row.
    linked(bac_ninh, external_id="900", name="renamed")
    assert ChannelLink.objects.filter(external_id="900").count() == 1


def test_links_are_kept_with_dates_so_coverage_reads_any_day(
    pages, personas, django_assert_max_num_queries
):
    bac_ninh, _ = pages
    link = linked(bac_ninh, external_id="901")
    ChannelLink.objects.filter(pk=link.pk).update(
        linked_at=timezone.now() - datetime.timedelta(days=10)
    )
    client_for(personas["bacninh.quantri"]).post(f"/lam-viec/kenh/{link.pk}/ngat/")
    link.refresh_from_db()
    assert link.unlinked_at is not None
    assert not ChannelToken.objects.filter(link=link).exists()  # the token is deleted
    last_week = timezone.localdate() - datetime.timedelta(days=5)
    with django_assert_max_num_queries(30):  # a few per level, never one per unit
        before = queries.coverage(last_week, "2025")["province"]
    today = queries.coverage(timezone.localdate(), "2025")["province"]
    assert (before["facebook"], today["facebook"]) == (1, 0)
    assert before["units"] == 34
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("channels", "coverage", "--date", last_week.isoformat(), "--json", stdout=out)
    assert json.loads(out.getvalue())["levels"]["province"]["facebook"] == 1


def test_only_the_units_admins_and_above_touch_its_channels(pages, personas):
    bac_ninh, _ha_noi = pages
    link = linked(bac_ninh, external_id="902")
    url = f"/lam-viec/trang/{bac_ninh.pk}/kenh/"
    assert client_for(personas["bacninh.quantri"]).get(url).status_code == 200
    assert client_for(personas["tw.quantri"]).get(url).status_code == 200
    # A sibling province's admin: the page does not exist for them.
    sibling = client_for(personas["hanoi.quantri"])
    assert sibling.get(url).status_code == 404
    assert sibling.post(f"/lam-viec/kenh/{link.pk}/ngat/").status_code == 404
    assert sibling.post(f"/lam-viec/trang/{bac_ninh.pk}/kenh/facebook/").status_code == 404
    # In the scope but without the right (an analyst): refused with a reason.
    analyst = client_for(personas["bacninh.thongke"])
    assert analyst.get(url).status_code == 403
    assert analyst.post(f"/lam-viec/kenh/{link.pk}/ngat/").status_code == 403
    assert ChannelLink.objects.current().filter(pk=link.pk).exists()


def test_the_api_lists_channels_in_the_callers_scope_without_tokens(pages, personas):
    bac_ninh, ha_noi = pages
    linked(bac_ninh, external_id="903")
    linked(ha_noi, external_id="904")
    answer = client_for(personas["bacninh.quantri"]).get("/api/v1/channels")
    assert answer.status_code == 200
    items = answer.json()["items"]
    assert [i["external_id"] for i in items] == ["903"]
    assert items[0]["verified"] is True and items[0]["token_state"] == "valid"
    assert "EAAB" not in answer.content.decode() and "gAAAA" not in answer.content.decode()
    everyone = client_for(personas["tw.quantri"]).get("/api/v1/channels").json()["items"]
    assert {i["external_id"] for i in everyone} == {"903", "904"}
    assert (
        client_for(personas["hanoi.quantri"])
        .get("/api/v1/channels")
        .json()["items"][0]["external_id"]
        == "904"
    )


def test_a_website_is_verified_by_its_rel_me_link(pages, personas, site):
    bac_ninh, _ = pages
    admin = client_for(personas["bacninh.quantri"])
    answer = admin.post(f"/lam-viec/trang/{bac_ninh.pk}/kenh/website/", {"url": site.url})
    assert answer.status_code == 302
    link = ChannelLink.objects.get(kind=ChannelKind.WEBSITE)
    assert not link.verified  # no rel=me yet: linked, "not verified"
    site.html = f'<html><head><link rel="me" href="{page_address(bac_ninh)}"></head></html>'
    admin.post(f"/lam-viec/kenh/{link.pk}/kiem-tra/")
    link.refresh_from_db()
    assert link.verified
    assert (
        site.url
        in client_for(personas["bacninh.quantri"])
        .get(f"/trang/{bac_ninh.slug}/kenh-chinh-thuc/")
        .content.decode()
    )


def test_a_bad_website_address_is_refused_and_changes_nothing(pages, personas):
    bac_ninh, _ = pages
    answer = client_for(personas["bacninh.quantri"]).post(
        f"/lam-viec/trang/{bac_ninh.pk}/kenh/website/", {"url": "javascript:alert(1)"}
    )
    assert answer.status_code == 400
    assert "https://" in answer.content.decode()
    assert not ChannelLink.objects.exists()


def test_the_public_directory_filters_pages_by_channel(pages, client):
    from congdong.pages.actions import do_establish_many
    from tests.conftest import commune_named

    bac_ninh, ha_noi = pages
    kinh_bac = commune_named("24", "Kinh Bắc")
    do_establish_many([kinh_bac], opened_at=timezone.now())
    commune = kinh_bac.page
    linked(bac_ninh, external_id="1200", name="Facebook tỉnh")
    linked(commune, kind=ChannelKind.ZALO, external_id="1300", name="Zalo phường")
    linked(commune, external_id="1400", name="Facebook chưa xác minh", backlink_ok=False)
    linked(ha_noi, external_id="1500", name="Facebook Hà Nội")
    url = f"/don-vi/{bac_ninh.unit_id}/kenh-chinh-thuc/"
    every = client.get(url).content.decode()
    assert "Facebook tỉnh" in every and "Zalo phường" in every
    assert "chưa xác minh" not in every and "Hà Nội" not in every
    zalo_only = client.get(url + "?kenh=zalo").content.decode()
    assert "Zalo phường" in zalo_only and "Facebook tỉnh" not in zalo_only
    assert client.get(url + "?kenh=bogus").status_code == 200


def test_a_website_on_the_servers_own_network_is_never_read(pages, personas, settings):
    settings.CHANNEL_WEBSITE_PRIVATE_OK = False
    from congdong.channels.backlinks import website_points_back

    for url in ("http://127.0.0.1:6379/", "http://10.0.0.5/", "http://localhost/"):
        assert website_points_back(url, pages[0]) == (False, "not a public address")
