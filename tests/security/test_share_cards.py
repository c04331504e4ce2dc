"""Every public view people share shows a complete card on Facebook, Zalo and the rest:
OpenGraph and Twitter title, description, picture and address, and the canonical link, once
each, from the one share-card tag — the page of a unit as well as its posts."""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from congdong.engagement.actions import referrals
from congdong.pages import actions as page_actions
from congdong.pages.models import Page
from congdong.posts.models import Post
from tests import uploads
from tests.conftest import client_for
from tests.engagement.conftest import citizen, published
from tests.posts.conftest import Pages

pytestmark = pytest.mark.django_db
SITE = "https://congdong.example.vn"
ROOT = Path(__file__).resolve().parents[2]
# What Facebook and Zalo read for a card (og:*) and what X and others read (twitter:*).
CARD = (
    ("property", "og:type"),
    ("property", "og:site_name"),
    ("property", "og:title"),
    ("property", "og:description"),
    ("property", "og:url"),
    ("property", "og:image"),
    ("property", "og:image:alt"),
    ("property", "og:locale"),
    ("name", "twitter:card"),
    ("name", "twitter:title"),
    ("name", "twitter:description"),
    ("name", "twitter:image"),
    ("name", "description"),
)


@pytest.fixture(autouse=True)
def site(settings, tmp_path):
    settings.SITE_URL = SITE
    settings.MEDIA_ROOT = tmp_path


def card(text: str) -> dict[str, str]:
    """The card's values; each tag must be there exactly once."""
    found = {}
    for attr, key in CARD:
        values = re.findall(rf'<meta {attr}="{re.escape(key)}" content="([^"]*)">', text)
        assert len(values) == 1, (key, values)
        found[key] = html_lib.unescape(values[0])
    canonical = re.findall(r'<link rel="canonical" href="([^"]*)">', text)
    assert len(canonical) == 1, canonical
    found["canonical"] = html_lib.unescape(canonical[0])
    return found


def picture(size=(1600, 900)) -> SimpleUploadedFile:
    return uploads.picture(size, name="bia.png")


def shareable(pages: Pages, post: Post) -> dict[str, tuple[str, str]]:
    """Each public view people share: its address and the title its card must carry."""
    page = pages.kinh_bac
    return {
        "home": (reverse("site:home"), "Danh bạ Trang cộng đồng"),
        "directory": (reverse("units:detail", args=[page.unit_id]), page.unit.full_name),
        "page": (reverse("pages:public", args=[page.slug]), page.name),
        "post": (reverse("posts:public", args=[page.slug, post.pk]), post.title),
        "answers": (reverse("feedback:public-answers", args=[page.slug]), page.name),
        "search": (reverse("engagement:search"), "Tìm trang và tin bài"),
        "policy": (reverse("privacy:policy"), "Chính sách bảo vệ dữ liệu cá nhân"),
    }


@pytest.mark.parametrize(
    "view", ["home", "directory", "page", "post", "answers", "search", "policy"]
)
def test_every_shareable_public_view_has_a_complete_card(pages, view):
    path, title = shareable(pages, published(pages.kinh_bac))[view]
    response = Client().get(path, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    found = card(response.text)
    assert title in found["og:title"] and found["twitter:title"] == found["og:title"]
    assert found["og:description"].strip() and found["twitter:description"].strip()
    assert found["og:url"] == found["canonical"] == f"{SITE}{path}"
    assert found["og:image"].startswith(f"{SITE}/") and found["twitter:image"] == found["og:image"]
    assert found["twitter:card"] == "summary_large_image"
    # The picture is really there for the platform that fetches it.
    image = Client().get(found["og:image"].removeprefix(SITE))
    assert image.status_code == 200 and image["Content-Type"].startswith("image/")


def test_a_unit_page_card_shows_its_name_introduction_and_cover(pages, personas):
    page: Page = pages.kinh_bac
    admin = personas["bacninh.quantri"]
    page_actions.do_profile(
        page_actions.check_profile(
            admin,
            page.pk,
            name=page.name,
            description="Cổng thông tin của Mặt trận phường Kinh Bắc.",
        )
    )
    page_actions.do_pictures(*page_actions.check_pictures(admin, page.pk, None, picture()))
    page.refresh_from_db()
    found = card(Client().get(reverse("pages:public", args=[page.slug])).text)
    assert found["og:title"] == page.name
    assert found["og:description"] == "Cổng thông tin của Mặt trận phường Kinh Bắc."
    assert found["og:image"] == SITE + page.cover.url
    assert found["og:type"] == "website"


def test_a_post_card_is_an_article_of_its_page(pages):
    post = published(pages.kinh_bac)
    found = card(Client().get(reverse("posts:public", args=[pages.kinh_bac.slug, post.pk])).text)
    assert (found["og:type"], found["og:site_name"]) == ("article", pages.kinh_bac.name)


def test_a_referral_link_shares_the_pages_one_address(pages):
    an = citizen("+84912000041", "Nguyễn Văn An")
    code = referrals.code_for(an)
    path = reverse("pages:public", args=[pages.kinh_bac.slug])
    found = card(Client().get(path, {"gt": code}).text)
    assert found["canonical"] == found["og:url"] == SITE + path  # without ?gt=


def test_the_admins_preview_is_not_a_card_to_share(pages, personas):
    client = client_for(personas["bacninh.quantri"])
    preview = client.get(reverse("pages:preview", args=[pages.kinh_bac.pk]))
    assert preview.status_code == 200 and 'property="og:' not in preview.text


def test_cards_come_from_the_one_share_card_tag():
    """No template writes card tags of its own (they would drift apart)."""
    templates = ROOT / "congdong" / "templates"
    writers = sorted(
        str(path.relative_to(templates))
        for path in templates.rglob("*.html")
        if re.search(r'property="og:|name="twitter:|rel="canonical"', path.read_text("utf-8"))
    )
    assert writers == ["core/_share_card.html"]
