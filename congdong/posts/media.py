"""Checking a post's uploads by content: pictures (re-encoded) and PDF documents.

Nothing here stores anything or checks permissions; `congdong.posts.actions` does both.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from congdong.core.errors import ActionError
from congdong.core.images import clean_image
from congdong.core.uploads import is_complete_pdf, read_limited
from congdong.posts.models import MAX_IMAGES_PER_POST, Regulation

MAX_IMAGE_BYTES = 5_000_000
IMAGE_BOX = (1600, 1600)
MAX_PDF_BYTES = 10_000_000
MAX_NAME = 150


@dataclass(frozen=True)
class CleanPicture:
    content: ContentFile  # a JPEG, under a random name
    alt_text: str


@dataclass(frozen=True)
class CleanDocument:
    content: ContentFile  # the PDF's bytes, under a random name
    original_name: str
    size: int


def display_name(name: str, default: str) -> str:
    """The upload's file name, fit to show: no folders, control or path characters, at most
    MAX_NAME characters with its extension kept; `default` if nothing is left."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = re.sub(r'[<>:"|?*]', "", name)
    name = " ".join(name.split()).strip(" .")
    if not name:
        return default
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        ext = ext[:10] if dot else ""
        name = stem[: MAX_NAME - len(ext) - 1].rstrip() + (f".{ext}" if ext else "")
    return name


def image_limit(regulation: Regulation | None) -> int:
    """How many pictures a post may have: the regulation's limit, never more than 10."""
    if regulation is None:
        return MAX_IMAGES_PER_POST
    return min(regulation.max_images, MAX_IMAGES_PER_POST)


def clean_picture(upload: UploadedFile, alt_text: str = "") -> CleanPicture:
    """The upload as a re-encoded JPEG fitted in 1600×1600 (not cropped), or ActionError
    naming the file."""
    name = display_name(upload.name, _("picture"))
    try:
        content = clean_image(upload, "images", MAX_IMAGE_BYTES, IMAGE_BOX, crop=False)
    except ActionError as exc:
        raise ActionError(
            _("“%(name)s”: %(problem)s") % {"name": name, "problem": exc.message},
            field="images",
        ) from exc
    return CleanPicture(content, " ".join(alt_text.split())[:300])


def clean_pdf(upload: UploadedFile) -> CleanDocument:
    """The upload, if by its content it is a PDF of at most 10 MB; else ActionError naming it.

    Looked at by content, never by name or declared type: it must start with the PDF header
    and end with the end-of-file marker, which renamed programs, web pages and pictures do not.
    """
    name = display_name(upload.name, "tai-lieu.pdf")
    limit = MAX_PDF_BYTES // 1_000_000
    too_big = _("“%(name)s” is larger than %(limit)d MB, the limit for a document.") % {
        "name": name,
        "limit": limit,
    }
    data = read_limited(upload, MAX_PDF_BYTES, too_big, "attachments")
    if not is_complete_pdf(data):
        raise ActionError(
            _("“%(name)s” is not a PDF document. Only PDF files can be attached.") % {"name": name},
            field="attachments",
        )
    if not name.lower().endswith(".pdf"):
        name = display_name(f"{name}.pdf", "tai-lieu.pdf")
    content = ContentFile(data, name=f"{secrets.token_hex(8)}.pdf")
    return CleanDocument(content, name, len(data))
