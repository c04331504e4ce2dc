"""Uploads are sniffed and re-encoded (issue 7 §5), through every real upload path: a page's
avatar and cover, a post's pictures and documents, and feedback files on the web and in the
API. Whatever the name or declared type, only real pictures (re-encoded as clean JPEGs) and
real PDF documents are stored."""

from __future__ import annotations

import io
import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone
from PIL import Image

from congdong.accounts.tokens import do_issue_token
from congdong.pages.actions import do_establish_many
from congdong.pages.models import Page
from tests.conftest import client_for, unit_2025
from tests.feedback.conftest import category, people, send, units  # noqa: F401 (fixtures)
from tests.posts.conftest import write
from tests.uploads import pdf

pytestmark = pytest.mark.django_db

JS = b"*/=alert(document.domain);//"
GPS_LATITUDE = (21.0, 11.0, 9.0)
FEEDBACK_TEXT = "Đèn đường ngõ 3 khu phố Đông bị hỏng đã hai tuần, đi lại buổi tối rất nguy hiểm."


def png(size=(600, 400), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (166, 27, 27) if mode == "RGB" else 0).save(out, "PNG")
    return out.getvalue()


def gif_js_polyglot() -> bytes:
    """A GIF that is also a script: `GIF89a/*…*/=alert(…)` parses as JavaScript. Its width,
    0x2A2F, is the bytes "/*"; the script closes the comment after the picture's end."""
    out = io.BytesIO()
    Image.new("P", (0x2A2F, 1), 1).save(out, "GIF")
    data = out.getvalue()
    assert data[:8] in (b"GIF87a/*", b"GIF89a/*") and b"*/" not in data[8:]
    return data + JS


def jpeg_with_gps() -> bytes:
    """A landscape photo stored sideways (EXIF orientation 6) with where it was taken."""
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: turn 90° clockwise to view
    exif[0x010F] = "Máy ảnh của tôi"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: GPS_LATITUDE, 3: "E", 4: (106.0, 4.0, 33.0)})
    out = io.BytesIO()
    Image.new("RGB", (600, 300), (20, 120, 40)).save(out, "JPEG", exif=exif)
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)
    return data


def bomb() -> bytes:
    """A tiny PNG that decodes to 48 megapixels (the limit is 40)."""
    out = io.BytesIO()
    Image.new("1", (8000, 6000), 0).save(out, "PNG", optimize=True)
    data = out.getvalue()
    assert len(data) < 200_000
    return data


