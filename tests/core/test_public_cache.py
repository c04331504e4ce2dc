"""Anonymous visitors get cached public pages; publishing, hiding and editing show at once;
signed-in people and cached copies never see each other's HTML."""

from __future__ import annotations

import pytest
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone

from congdong.accounts.models import User
from congdong.core import public_cache
from congdong.posts import actions
from congdong.posts.models import Post
from tests.conftest import client_for
from tests.posts.conftest import published, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def editor(personas) -> User:
    return personas["kinhbac.canbo"]


def publish(personas, page, title: str, category: str = "hoat-dong-mat-tran") -> Post:
    editor, approver = personas["kinhbac.canbo"], personas["bacninh.quantri"]
    return published(editor, approver, page, category, title=title)


@pytest.fixture
def first_post(personas, pages, django_capture_on_commit_callbacks) -> Post:
    with django_capture_on_commit_callbacks(execute=True):
        return publish(personas, pages.kinh_bac, "Ra quân làm sạch môi trường khu dân cư")


def page_url(pages) -> str:
    return f"/trang/{pages.kinh_bac.slug}/"


def test_the_second_anonymous_visit_is_a_hit_in_at_most_two_queries(
    pages, first_post, django_assert_max_num_queries
):
    visitor = Client()
    first = visitor.get(page_url(pages))
    assert first.status_code == 200 and first["X-Cache"] == "miss"
    with django_assert_max_num_queries(2):
        second = Client().get(page_url(pages))
    assert second["X-Cache"] == "hit"
    assert second.content == first.content


