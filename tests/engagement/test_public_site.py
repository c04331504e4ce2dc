"""The public site for citizens: follow, react, share and refer, search, feed, post meta."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from congdong.accounts.models import User
from congdong.engagement.actions import follows, reactions, referrals
from congdong.engagement.models import Follow, PageCounter, Reaction, ReferralOpen, Share
from congdong.engagement.queries import top_pages_by_referrals
from congdong.pages.models import Page, PageStatus
from congdong.posts import actions as post_actions
from tests.conftest import client_for
from tests.engagement.conftest import citizen, published

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # rate-limit windows and cached pages must not leak between tests
    yield
    cache.clear()


@pytest.fixture
def an(personas) -> User:
    """The demo citizen Nguyễn Văn An, phone-verified."""
    return User.objects.get(phone="+84912345678")


# ---------------------------------------------------------------- follow


def test_citizen_follows_and_unfollows_a_page_and_the_count_follows(pages, an):
    client = client_for(an)
    page = pages.kinh_bac
    response = client.post(reverse("engagement:follow", args=[page.pk]))
    assert response.status_code == 302
    assert Follow.objects.filter(user=an, page=page).exists()
    assert PageCounter.objects.get(page=page).followers == 1
    html = client.get(reverse("pages:public", args=[page.slug])).content.decode()
    assert 'data-count="followers">1<' in html and 'aria-pressed="true"' in html

    client.post(reverse("engagement:follow", args=[page.pk]), {"do": "bo"})
    assert not Follow.objects.filter(user=an, page=page).exists()
    assert PageCounter.objects.get(page=page).followers == 0


def test_double_follow_counts_once(pages, an):
    client = client_for(an)
    for _ in range(3):
        client.post(reverse("engagement:follow", args=[pages.kinh_bac.pk]))
    assert Follow.objects.filter(page=pages.kinh_bac).count() == 1
    assert PageCounter.objects.get(page=pages.kinh_bac).followers == 1


def test_htmx_follow_returns_the_box_with_the_new_count(pages, an):
    response = client_for(an).post(
        reverse("engagement:follow", args=[pages.kinh_bac.pk]), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'id="follow-box"' in html
    assert 'data-count="followers">1<' in html


def test_anonymous_follow_goes_to_sign_in_and_comes_back(pages):
    response = Client().post(reverse("engagement:follow", args=[pages.kinh_bac.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:phone-start"))
    assert "next=%2Ftrang%2F" in response["Location"]
    assert not Follow.objects.exists()


def test_unverified_and_locked_accounts_cannot_follow(pages):
    unverified = citizen("+84987000001", verified=False)
    locked = citizen("+84987000002")
    locked.is_active = False
    locked.save()
    client = client_for(unverified)
    response = client.post(
        reverse("engagement:follow", args=[pages.kinh_bac.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 403
    assert 'role="alert"' in response.content.decode()
    # A locked account's session no longer signs it in; the action refuses it anyway.
    response = client_for(locked).post(reverse("engagement:follow", args=[pages.kinh_bac.pk]))
    assert response.status_code == 302 and "cong-dan" in response["Location"]
    with pytest.raises(PermissionDenied):
        follows.follow(locked, pages.kinh_bac.pk)
    assert not Follow.objects.exists()


def test_staff_without_a_verified_phone_cannot_follow(pages, personas):
    response = client_for(personas["kinhbac.canbo"]).post(
        reverse("engagement:follow", args=[pages.kinh_bac.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 403 and not Follow.objects.exists()


def test_a_suspended_page_takes_no_new_followers(pages, an):
    Page.objects.filter(pk=pages.kinh_bac.pk).update(status=PageStatus.SUSPENDED)
    response = client_for(an).post(reverse("engagement:follow", args=[pages.kinh_bac.pk]))
    assert response.status_code == 404 and not Follow.objects.exists()


def test_follows_over_the_limit_get_429_with_a_message(pages, an, settings):
    settings.ENGAGEMENT_LIMITS = {**settings.ENGAGEMENT_LIMITS, "follow": 2}
    client = client_for(an)
    targets = [pages.kinh_bac, pages.bac_ninh, pages.ha_noi]
    codes = [
        client.post(reverse("engagement:follow", args=[p.pk]), HTTP_HX_REQUEST="true").status_code
        for p in targets
    ]
    assert codes == [200, 200, 429]
    assert Follow.objects.filter(user=an).count() == 2


# ---------------------------------------------------------------- react


def test_reactions_set_change_and_toggle_off(pages, an):
    post = published(pages.kinh_bac)
    client = client_for(an)
    url = reverse("engagement:react", args=[post.pk])
    client.post(url, {"kind": "like"})
    assert Reaction.objects.get(user=an, post=post).kind == "like"
    response = client.post(url, {"kind": "love"}, HTTP_HX_REQUEST="true")
    assert Reaction.objects.get(user=an, post=post).kind == "love"
    html = response.content.decode()
    assert 'data-count="love">1<' in html and 'data-count="like">0<' in html
    client.post(url, {"kind": "love"})
    assert not Reaction.objects.filter(user=an, post=post).exists()


def test_an_unknown_reaction_is_refused_and_nothing_changes(pages, an):
    post = published(pages.kinh_bac)
    response = client_for(an).post(
        reverse("engagement:react", args=[post.pk]), {"kind": "angry"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400 and not Reaction.objects.exists()


def test_no_reaction_to_a_hidden_post(pages, an, personas):
    post = published(pages.kinh_bac)
    post_actions.hide(personas["bacninh.quantri"], post.pk, "Sai thông tin")
    response = client_for(an).post(reverse("engagement:react", args=[post.pk]), {"kind": "like"})
    assert response.status_code == 404 and not Reaction.objects.exists()


# ---------------------------------------------------------------- share and refer


def test_referral_link_counts_one_per_distinct_person_and_attributes_the_follow(pages, an):
    page = pages.kinh_bac
    panel = client_for(an).get(reverse("engagement:share", args=[page.pk]), HTTP_HX_REQUEST="true")
    code = referrals.code_for(an)
    link = f"{reverse('pages:public', args=[page.slug])}?gt={code}"
    assert link in panel.content.decode()

    visitor = Client(HTTP_USER_AGENT="Mozilla/5.0 (Android) khách 1", REMOTE_ADDR="203.0.113.1")
    visitor.get(link)
    visitor.get(link)  # the same person again: still one
    assert PageCounter.objects.get(page=page).referrals == 1
    # Another visitor is another address (a new browser on the same one is not: see
    # tests/security/test_count_inflation.py).
    Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone) khách 2", REMOTE_ADDR="203.0.113.2").get(link)
    assert PageCounter.objects.get(page=page).referrals == 2
    client_for(an).get(link)  # opening your own link is no referral
    assert ReferralOpen.objects.filter(page=page).count() == 2

    # The first visitor signs up and follows: the browser remembered the referral.
    binh = citizen("+84987000003")
    visitor.force_login(binh)
    visitor.post(reverse("engagement:follow", args=[page.pk]))
    follow = Follow.objects.get(user=binh, page=page)
    assert follow.referral is not None and follow.referral.referrer == an
    assert follow.referral.followed_at is not None
    assert [c.page for c in top_pages_by_referrals()] == [page]


def test_a_follow_after_seven_days_is_not_attributed(pages, an):
    page = pages.kinh_bac
    binh = citizen("+84987000004")
    client = client_for(binh)
    client.get(f"{reverse('pages:public', args=[page.slug])}?gt={referrals.code_for(an)}")
    ReferralOpen.objects.update(opened_at=timezone.now() - datetime.timedelta(days=8))
    client.post(reverse("engagement:follow", args=[page.pk]))
    assert Follow.objects.get(user=binh).referral is None


def test_unknown_referral_codes_count_nothing(pages):
    Client().get(f"{reverse('pages:public', args=[pages.kinh_bac.slug])}?gt=khongco")
    Client().get(f"{reverse('pages:public', args=[pages.kinh_bac.slug])}?gt=<script>")
    assert not ReferralOpen.objects.exists()


def test_do_not_track_visitors_are_not_counted(pages, an):
    link = f"{reverse('pages:public', args=[pages.kinh_bac.slug])}?gt={referrals.code_for(an)}"
    Client(HTTP_DNT="1").get(link)
    assert not ReferralOpen.objects.exists()


def test_sharing_is_recorded_with_its_channel(pages, an):
    post = published(pages.kinh_bac)
    response = client_for(an).post(
        reverse("engagement:shared", args=[pages.kinh_bac.pk]),
        {"channel": "zalo", "tin": post.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    share = Share.objects.get()
    assert (share.user, share.post, share.channel) == (an, post, "zalo")
    bad = client_for(an).post(
        reverse("engagement:shared", args=[pages.kinh_bac.pk]),
        {"channel": "telegraph"},
        HTTP_HX_REQUEST="true",
    )
    assert bad.status_code == 400 and Share.objects.count() == 1


def test_anonymous_share_panel_offers_sign_in_not_a_code(pages):
    html = Client().get(reverse("engagement:share", args=[pages.kinh_bac.pk])).content.decode()
    assert "?gt=" not in html and reverse("accounts:phone-start") in html


def test_leaderboard_shows_operators_only_to_staff_of_those_units(pages, an, personas):
    editor = personas["kinhbac.canbo"]
    code = referrals.code_for(editor)
    Client(HTTP_USER_AGENT="a").get(f"/trang/{pages.kinh_bac.slug}/?gt={code}")
    province = client_for(personas["bacninh.quantri"]).get(reverse("engagement:leaderboard"))
    assert editor.full_name in province.content.decode()
    other = client_for(personas["hanoi.quantri"]).get(reverse("engagement:leaderboard"))
    assert editor.full_name not in other.content.decode()
    public = Client().get(reverse("engagement:leaderboard")).content.decode()
    assert editor.full_name not in public and pages.kinh_bac.name in public


# ---------------------------------------------------------------- feed, search, meta


def test_feed_shows_followed_pages_newest_first_and_pages_by_cursor(pages, an):
    first = published(pages.kinh_bac, "Tin thứ nhất của phường")
    published(pages.ha_noi, "Tin của Hà Nội không theo dõi")
    follows.follow(an, pages.kinh_bac.pk)
    later = [published(pages.kinh_bac, f"Tin số {i} của phường") for i in range(21)]
    client = client_for(an)
    html = client.get(reverse("engagement:feed")).content.decode()
    assert later[-1].title in html and "Hà Nội không theo dõi" not in html
    assert first.title not in html  # on the second page
    assert html.index(later[-1].title) < html.index(later[-2].title)
    more = html.split('id="feed-more"')[1].split('href="')[1].split('"')[0]
    older = client.get(reverse("engagement:feed") + more.replace("&amp;", "&")).content.decode()
    assert first.title in older and later[-1].title not in older


def test_feed_needs_sign_in(db):
    response = Client().get(reverse("engagement:feed"))
    assert response.status_code == 302 and "cong-dan" in response["Location"]


def test_search_without_accents_ranks_the_place_then_its_units_and_finds_posts(pages):
    post = published(pages.kinh_bac, "Hội nghị hiệp thương bầu cử ở phường Kinh Bắc")
    html = Client().get(reverse("engagement:search"), {"q": "bac ninh"}).content.decode()
    assert pages.bac_ninh.name in html and pages.kinh_bac.name in html
    assert html.index(pages.bac_ninh.name) < html.index(pages.kinh_bac.name)
    assert pages.ha_noi.name not in html
    found = Client().get(reverse("engagement:search"), {"q": "HIEP THUONG bau cu"})
    assert post.title in found.content.decode()
    nothing = Client().get(reverse("engagement:search"), {"q": "<script>alert(1)</script>"})
    assert nothing.status_code == 200 and "<script>alert(1)" not in nothing.content.decode()


def test_post_page_carries_open_graph_and_twitter_meta(pages):
    post = published(pages.kinh_bac)
    html = Client().get(reverse("posts:public", args=[pages.kinh_bac.slug, post.pk])).content
    html = html.decode()
    assert f'<meta property="og:title" content="{post.title}">' in html
    assert 'property="og:url" content="http://127.0.0.1:8000/trang/' in html
    assert '<meta name="twitter:card"' in html and 'property="og:description"' in html


def test_home_shows_national_and_featured_posts(pages, personas, an):
    central = Page.objects.filter(unit__depth=1, unit__structure__code="2025").first()
    if central is None:
        from congdong.pages.actions import do_establish_many
        from congdong.units.models import Unit

        root = Unit.objects.get(structure__code="2025", depth=1)
        do_establish_many([root], opened_at=timezone.now())
        central = Page.objects.get(unit=root)
    national = published(central, "Thông điệp của Ủy ban Trung ương")
    local = published(pages.kinh_bac, "Phường Kinh Bắc ra quân")
    reactions.react(an, local.pk, "like")
    html = Client().get("/").content.decode()
    assert national.title in html and local.title in html


def test_signing_in_from_a_page_comes_back_to_it(pages, sms_outbox, an):
    from tests.conftest import last_code

    client = Client()
    back = reverse("pages:public", args=[pages.kinh_bac.slug])
    client.post(f"{reverse('accounts:phone-start')}?next={back}", {"phone": "0912345678"})
    response = client.post(reverse("accounts:phone-verify"), {"code": last_code(sms_outbox)})
    assert response.status_code == 302 and response["Location"] == back


def test_sign_in_ignores_a_next_address_elsewhere(pages, sms_outbox, an):
    from tests.conftest import last_code

    client = Client()
    client.post(
        f"{reverse('accounts:phone-start')}?next=https://evil.example/", {"phone": "0912345678"}
    )
    response = client.post(reverse("accounts:phone-verify"), {"code": last_code(sms_outbox)})
    assert response["Location"] == "/"


def test_a_page_shows_ten_posts_and_the_older_ones_by_its_link(pages, an):
    made = [published(pages.kinh_bac, f"Bản tin số {i} của phường") for i in range(12)]
    url = reverse("pages:public", args=[pages.kinh_bac.slug])
    html = client_for(an).get(url).content.decode()
    assert made[-1].title in html and made[2].title in html and made[1].title not in html
    more = html.split('id="posts-more"')[1].split('href="')[1].split('"')[0]
    older = Client().get(url + more.replace("&amp;", "&"), HTTP_HX_REQUEST="true")
    assert made[1].title in older.content.decode() and made[0].title in older.content.decode()
    assert made[2].title not in older.content.decode()
