"""Page avatar and cover: pictures are checked by content, re-encoded and resized."""

from __future__ import annotations

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from congdong.pages.actions import do_establish_many
from congdong.pages.models import Page
from tests import uploads
from tests.conftest import client_for, unit_2025

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def picture(size=(2000, 1500), fmt="PNG", name="anh.png") -> SimpleUploadedFile:
    return uploads.picture(size, fmt, name)


@pytest.fixture
def page(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    do_establish_many([unit_2025("24")], opened_at=timezone.now())
    return Page.objects.get(unit=unit_2025("24"))


def upload(client, page, **files):
    return client.post(
        f"/lam-viec/trang/{page.pk}/hinh-anh/", {f"pic-{name}": f for name, f in files.items()}
    )


def test_avatar_and_cover_are_resized_and_reencoded(personas, page):
    admin = client_for(personas["bacninh.quantri"])
    response = upload(admin, page, avatar=picture(), cover=picture((3000, 900), "WEBP", "b.webp"))
    assert response.status_code == 302
    page.refresh_from_db()
    with Image.open(page.avatar.path) as avatar:
        assert (avatar.format, avatar.size) == ("JPEG", (400, 400))
    with Image.open(page.cover.path) as cover:
        assert cover.format == "JPEG" and cover.width <= 1600 and cover.height <= 600
    public = admin.get(f"/trang/{page.slug}/").content.decode()
    assert page.avatar.url in public
    assert admin.get(page.avatar.url).status_code == 200


def test_replacing_a_picture_deletes_the_old_file(personas, page):
    admin = client_for(personas["bacninh.quantri"])
    upload(admin, page, avatar=picture())
    page.refresh_from_db()
    first = page.avatar.path
    upload(admin, page, avatar=picture((800, 800)))
    page.refresh_from_db()
    assert page.avatar.path != first
    assert not os.path.exists(first)
    assert os.path.exists(page.avatar.path)


@pytest.mark.parametrize(
    "bad",
    [
        SimpleUploadedFile("logo.svg", SVG, content_type="image/svg+xml"),
        SimpleUploadedFile("anh.jpg", b"not a picture at all", content_type="image/jpeg"),
        SimpleUploadedFile("anh.jpg", b"\xff\xd8\xff" + b"0" * 100, content_type="image/jpeg"),
        SimpleUploadedFile("to.png", b"\x89PNG" + b"0" * 5_000_001, content_type="image/png"),
    ],
    ids=["svg", "text-named-jpg", "broken-jpeg", "over-5-mb"],
)
def test_bad_files_are_refused_with_a_message_and_change_nothing(personas, page, bad):
    admin = client_for(personas["bacninh.quantri"])
    response = upload(admin, page, avatar=picture(), cover=bad)
    assert response.status_code == 400
    assert response.context["pictures"].errors["cover"]
    page.refresh_from_db()
    assert not page.avatar and not page.cover  # the good avatar was not stored either


def test_pictures_need_the_page_admin_right(personas, page):
    response = upload(client_for(personas["hanoi.quantri"]), page, avatar=picture())
    assert response.status_code == 404  # another province's page: out of scope
    page.refresh_from_db()
    assert not page.avatar
