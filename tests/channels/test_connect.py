"""Connecting a page's Facebook Page and Zalo OA end to end against the fake platforms (real
HTTP), keeping the Zalo tokens alive, and what happens when a token stops working."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from congdong.channels import actions
from congdong.channels.backlinks import page_address
from congdong.channels.models import ChannelKind, ChannelLink, ChannelToken, TokenState
from congdong.channels.sealing import unseal
from congdong.channels.tasks import check_channel_tokens, refresh_channel_tokens
from congdong.engagement.models import Notification, NotificationKind
from congdong.worker.jobs import JOBS
from tests.channels.conftest import round_trip
from tests.conftest import client_for
from tests.worker.conftest import eventually

pytestmark = pytest.mark.django_db


def connect_facebook(client, page, fb_page_id):
    started = client.post(f"/lam-viec/trang/{page.pk}/kenh/facebook/")
    assert started.status_code == 302
    picker = client.get(round_trip(started["Location"]))
    assert picker.status_code == 200, picker.content[:500]
    kept = client.session["channels-facebook"]
    # The user token waits for the pick in the session, sealed like every token at rest.
    assert kept["token"].startswith("gAAAA") and unseal(kept["token"]) not in str(kept)
    state = kept["state"]
    return picker, client.post(
        "/lam-viec/kenh/facebook/chon/", {"state": state, "fb_page": fb_page_id}
    )


def connect_zalo(client, page):
    started = client.post(f"/lam-viec/trang/{page.pk}/kenh/zalo/")
    assert started.status_code == 302
    back = round_trip(started["Location"])
    return back, client.get(back)


@pytest.fixture
def facebook_pages(platforms, pages):
    fake_graph, _ = platforms
    bac_ninh, _ = pages
    fake_graph.add_user("9001", "Nguyễn Thị Lan")
    fake_graph.add_page(
        "1111",
        "Mặt trận Tổ quốc tỉnh Bắc Ninh",
        website=page_address(bac_ninh),
        admins={"9001": ["CREATE_CONTENT", "MODERATE"]},  # no ANALYZE: no figures
    )
    fake_graph.add_page("2222", "Hội Phụ nữ (không trỏ về)", admins=["9001"])
    fake_graph.add_page("3333", "Trang của người khác", admins={})
    fake_graph.dialog_user = "9001"
    return fake_graph


def test_province_admin_connects_a_facebook_page_it_administers(facebook_pages, pages, personas):
    bac_ninh, _ = pages
    admin = client_for(personas["bacninh.quantri"])
    picker, picked = connect_facebook(admin, bac_ninh, "1111")
    html = picker.content.decode()
    assert "Mặt trận Tổ quốc tỉnh Bắc Ninh" in html and "Trang của người khác" not in html
    assert "read figures" in html or "đọc số liệu" in html  # the missing ANALYZE task is named
    assert picked.status_code == 302
    link = ChannelLink.objects.get(kind=ChannelKind.FACEBOOK)
    assert (link.external_id, link.verified) == ("1111", True)
    assert link.tasks == ["CREATE_CONTENT", "MODERATE"]
    assert [f.value for f in link.missing_features()] == ["insights"]
    # The page token works against the platform; the session no longer holds the user token.
    token = ChannelToken.objects.get(link=link).access_token
    assert facebook_pages.tokens[token].kind == "page"
    assert "channels-facebook" not in admin.session
    assert "1111" in admin.get(f"/trang/{bac_ninh.slug}/kenh-chinh-thuc/").content.decode()


def test_a_page_that_does_not_point_back_is_linked_but_not_shown(facebook_pages, pages, personas):
    bac_ninh, _ = pages
    _picker, picked = connect_facebook(client_for(personas["bacninh.quantri"]), bac_ninh, "2222")
    assert picked.status_code == 302
    link = ChannelLink.objects.get()
    assert link.admin_verified_at and not link.verified
    assert (
        "2222"
        not in client_for(personas["bacninh.quantri"])
        .get(f"/trang/{bac_ninh.slug}/kenh-chinh-thuc/")
        .content.decode()
    )


def test_nobody_links_a_facebook_page_they_do_not_administer(facebook_pages, pages, personas):
    bac_ninh, _ = pages
    _picker, picked = connect_facebook(client_for(personas["bacninh.quantri"]), bac_ninh, "3333")
    assert picked.status_code == 302
    assert not ChannelLink.objects.exists()


def test_a_callback_with_a_foreign_state_is_refused(facebook_pages, pages, personas):
    admin = client_for(personas["bacninh.quantri"])
    admin.post(f"/lam-viec/trang/{pages[0].pk}/kenh/facebook/")
    assert admin.get("/lam-viec/kenh/facebook/ket-noi/?code=x&state=forged").status_code == 403
    # Another person's round trip does not land in this session either.
    other = client_for(personas["tw.quantri"])
    assert other.get("/lam-viec/kenh/facebook/ket-noi/?code=x&state=").status_code == 403


def test_a_sibling_province_cannot_start_a_connection(platforms, pages, personas):
    bac_ninh, _ = pages
    hanoi = client_for(personas["hanoi.quantri"])
    assert hanoi.post(f"/lam-viec/trang/{bac_ninh.pk}/kenh/facebook/").status_code == 404
    assert hanoi.post(f"/lam-viec/trang/{bac_ninh.pk}/kenh/zalo/").status_code == 404


@pytest.fixture
def zalo_oa(platforms, pages):
    _, fake_zalo = platforms
    bac_ninh, _ = pages
    fake_zalo.add_oa(
        "4242", "MTTQ tỉnh Bắc Ninh", description=f"Trang chính thức: {page_address(bac_ninh)}"
    )
    fake_zalo.consent_oa = "4242"
    return fake_zalo


def test_province_admin_connects_a_zalo_oa_with_pkce(zalo_oa, pages, personas):
    bac_ninh, _ = pages
    admin = client_for(personas["bacninh.quantri"])
    back, answer = connect_zalo(admin, bac_ninh)
    assert answer.status_code == 302
    link = ChannelLink.objects.get(kind=ChannelKind.ZALO)
    assert (link.external_id, link.name, link.verified) == ("4242", "MTTQ tỉnh Bắc Ninh", True)
    token = ChannelToken.objects.get(link=link)
    assert token.refresh_token in zalo_oa.refresh_tokens
    hours = (token.expires_at - timezone.now()).total_seconds() / 3600
    assert 24 < hours <= 25
    # The callback is good once: the verifier left the session with it.
    assert admin.get(back).status_code == 403


def test_refreshing_stores_the_new_pair_and_the_old_refresh_token_is_spent(
    zalo_oa, pages, personas
):
    connect_zalo(client_for(personas["bacninh.quantri"]), pages[0])
    token = ChannelToken.objects.get()
    old = token.refresh_token
    ChannelToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() + datetime.timedelta(minutes=30)
    )
    assert refresh_channel_tokens() == 1
    token.refresh_from_db()
    assert token.refresh_token != old and token.refresh_token in zalo_oa.refresh_tokens
    assert old in zalo_oa.used_refresh
    assert refresh_channel_tokens() == 0  # not due any more
    assert "refresh-channel-tokens" in {job.name for job in JOBS}


def test_notification_and_health_when_a_token_expires(facebook_pages, pages, personas):
    bac_ninh, _ = pages
    admin = client_for(personas["bacninh.quantri"])
    connect_facebook(admin, bac_ninh, "1111")
    link = ChannelLink.objects.get()
    facebook_pages.expire_token(ChannelToken.objects.get(link=link).access_token)
    result = actions.check_link(link.pk)
    assert (result.ok, result.state) == (False, TokenState.EXPIRED)
    told = Notification.objects.filter(kind=NotificationKind.CHANNEL_EXPIRED, channel_link=link)
    assert [n.recipient.username for n in told] == ["bacninh.quantri"]
    actions.check_link(link.pk)  # still expired: nobody is told twice
    assert told.count() == 1
    # Its history: connected, then gone bad once, with the platform's answer as the reason.
    token = ChannelToken.objects.get(link=link)
    moves = list(token.transitions.values_list("from_state", "to_state", "reason"))
    assert [(a, b) for a, b, _reason in moves] == [
        ("", TokenState.VALID),
        (TokenState.VALID, TokenState.EXPIRED),
    ]
    assert moves[1][2] == token.last_error != ""
    health = admin.get(f"/lam-viec/don-vi/{bac_ninh.unit_id}/kenh/").content.decode()
    assert 'data-status="expired"' in health
    bell = admin.get("/thong-bao/").content.decode()
    assert (
        f"/lam-viec/trang/{bac_ninh.pk}/kenh/" in bell and "Mặt trận Tổ quốc tỉnh Bắc Ninh" in bell
    )
    # The sibling province's admin sees none of it.
    hanoi = client_for(personas["hanoi.quantri"])
    assert hanoi.get(f"/lam-viec/don-vi/{bac_ninh.unit_id}/kenh/").status_code == 404


def test_a_withdrawn_permission_is_noticed(facebook_pages, pages, personas):
    connect_facebook(client_for(personas["bacninh.quantri"]), pages[0], "1111")
    link = ChannelLink.objects.get()
    facebook_pages.fail("permission_missing", permission="pages_read_engagement")
    ChannelToken.objects.update(last_checked_at=timezone.now() - datetime.timedelta(days=2))
    assert check_channel_tokens() == 1
    token = ChannelToken.objects.get(link=link)
    assert token.state == TokenState.PERMISSION_LOST
    assert token.missing == ["pages_read_engagement"]
    assert Notification.objects.filter(kind=NotificationKind.CHANNEL_PERMISSION).count() == 1


def test_disconnecting_revokes_on_the_platform_and_deletes_the_token(
    facebook_pages, pages, personas
):
    admin = client_for(personas["bacninh.quantri"])
    connect_facebook(admin, pages[0], "1111")
    link = ChannelLink.objects.get()
    page_token = ChannelToken.objects.get(link=link).access_token
    assert admin.post(f"/lam-viec/kenh/{link.pk}/ngat/").status_code == 302
    assert not ChannelToken.objects.exists()
    link.refresh_from_db()
    assert link.unlinked_at is not None
    from congdong.channels.clients.facebook import GraphClient, TokenExpired

    with GraphClient.from_settings() as client, pytest.raises(TokenExpired):
        client.page("1111", page_token)


@pytest.mark.django_db(transaction=True)
def test_two_refreshes_at_once_exactly_one_wins(zalo_oa, pages, personas, settings):
    settings.CHANNEL_TIMEOUT = 30  # the held call is waited for, whatever the machine's pace
    connect_zalo(client_for(personas["bacninh.quantri"]), pages[0])
    token = ChannelToken.objects.get()
    # The first refresh is still with Zalo when the second comes: "at once" made certain, not
    # left to the threads' timing (a first refresh done before the second reads the row makes
    # the second a later refresh, which rightly succeeds too).
    zalo_oa.fail("slow", path="/v4/oa/access_token", seconds=30)
    results: dict[str, bool] = {}

    def first() -> None:
        try:
            results["first"] = actions.refresh_zalo(token.pk)
        finally:
            connections.close_all()

    thread = threading.Thread(target=first)
    thread.start()
    eventually(lambda: zalo_oa.holding > 0)  # the first call is at Zalo
    results["second"] = actions.refresh_zalo(token.pk)
    zalo_oa.release_held()  # the first refresh gets its answer
    thread.join()
    assert results == {"first": True, "second": False}
    token.refresh_from_db()
    assert token.state == TokenState.VALID
    # The stored refresh token is the new, valid one: it refreshes again.
    assert token.refresh_token in zalo_oa.refresh_tokens
    assert actions.refresh_zalo(token.pk) is True
    assert connection.vendor in ("sqlite", "postgresql")


def test_the_picker_names_permissions_the_person_declined(facebook_pages, pages, personas):
    facebook_pages.grant("9001", "read_insights", "declined")
    picker, _picked = connect_facebook(client_for(personas["bacninh.quantri"]), pages[0], "1111")
    html = picker.content.decode()
    assert "<code>read_insights</code>" in html and "pages_manage_posts" not in html


def test_a_spent_refresh_token_expires_the_link_and_tells_the_admins(zalo_oa, pages, personas):
    admin = client_for(personas["bacninh.quantri"])
    connect_zalo(admin, pages[0])
    token = ChannelToken.objects.get()
    # Spent elsewhere (e.g. by a copy of the database restored and run beside this one).
    with zalo_oa.lock:
        zalo_oa.refresh_tokens.pop(token.refresh_token)
    assert actions.refresh_zalo(token.pk) is False
    token.refresh_from_db()
    assert token.state == TokenState.EXPIRED and token.refreshing_since is None
    assert Notification.objects.filter(kind=NotificationKind.CHANNEL_EXPIRED).count() == 1
    health = admin.get(f"/lam-viec/don-vi/{pages[0].unit_id}/kenh/").content.decode()
    assert 'data-status="expired"' in health
    # Connecting again brings it back, and the next trouble is told again.
    connect_zalo(admin, pages[0])
    token.refresh_from_db()
    assert (token.state, token.notified_state) == (TokenState.VALID, "")


def test_health_shows_a_refresh_token_near_its_end_as_expiring(zalo_oa, pages, personas):
    admin = client_for(personas["bacninh.quantri"])
    connect_zalo(admin, pages[0])
    ChannelToken.objects.update(refresh_expires_at=timezone.now() + datetime.timedelta(days=3))
    health = admin.get(f"/lam-viec/don-vi/{pages[0].unit_id}/kenh/").content.decode()
    assert 'data-status="expiring"' in health


def test_health_links_only_to_what_the_reader_may_open(zalo_oa, pages, personas):
    """The province's analyst reads the channels' health, but connecting again is the page
    admins' work and the inbox the editors' and moderators': no link leads them to a 403."""
    bac_ninh = pages[0]
    connect_zalo(client_for(personas["bacninh.quantri"]), bac_ninh)
    settings_url = f"/lam-viec/trang/{bac_ninh.pk}/kenh/"
    health_url = f"/lam-viec/don-vi/{bac_ninh.unit_id}/kenh/"
    inbox_url = f"/lam-viec/don-vi/{bac_ninh.unit_id}/lang-nghe/"

    for username, opens in [("bacninh.quantri", True), ("bacninh.thongke", False)]:
        client = client_for(personas[username])
        # Both find the health page on their unit's workspace page.
        unit_page = client.get(f"/lam-viec/don-vi/{bac_ninh.unit_id}/").content.decode()
        assert f'href="{health_url}" id="health-link"' in unit_page, username
        assert (settings_url in unit_page) == opens, username
        health = client.get(health_url).content.decode()
        assert 'data-status="ok"' in health and bac_ninh.name in health
        assert (settings_url in health, inbox_url in health) == (opens, opens), username
        expected = 200 if opens else 403
        assert client.get(settings_url).status_code == expected, username
        assert client.get(inbox_url).status_code == expected, username
