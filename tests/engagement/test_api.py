"""The API of the public site and of citizens' actions, as a mobile app uses it: public reads
without signing in, a phone login for a bearer token, then follow, react, comment and share."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from congdong.accounts.models import AccountKind, User
from congdong.accounts.roles import Role
from congdong.engagement.models import Comment, Follow, PageCounter, Reaction, ReferralOpen, Share
from congdong.pages import actions as page_actions
from congdong.pages.models import CommentPolicy, Page
from congdong.posts import actions as post_actions
from congdong.posts.models import Post
from tests.conftest import client_for, last_code
from tests.posts import conftest as post_fixtures
from tests.posts.conftest import grant, submitted

pages, regulation = post_fixtures.pages, post_fixtures.regulation  # fixtures used here

pytestmark = pytest.mark.django_db

API = "/api/v1"
JSON = "application/json"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # rate-limit windows must not leak between tests
    yield
    cache.clear()


def publish(personas, page: Page, title: str) -> Post:
    """A post of phường Kinh Bắc's editor approved by Bắc Ninh's admin; on another page, of
    an editor and an approver of that page's unit."""
    editor, approver = personas["kinhbac.canbo"], personas["bacninh.quantri"]
    if page.unit != editor.memberships.first().unit:
        editor = grant(f"bientap.{page.pk}", page.unit, Role.EDITOR)
        approver = grant(f"duyet.{page.pk}", page.unit, Role.APPROVER)
    post = submitted(editor, page, title=title)
    post_actions.approve(approver, post.pk)
    return post_actions.publish_or_schedule(editor, post.pk)


@pytest.fixture
def posts(personas, pages) -> tuple[Post, Post]:
    return (
        publish(personas, pages.kinh_bac, "Tin cũ hơn"),
        publish(personas, pages.kinh_bac, "Tin mới hơn"),
    )


def token_for(phone: str, outbox, **profile) -> dict[str, str]:
    """Headers of an app signed in by phone through the API."""
    app = Client()
    app.post(f"{API}/auth/phone/start", {"phone": phone}, content_type=JSON)
    data = {"phone": phone, "code": last_code(outbox), **profile}
    response = app.post(f"{API}/auth/phone/verify", data, content_type=JSON)
    assert response.status_code == 200, response.content
    return {"Authorization": f"Bearer {response.json()['token']}"}


@pytest.fixture
def an(personas, sms_outbox) -> dict[str, str]:
    """The demo citizen Nguyễn Văn An's app, signed in."""
    return token_for("+84912345678", sms_outbox)


def an_user() -> User:
    return User.objects.get(phone="+84912345678")


# ---------------------------------------------------------------- public reads


def test_a_page_is_read_without_signing_in(posts, pages):
    response = Client().get(f"{API}/public/pages/{pages.kinh_bac.slug}")
    assert response.status_code == 200
    page = response.json()
    assert page["id"] == pages.kinh_bac.pk
    assert page["posts"] == 2 and page["followers"] == 0 and page["referrals"] == 0
    assert page["following"] is False
    assert page["url"].endswith(f"/trang/{pages.kinh_bac.slug}/")


def test_a_pages_posts_come_newest_first_by_cursor(posts, pages, django_assert_max_num_queries):
    older, newer = posts
    url = f"{API}/public/pages/{pages.kinh_bac.slug}/posts"
    with django_assert_max_num_queries(6):
        first = Client().get(url, {"limit": 1}).json()
    assert [p["id"] for p in first["items"]] == [newer.pk]
    second = Client().get(url, {"limit": 1, "before": first["next_cursor"]}).json()
    assert [p["id"] for p in second["items"]] == [older.pk]
    assert second["next_cursor"] is None


def test_a_post_is_read_with_its_reactions_by_kind(posts, an):
    _older, newer = posts
    Client().post(
        f"{API}/posts/{newer.pk}/reactions", {"kind": "love"}, content_type=JSON, headers=an
    )
    post = Client().get(f"{API}/public/posts/{newer.pk}").json()
    assert post["title"] == "Tin mới hơn"
    assert "<p>" in post["body"]
    assert post["reactions"] == 1 and post["comments"] == 0
    counts = {r["kind"]: r["count"] for r in post["reaction_counts"]}
    assert counts["love"] == 1 and counts["like"] == 0
    mine = Client().get(f"{API}/public/posts/{newer.pk}", headers=an).json()
    assert [r["kind"] for r in mine["reaction_counts"] if r["mine"]] == ["love"]