def test_a_published_post_shows_on_the_next_anonymous_visit(
    personas, pages, first_post, django_capture_on_commit_callbacks
):
    Client().get(page_url(pages))
    assert Client().get(page_url(pages))["X-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        publish(personas, pages.kinh_bac, "Hội nghị hiệp thương lần thứ nhất")
    response = Client().get(page_url(pages))
    assert response["X-Cache"] == "miss"
    assert "Hội nghị hiệp thương lần thứ nhất" in response.content.decode()


def test_a_hidden_post_disappears_from_the_page_and_its_address(
    editor, pages, first_post, django_capture_on_commit_callbacks
):
    post_url = f"{page_url(pages)}tin/{first_post.pk}/"
    assert first_post.title in Client().get(page_url(pages)).content.decode()
    assert Client().get(post_url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        actions.hide(editor, first_post.pk, "Đang rà soát lại nội dung")
    assert first_post.title not in Client().get(page_url(pages)).content.decode()
    assert Client().get(post_url).status_code == 404


def test_an_edit_of_a_published_post_shows_on_the_next_anonymous_visit(
    editor, pages, first_post, django_capture_on_commit_callbacks
):
    post_url = f"{page_url(pages)}tin/{first_post.pk}/"
    Client().get(post_url)
    assert Client().get(post_url)["X-Cache"] == "hit"
    fields = {
        "category": first_post.category.code,  # revisions in this category apply at once
        "title": "Ra quân dọn rác khu dân cư số 3",
        "body": first_post.body,
        "source_url": "",
        "tags": first_post.tags,
    }
    with django_capture_on_commit_callbacks(execute=True):
        actions.revise(editor, first_post.pk, fields)
    for url in (post_url, page_url(pages)):
        response = Client().get(url)
        assert response["X-Cache"] == "miss"
        assert "Ra quân dọn rác khu dân cư số 3" in response.content.decode()


def test_the_scheduled_publish_sweep_shows_its_posts(
    personas, pages, first_post, django_capture_on_commit_callbacks
):
    editor, approver = personas["kinhbac.canbo"], personas["bacninh.quantri"]
    post = submitted(editor, pages.kinh_bac, title="Lịch tiếp công dân tháng Mười hai")
    actions.approve(approver, post.pk)
    soon = timezone.now() + timezone.timedelta(minutes=5)
    actions.publish_or_schedule(editor, post.pk, soon)
    Client().get(page_url(pages))
    assert Client().get(page_url(pages))["X-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.publish_due(soon + timezone.timedelta(seconds=1)) == 1
    response = Client().get(page_url(pages))
    assert response["X-Cache"] == "miss"
    assert "Lịch tiếp công dân tháng Mười hai" in response.content.decode()


def test_signed_in_people_and_anonymous_visitors_never_share_html(personas, pages, first_post):
    citizen = User.objects.get(phone="+84912345678")
    warm = Client().get(page_url(pages))
    assert warm["X-Cache"] == "miss"
    signed_in = client_for(citizen).get(page_url(pages))
    assert signed_in["X-Cache"] == "bypass"
    assert str(citizen) in signed_in.content.decode()
    assert "csrfmiddlewaretoken" in signed_in.content.decode()  # their POST forms work

    anonymous = Client().get(page_url(pages))
    assert anonymous["X-Cache"] == "hit"
    html = anonymous.content.decode()
    assert str(citizen) not in html
    assert "csrfmiddlewaretoken" not in html and "X-CSRFToken" not in html
    assert "csrftoken" not in anonymous.cookies


def test_vietnamese_and_english_copies_are_separate(pages, first_post):
    english = Client()
    english.get(f"/ngon-ngu/en/?next={page_url(pages)}")
    vi_first = Client().get(page_url(pages))
    en_first = english.get(page_url(pages))
    assert vi_first["X-Cache"] == en_first["X-Cache"] == "miss"
    assert '<html lang="en">' in en_first.content.decode()
    vi_again, en_again = Client().get(page_url(pages)), english.get(page_url(pages))
    assert vi_again["X-Cache"] == en_again["X-Cache"] == "hit"
    assert '<html lang="vi">' in vi_again.content.decode()
    assert '<html lang="en">' in en_again.content.decode()


def test_the_anonymous_language_switch_is_a_link_that_sets_the_cookie(pages, first_post):
    html = Client().get(page_url(pages)).content.decode()
    assert f'href="/ngon-ngu/en/?next={page_url(pages)}"' in html
    response = Client().get(f"/ngon-ngu/en/?next={page_url(pages)}")
    assert response.status_code == 302 and response["Location"] == page_url(pages)
    assert response.cookies["django_language"].value == "en"


def test_the_language_switch_never_sends_visitors_off_the_site(db):
    response = Client().get("/ngon-ngu/vi/?next=https://example.com/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert Client().get("/ngon-ngu/xx/").status_code == 404


# ---------------------------------------------------------------- the helper itself


def anonymous_get(path: str = "/trang/x/", **headers) -> object:
    request = RequestFactory().get(path, headers=headers)
    request.user = AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_a_visitor_with_a_message_waiting_gets_a_fresh_page(db):
    request = anonymous_get()
    messages.success(request, "Đã lưu.")
    response = public_cache.cached_response(request, ("page", 1), lambda: HttpResponse("x"))
    assert response["X-Cache"] == "bypass"


def test_only_successful_responses_are_stored(db):
    def not_found() -> HttpResponse:
        return HttpResponse("không có", status=404)

    for _ in range(2):
        response = public_cache.cached_response(anonymous_get(), ("page", 1), not_found)
        assert response["X-Cache"] == "miss" and response.status_code == 404


def test_a_bump_of_one_page_leaves_other_pages_cached(db):
    built = []

    def build() -> HttpResponse:
        built.append(1)
        return HttpResponse("trang")

    for path, page_id in (("/trang/a/", 1), ("/trang/b/", 2)):
        public_cache.cached_response(anonymous_get(path), ("page", page_id), build)
    public_cache.bump_page(1)
    a = public_cache.cached_response(anonymous_get("/trang/a/"), ("page", 1), build)
    b = public_cache.cached_response(anonymous_get("/trang/b/"), ("page", 2), build)
    assert (a["X-Cache"], b["X-Cache"]) == ("miss", "hit")
    public_cache.bump_all()
    b = public_cache.cached_response(anonymous_get("/trang/b/"), ("page", 2), build)
    assert b["X-Cache"] == "miss"


def test_a_lost_version_never_brings_back_an_old_copy(db):
    def build() -> HttpResponse:
        return HttpResponse("trang")

    public_cache.cached_response(anonymous_get(), ("page", 1), build)
    cache.delete(public_cache._version_key(("page", 1)))  # evicted, or Redis restarted
    again = public_cache.cached_response(anonymous_get(), ("page", 1), build)
    assert again["X-Cache"] == "miss"


def test_the_bench_bypass_header_works_only_with_bench_views_on(db, settings):
    def build() -> HttpResponse:
        return HttpResponse("trang")

    public_cache.cached_response(anonymous_get(), ("page", 1), build)
    header = {public_cache.BENCH_BYPASS_HEADER: "1"}
    settings.BENCH_VIEWS = False
    assert (
        public_cache.cached_response(anonymous_get(**header), ("page", 1), build)["X-Cache"]
        == "hit"
    )
    settings.BENCH_VIEWS = True
    assert (
        public_cache.cached_response(anonymous_get(**header), ("page", 1), build)["X-Cache"]
        == "bypass"
    )
