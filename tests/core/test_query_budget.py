"""Every public page renders, uncached, in at most 8 queries — anonymous and as a citizen.

The pages carry realistic content: a page with 20 published posts with pictures, a post with
reactions and comments, a citizen who follows pages. The cache is cleared before each request
so that the budget is the cost of building the page.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, Resolver404, resolve
from django.utils import timezone

from congdong.accounts.models import AccountKind, User
from congdong.engagement.actions import comments, follows, reactions
from congdong.engagement.models import ReactionKind
from congdong.posts.models import Category, Post, PostImage, PostState, Regulation
from congdong.posts.search import searchable
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
BUDGET = 8


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def citizen(n: int) -> User:
    return User.objects.create(
        username=f"cd8491234{n:04d}",
        kind=AccountKind.CITIZEN,
        phone=f"+8491234{n:04d}",
        full_name=f"Công dân {n}",
        phone_verified_at=timezone.now(),
    )


def published_posts(page, count: int, author: User) -> list[Post]:
    """`count` published posts with two pictures each (rows only: the budget is about queries)."""
    regulation = Regulation.objects.order_by("-version").first()
    category = Category.objects.get(regulation=regulation, code="hoat-dong-mat-tran")
    body = "<p>Ban công tác Mặt trận khu dân cư ra quân làm sạch môi trường.</p>"
    alike = {"page": page, "author": author, "category": category, "regulation": regulation}
    alike |= {"body": body, "tags": "môi trường", "state": PostState.PUBLISHED}
    now = timezone.now()
    posts = []
    for n in range(count):
        title = f"Bản tin khu dân cư số {n + 1}"
        at = now - datetime.timedelta(hours=n)
        search_text = searchable(title, body, "môi trường")
        posts.append(
            Post(**alike, title=title, search_text=search_text, publish_at=at, published_at=at)
        )
    posts = Post.objects.bulk_create(posts)
    PostImage.objects.bulk_create(
        PostImage(post=p, file=f"posts/images/2026/11/anh-{p.pk}-{i}.jpg", order=i, alt_text="Ảnh")
        for p in posts
        for i in range(2)
    )
    return posts


@pytest.fixture
def site(personas, pages):
    """Kinh Bắc with 20 posts; the newest with reactions and comments; An follows 2 pages."""
    an = User.objects.get(phone="+84912345678")
    posts = published_posts(pages.kinh_bac, 20, personas["kinhbac.canbo"])
    published_posts(pages.bac_ninh, 5, personas["kinhbac.canbo"])
    post = posts[0]
    people = [citizen(n) for n in range(5)]
    kinds = list(ReactionKind.values)
    for n, person in enumerate([an, *people]):
        reactions.react(person, post.pk, kinds[n % len(kinds)])
        comments.comment(person, post.pk, f"Ý kiến số {n + 1}: rất thiết thực cho bà con.")
    for page in (pages.kinh_bac, pages.bac_ninh):
        follows.follow(an, page.pk)
    return {"an": an, "post": post, "pages": pages}


def urls(site) -> dict[str, str]:
    pages, post = site["pages"], site["post"]
    return {
        "home": "/",
        "directory 2022": "/?structure=2022",
        "unit": f"/don-vi/{pages.kinh_bac.unit_id}/",
        "page": f"/trang/{pages.kinh_bac.slug}/",
        "post": f"/trang/{pages.kinh_bac.slug}/tin/{post.pk}/",
        "search": "/tim-kiem/?q=bac+ninh",
        "feed": "/bang-tin/",
    }


PAGES = ["home", "directory 2022", "unit", "page", "post", "search", "feed"]


def within_budget(client: Client, url: str) -> None:
    try:
        resolve(url.split("?")[0])
    except (Resolver404, NoReverseMatch):
        pytest.skip(f"{url} is not routed yet")
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code in (200, 302), url
    used = len(queries.captured_queries)
    if used > BUDGET:
        listing = "\n".join(f"  {q['sql'][:400]}" for q in queries.captured_queries)
        pytest.fail(f"{url}: {used} queries (budget {BUDGET}):\n{listing}")


@pytest.mark.parametrize("name", PAGES)
def test_each_public_page_fits_the_budget_for_anonymous_visitors(site, name):
    within_budget(Client(), urls(site)[name])


@pytest.mark.parametrize("name", PAGES)
def test_each_public_page_fits_the_budget_for_a_signed_in_citizen(site, name):
    within_budget(client_for(site["an"]), urls(site)[name])