def test_drafts_and_hidden_posts_are_never_shown(posts, pages, personas):
    older, newer = posts
    draft = submitted(personas["kinhbac.canbo"], pages.kinh_bac, title="Chưa duyệt")
    post_actions.hide(personas["kinhbac.canbo"], older.pk, "Đang rà soát lại")
    listed = Client().get(f"{API}/public/pages/{pages.kinh_bac.slug}/posts").json()["items"]
    assert [p["id"] for p in listed] == [newer.pk]
    assert Client().get(f"{API}/public/posts/{draft.pk}").status_code == 404
    assert Client().get(f"{API}/public/posts/{older.pk}").status_code == 404
    assert Client().get(f"{API}/public/pages/{pages.kinh_bac.slug}").json()["posts"] == 1


def test_a_suspended_page_and_its_posts_are_not_served(posts, pages, personas):
    _older, newer = posts
    page_actions.move_page(personas["bacninh.quantri"], pages.kinh_bac.pk, "suspended", "Tạm dừng")
    slug = pages.kinh_bac.slug
    assert Client().get(f"{API}/public/pages/{slug}").status_code == 404
    assert Client().get(f"{API}/public/pages/{slug}/posts").status_code == 404
    assert Client().get(f"{API}/public/posts/{newer.pk}").status_code == 404
    assert Client().get(f"{API}/public/posts/{newer.pk}/comments").status_code == 404


def test_search_finds_pages_and_posts_without_accents(posts, pages):
    found = Client().get(f"{API}/public/search", {"q": "kinh bac"}).json()
    assert [p["followers"] for p in found["pages"] if p["id"] == pages.kinh_bac.pk] == [0]
    found = Client().get(f"{API}/public/search", {"q": "tin moi hon"}).json()
    assert found["posts"][0]["id"] == posts[1].pk  # every word in its title
    assert Client().get(f"{API}/public/search", {"q": "khong co dau ca"}).json()["posts"] == []


