"""Citizens report pages pretending to be a unit's; its admins decide. The CLI lists and checks
links. Connecting refuses clearly when the operator has not configured it."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from congdong.channels.backlinks import page_address
from congdong.channels.models import ChannelLink, FakeReport, ReportState
from tests.channels.conftest import linked
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

FAKE = "https://www.facebook.com/mttq.bacninh.that"


def test_a_visitor_reports_a_fake_page_and_the_admin_confirms_it(pages, personas, client):
    bac_ninh, _ = pages
    url = f"/trang/{bac_ninh.slug}/bao-trang-gia-mao/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"url": FAKE, "note": "Xin tiền ủng hộ"}).status_code == 302
    report = FakeReport.objects.get()
    assert (report.page, report.reporter, report.state) == (bac_ninh, None, ReportState.OPEN)
    admin = client_for(personas["bacninh.quantri"])
    queue = admin.get(f"/lam-viec/trang/{bac_ninh.pk}/kenh/").content.decode()
    assert FAKE in queue and "Xin tiền ủng hộ" in queue
    # A sibling province's admin cannot decide it.
    hanoi = client_for(personas["hanoi.quantri"])
    assert (
        hanoi.post(f"/lam-viec/trang-gia-mao/{report.pk}/", {"state": "confirmed"}).status_code
        == 404
    )
    admin.post(f"/lam-viec/trang-gia-mao/{report.pk}/", {"state": "confirmed"})
    report.refresh_from_db()
    assert report.state == ReportState.CONFIRMED
    public = client.get(f"/trang/{bac_ninh.slug}/kenh-chinh-thuc/").content.decode()
    assert FAKE in public and 'class="not-ours"' in public


def test_bad_reports_change_nothing_and_floods_are_limited(pages, client):
    bac_ninh, _ = pages
    url = f"/trang/{bac_ninh.slug}/bao-trang-gia-mao/"
    assert client.post(url, {"url": "not an address"}).status_code == 400
    assert not FakeReport.objects.exists()
    answers = [client.post(url, {"url": f"{FAKE}{n}"}).status_code for n in range(5)]
    assert answers == [302, 302, 302, 429, 429]
    assert FakeReport.objects.count() == 3


def test_cli_lists_and_checks_the_links(pages, platforms):
    fake_graph, _ = platforms
    bac_ninh, _ = pages
    fake_graph.add_user("77")
    fake_graph.add_page("5050", "MTTQ Bắc Ninh", website=page_address(bac_ninh), admins=["77"])
    linked(bac_ninh, external_id="5050", access_token=fake_graph.token_for("77", page_id="5050"))
    linked(bac_ninh, external_id="6060", access_token="EAAB-unknown")
    out = StringIO()
    call_command("channels", "list", stdout=out)
    assert "Channel 5050" in out.getvalue() and "EAAB" not in out.getvalue()
    out = StringIO()
    call_command("channels", "check", "--json", stdout=out)
    rows = {row["name"]: row for row in json.loads(out.getvalue())}
    assert rows["Channel 5050"]["works"] is True and rows["Channel 5050"]["backlink"] is True
    assert rows["Channel 6060"]["works"] is False and rows["Channel 6060"]["token"] == "expired"
    assert "EAAB" not in out.getvalue()


def test_connecting_without_the_token_key_is_refused_with_a_message(pages, personas, settings):
    settings.CHANNEL_TOKEN_KEY = ""
    admin = client_for(personas["bacninh.quantri"])
    answer = admin.post(f"/lam-viec/trang/{pages[0].pk}/kenh/zalo/", follow=True)
    assert "CONGDONG_CHANNEL_TOKEN_KEY" in answer.content.decode()
    assert not ChannelLink.objects.exists()