def huge_png_header() -> bytes:
    """Just a PNG header claiming 100,000 × 100,000 pixels: refused without decoding."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body).to_bytes(4, "big")
        return len(body).to_bytes(4, "big") + kind + body + crc

    ihdr = (100_000).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    idat = zlib.compress(b"\x00" * 1000)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


BAD = {
    "html-named-jpg": (
        "anh.jpg",
        b"<!doctype html><html><body><script>alert(1)</script></body></html>",
        "image/jpeg",
        "Không đọc được tệp ảnh",
    ),
    "svg": (
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "image/svg+xml",
        "Không đọc được tệp ảnh",
    ),
    "svg-named-png": (
        "logo.png",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        "image/png",
        "Không đọc được tệp ảnh",
    ),
    "oversize": ("lon.png", b"\x89PNG\r\n\x1a\n" + b"0" * 5_000_001, "image/png", "5 MB"),
    "decompression-bomb": ("bom.png", None, "image/png", "độ phân giải quá lớn"),
    "huge-header": ("dau.png", None, "image/png", "độ phân giải quá lớn"),
    "program-named-pdf": ("don.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "application/pdf", None),
}


def bad_file(key: str) -> tuple[SimpleUploadedFile, str | None]:
    name, data, content_type, message = BAD[key]
    if key == "decompression-bomb":
        data = bomb()
    elif key == "huge-header":
        data = huge_png_header()
    return SimpleUploadedFile(name, data, content_type=content_type), message


def text_of(response: HttpResponse) -> str:
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode()


# ---------------------------------------------------------------- the upload paths


@dataclass
class Route:
    """One way a file reaches the server, and the files it stored."""

    send: Callable[[SimpleUploadedFile], HttpResponse]
    stored: Callable[[], list[bytes]]
    ok: int = 302


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"  # post and feedback files (core/private_files.py)
    return tmp_path


def _page_route(request, field: str) -> Route:
    request.getfixturevalue("personas")
    do_establish_many([unit_2025("24")], opened_at=timezone.now())
    page = Page.objects.get(unit=unit_2025("24"))
    from congdong.accounts.models import User

    admin = client_for(User.objects.get(username="bacninh.quantri"))

    def send(upload):
        return admin.post(f"/lam-viec/trang/{page.pk}/hinh-anh/", {f"pic-{field}": upload})

    def stored():
        page.refresh_from_db()
        picture = getattr(page, field)
        return [picture.read()] if picture else []

    return Route(send, stored)


def _post_route(request) -> Route:
    personas = request.getfixturevalue("personas")
    pages = request.getfixturevalue("pages")
    draft = write(personas["kinhbac.canbo"], pages.kinh_bac, title="Ngày hội Đại đoàn kết")
    editor = client_for(personas["kinhbac.canbo"])

    def send(upload):
        kind = "attachments" if upload.name.endswith(".pdf") else "images"
        return editor.post(
            f"/lam-viec/tin-bai/{draft.pk}/tep/", {f"media-{kind}": [upload], "media-alt_text": ""}
        )

    def stored():
        files = [*draft.images.all(), *draft.attachments.all()]
        return [f.file.read() for f in files]

    return Route(send, stored)


def _feedback_route(request, api: bool) -> Route:
    citizen = request.getfixturevalue("people")["an"]
    kinh_bac = request.getfixturevalue("units").kinh_bac
    from congdong.feedback.models import FeedbackAttachment

    def send(upload):
        if api:
            fields = {
                "unit_id": kinh_bac.pk,
                "category_id": category().pk,
                "text": FEEDBACK_TEXT,
                "public": "true",
                "consent": "true",
                "files": [upload],
            }
            token = do_issue_token(citizen).key
            return Client().post("/api/v1/feedback", fields, HTTP_AUTHORIZATION=f"Bearer {token}")
        fields = {
            "unit": kinh_bac.pk,
            "category": category().pk,
            "text": FEEDBACK_TEXT,
            "visibility": "public",
            "consent": "on",
            "files": [upload],
        }
        return client_for(citizen).post("/phan-anh/gui/", fields)

    def stored():
        return [a.file.read() for a in FeedbackAttachment.objects.filter(feedback__citizen=citizen)]

    return Route(send, stored, ok=201 if api else 302)


ROUTES = ["page-avatar", "page-cover", "post", "feedback-web", "feedback-api"]


@pytest.fixture(params=ROUTES)
def route(request) -> Route:
    match request.param:
        case "page-avatar":
            return _page_route(request, "avatar")
        case "page-cover":
            return _page_route(request, "cover")
        case "post":
            return _post_route(request)
        case "feedback-web":
            return _feedback_route(request, api=False)
        case _:
            return _feedback_route(request, api=True)


# ---------------------------------------------------------------- tests


@pytest.mark.parametrize("bad", list(BAD))
def test_files_that_are_not_real_pictures_or_documents_are_refused(route, bad, media_root):
    upload, message = bad_file(bad)
    response = route.send(upload)
    assert response.status_code == 400, text_of(response)
    if message:
        assert message in text_of(response)
    assert route.stored() == []
    assert not [p for p in media_root.rglob("*") if p.is_file()]


def test_a_gif_js_polyglot_is_stored_as_a_jpeg_without_the_script(route):
    response = route.send(SimpleUploadedFile("vui.gif", gif_js_polyglot(), "image/gif"))
    assert response.status_code == route.ok, text_of(response)
    (data,) = route.stored()
    assert data.startswith(b"\xff\xd8\xff") and not data.startswith(b"GIF")
    assert b"alert" not in data and JS not in data
    assert Image.open(io.BytesIO(data)).format == "JPEG"


def test_exif_and_gps_are_removed_and_the_photo_turned_upright(route):
    response = route.send(SimpleUploadedFile("IMG_0001.JPG", jpeg_with_gps(), "image/jpeg"))
    assert response.status_code == route.ok, text_of(response)
    (data,) = route.stored()
    stored = Image.open(io.BytesIO(data))
    exif = stored.getexif()
    assert not exif and not exif.get_ifd(0x8825)
    assert b"Exif" not in data and "Máy ảnh".encode() not in data
    if stored.size != (400, 400):  # the avatar is cropped square; the others keep the shape
        assert stored.height > stored.width  # orientation 6 applied before the EXIF went


def test_transparent_pictures_get_a_white_background(route):
    out = io.BytesIO()
    Image.new("RGBA", (300, 300), (0, 0, 0, 0)).save(out, "PNG")
    response = route.send(SimpleUploadedFile("trong-suot.png", out.getvalue(), "image/png"))
    assert response.status_code == route.ok, text_of(response)
    (data,) = route.stored()
    assert Image.open(io.BytesIO(data)).convert("RGB").getpixel((5, 5)) > (240, 240, 240)


def test_an_animated_gif_keeps_its_first_frame(route):
    frames = [Image.new("RGB", (200, 200), colour) for colour in ((0, 0, 255), (255, 0, 0))]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    response = route.send(SimpleUploadedFile("dong.gif", out.getvalue(), "image/gif"))
    assert response.status_code == route.ok, text_of(response)
    (data,) = route.stored()
    red, _green, blue = Image.open(io.BytesIO(data)).getpixel((100, 100))
    assert blue > 200 and red < 50


# ---------------------------------------------------------------- serving


def test_stored_uploads_are_served_as_inert_data(personas, pages, media_root):
    editor = client_for(personas["kinhbac.canbo"])
    draft = write(personas["kinhbac.canbo"], pages.kinh_bac, title="Ngày hội Đại đoàn kết")
    pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    editor.post(
        f"/lam-viec/tin-bai/{draft.pk}/tep/",
        {
            "media-images": [SimpleUploadedFile("a.png", png(), "image/png")],
            "media-attachments": [SimpleUploadedFile("k.pdf", pdf, "application/pdf")],
        },
    )
    document = editor.get(draft.attachments.get().url)
    assert document["Content-Disposition"].startswith("attachment")
    assert document["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in document["Content-Security-Policy"]
    picture = editor.get(draft.images.get().url)
    assert (
        picture["Content-Type"] == "image/jpeg" and "sandbox" in picture["Content-Security-Policy"]
    )
    assert not picture.get("Content-Disposition", "").startswith("attachment")


def test_feedback_documents_are_downloaded_not_opened(people, units):  # noqa: F811
    item = send(people["an"], units.kinh_bac, files=[pdf()])
    attachment = item.attachments.get()
    for url in (f"/phan-anh/tep/{attachment.pk}/", f"/api/v1/feedback/attachments/{attachment.pk}"):
        response = client_for(people["an"]).get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