def test_the_openapi_schema_still_generates():
    response = Client().get(f"{API}/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert f"{API}/public/posts/{{post_id}}" in paths and f"{API}/auth/phone/verify" in paths


# ---------------------------------------------------------------- actions with a token


def test_a_token_follows_and_unfollows_a_page(pages, an):
    url = f"{API}/pages/{pages.kinh_bac.pk}/follow"
    response = Client().post(url, headers=an)
    assert response.status_code == 200
    assert response.json() == {"following": True, "followers": 1}
    assert Follow.objects.filter(user=an_user(), page=pages.kinh_bac).exists()
    page = Client().get(f"{API}/public/pages/{pages.kinh_bac.slug}", headers=an).json()
    assert page["following"] is True and page["followers"] == 1
    assert Client().delete(url, headers=an).json() == {"following": False, "followers": 0}
    assert not Follow.objects.exists()


def test_actions_without_a_token_or_with_a_revoked_one_get_401(pages, posts, an):
    follow = f"{API}/pages/{pages.kinh_bac.pk}/follow"
    assert Client().post(follow).status_code == 401
    Client().post(f"{API}/auth/logout", headers=an)
    assert Client().post(follow, headers=an).status_code == 401
    react = f"{API}/posts/{posts[1].pk}/reactions"
    assert Client().post(react, {"kind": "like"}, content_type=JSON, headers=an).status_code == 401
    assert not Follow.objects.exists() and not Reaction.objects.exists()


def test_the_web_session_still_works_for_actions(pages, personas):
    response = client_for(an_user()).post(f"{API}/pages/{pages.kinh_bac.pk}/follow")
    assert response.status_code == 200


def test_reacting_again_with_the_same_kind_removes_it(posts, an):
    url = f"{API}/posts/{posts[1].pk}/reactions"
    assert (
        Client().post(url, {"kind": "like"}, content_type=JSON, headers=an).json()["mine"] == "like"
    )
    assert (
        Client().post(url, {"kind": "thanks"}, content_type=JSON, headers=an).json()["mine"]
        == "thanks"
    )
    assert Reaction.objects.get().kind == "thanks"
    assert (
        Client().post(url, {"kind": "thanks"}, content_type=JSON, headers=an).json()["mine"] is None
    )
    assert not Reaction.objects.exists()


def test_an_unknown_reaction_is_refused_with_400(posts, an):
    url = f"{API}/posts/{posts[1].pk}/reactions"
    response = Client().post(url, {"kind": "angry"}, content_type=JSON, headers=an)
    assert response.status_code == 400 and response.json()["field"] == "kind"


def test_a_staff_account_without_a_verified_phone_cannot_follow(pages, personas):
    staff = personas["kinhbac.doanvien"]
    assert staff.phone_verified_at is None
    response = client_for(staff).post(f"{API}/pages/{pages.kinh_bac.pk}/follow")
    assert response.status_code == 403
    assert "147/2024" in response.json()["detail"]  # the decree, in either language
    english = client_for(staff).post(
        f"{API}/pages/{pages.kinh_bac.pk}/follow", headers={"Accept-Language": "en"}
    )
    # A staff account is told a citizen's account is needed, and how to get one.
    assert english.json()["detail"].startswith("This is done from a citizen's account")
    assert not Follow.objects.exists()


def test_too_many_reactions_get_429_with_retry_after(posts, an, settings):
    settings.ENGAGEMENT_LIMITS = {**settings.ENGAGEMENT_LIMITS, "reaction": 2}
    url = f"{API}/posts/{posts[1].pk}/reactions"
    for kind in ("like", "love"):
        assert Client().post(url, {"kind": kind}, content_type=JSON, headers=an).status_code == 200
    response = Client().post(url, {"kind": "sad"}, content_type=JSON, headers=an)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 61
    assert response.json()["detail"]
    assert Reaction.objects.get().kind == "love"


def test_a_share_returns_the_link_with_the_referral_code(posts, pages, an):
    post = posts[1]
    data = {"page_id": pages.kinh_bac.pk, "post_id": post.pk, "channel": "zalo"}
    response = Client().post(f"{API}/shares", data, content_type=JSON, headers=an)
    assert response.status_code == 201
    shared = response.json()
    assert shared["url"].endswith(
        f"/trang/{pages.kinh_bac.slug}/tin/{post.pk}/?gt={shared['code']}"
    )
    assert Share.objects.get().channel == "zalo"
    link = Client().get(f"{API}/me/referral-link", {"page_id": pages.kinh_bac.pk}, headers=an)
    assert link.json()["url"].endswith(f"/trang/{pages.kinh_bac.slug}/?gt={shared['code']}")


def test_a_share_of_a_post_of_another_page_is_404(posts, pages, an):
    data = {"page_id": pages.ha_noi.pk, "post_id": posts[1].pk, "channel": "copy"}
    assert Client().post(f"{API}/shares", data, content_type=JSON, headers=an).status_code == 404
    assert not Share.objects.exists()


def test_opening_a_shared_link_counts_one_referral_and_credits_a_later_follow(
    posts, pages, an, sms_outbox
):
    code = (
        Client()
        .get(f"{API}/me/referral-link", {"page_id": pages.kinh_bac.pk}, headers=an)
        .json()["code"]
    )
    visitor = Client(HTTP_USER_AGENT="app/1.0", REMOTE_ADDR="203.0.113.9")
    url = f"{API}/public/pages/{pages.kinh_bac.slug}"
    opened = visitor.get(url, {"gt": code}).json()
    assert opened["referral"]
    visitor.get(url, {"gt": code})  # the same person again: still one
    visitor.get(f"{API}/public/posts/{posts[1].pk}", {"gt": code})
    assert PageCounter.objects.get(page=pages.kinh_bac).referrals == 1
    assert Client().get(url).json()["referrals"] == 1
    # The visitor signs up in the app and follows, handing back what the page read returned.
    headers = token_for(
        "0987654321", sms_outbox, full_name="Lê Văn Cường", date_of_birth="1990-01-02", consent=True
    )
    follow = f"{API}/pages/{pages.kinh_bac.pk}/follow"
    referral = f"{follow}?referral={opened['referral']}"
    assert Client().post(referral, headers=headers).status_code == 200
    referral = ReferralOpen.objects.get()
    assert referral.referrer == an_user() and referral.followed_at is not None
    assert Follow.objects.get(user__phone="+84987654321").referral == referral


def test_opening_ones_own_link_counts_nothing(pages, an):
    code = (
        Client()
        .get(f"{API}/me/referral-link", {"page_id": pages.kinh_bac.pk}, headers=an)
        .json()["code"]
    )
    Client().get(f"{API}/public/pages/{pages.kinh_bac.slug}", {"gt": code}, headers=an)
    assert not ReferralOpen.objects.exists()


def test_the_feed_shows_posts_of_followed_pages(posts, pages, personas, an):
    other = publish(personas, pages.bac_ninh, "Tin của tỉnh")
    assert Client().get(f"{API}/me/feed", headers=an).json()["items"] == []
    Client().post(f"{API}/pages/{pages.kinh_bac.pk}/follow", headers=an)
    items = Client().get(f"{API}/me/feed", headers=an).json()["items"]
    assert [p["id"] for p in items] == [posts[1].pk, posts[0].pk]
    assert other.pk not in [p["id"] for p in items]
    assert Client().get(f"{API}/me/feed").status_code == 401


# ---------------------------------------------------------------- comments and notifications


def test_comments_are_written_answered_edited_and_deleted(posts, personas, an, sms_outbox):
    post = posts[1]
    url = f"{API}/posts/{post.pk}/comments"
    response = Client().post(url, {"body": "Cảm ơn Mặt trận!"}, content_type=JSON, headers=an)
    assert response.status_code == 201
    mine = response.json()
    assert mine["state"] == "visible" and mine["mine"] is True
    assert mine["author"] == an_user().full_name
    other = token_for(
        "0987654321", sms_outbox, full_name="Lê Văn Cường", date_of_birth="1990-01-02", consent=True
    )
    reply = Client().post(
        url, {"body": "Đồng ý", "parent_id": mine["id"]}, content_type=JSON, headers=other
    )
    assert reply.status_code == 201
    thread = Client().get(f"{API}/public/posts/{post.pk}/comments").json()
    assert [c["id"] for c in thread] == [mine["id"]]
    assert [r["body"] for r in thread[0]["replies"]] == ["Đồng ý"]
    assert thread[0]["mine"] is False  # read without a token
    edited = Client().patch(
        f"{API}/comments/{mine['id']}", {"body": "Cảm ơn!"}, content_type=JSON, headers=an
    )
    assert edited.status_code == 200 and edited.json()["edited_at"]
    # Only its author may change a comment.
    assert Client().delete(f"{API}/comments/{mine['id']}", headers=other).status_code == 403
    assert Client().delete(f"{API}/comments/{mine['id']}", headers=an).status_code == 204
    thread = Client().get(f"{API}/public/posts/{post.pk}/comments").json()
    assert thread[0]["placeholder"] is True and thread[0]["body"] == ""
    assert Client().get(f"{API}/public/posts/{post.pk}").json()["comments"] == 1


def test_an_empty_comment_is_refused_and_nothing_is_written(posts, an):
    url = f"{API}/posts/{posts[1].pk}/comments"
    response = Client().post(url, {"body": "   "}, content_type=JSON, headers=an)
    assert response.status_code == 400 and response.json()["field"] == "body"
    assert not Comment.objects.exists()


def test_a_held_comment_is_shown_only_to_its_author(posts, pages, personas, an):
    Page.objects.filter(pk=pages.kinh_bac.pk).update(comment_policy=CommentPolicy.REVIEW)
    post = posts[1]
    url = f"{API}/posts/{post.pk}/comments"
    made = Client().post(url, {"body": "Chờ duyệt"}, content_type=JSON, headers=an).json()
    assert made["state"] == "held"
    assert Client().get(f"{API}/public/posts/{post.pk}/comments").json() == []
    own = Client().get(f"{API}/public/posts/{post.pk}/comments", headers=an).json()
    assert [c["id"] for c in own] == [made["id"]]


def test_a_reply_notifies_the_author_who_marks_it_read(
    posts, an, sms_outbox, django_capture_on_commit_callbacks
):
    post = posts[1]
    url = f"{API}/posts/{post.pk}/comments"
    with_reply = Client().post(url, {"body": "Hỏi"}, content_type=JSON, headers=an).json()
    other = token_for(
        "0987654321", sms_outbox, full_name="Lê Văn Cường", date_of_birth="1990-01-02", consent=True
    )
    # The reply notification is written after commit, as in production.
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(
            url,
            {"body": "Trả lời", "parent_id": with_reply["id"]},
            content_type=JSON,
            headers=other,
        )
    bell = Client().get(f"{API}/me/notifications", headers=an).json()
    assert bell["unread"] == 1
    assert bell["items"][0]["kind"] == "reply" and bell["items"][0]["post_id"] == post.pk
    read = Client().post(f"{API}/me/notifications/read", {}, content_type=JSON, headers=an)
    assert read.json() == {"changed": 1}
    assert Client().get(f"{API}/me/notifications", headers=an).json()["unread"] == 0


def test_a_reply_must_be_to_a_comment_of_the_same_post(posts, an):
    first = (
        Client()
        .post(
            f"{API}/posts/{posts[0].pk}/comments",
            {"body": "Ở tin cũ"},
            content_type=JSON,
            headers=an,
        )
        .json()
    )
    response = Client().post(
        f"{API}/posts/{posts[1].pk}/comments",
        {"body": "Lạc chỗ", "parent_id": first["id"]},
        content_type=JSON,
        headers=an,
    )
    assert response.status_code == 400 and response.json()["field"] == "parent_id"


def test_a_citizen_account_is_made_by_the_api_with_a_verified_phone(pages, sms_outbox):
    headers = token_for(
        "0987654321", sms_outbox, full_name="Lê Văn Cường", date_of_birth="1990-01-02", consent=True
    )
    assert (
        Client().post(f"{API}/pages/{pages.kinh_bac.pk}/follow", headers=headers).status_code == 200
    )
    user = User.objects.get(phone="+84987654321")
    assert user.kind == AccountKind.CITIZEN and user.phone_verified_at <= timezone.now()
