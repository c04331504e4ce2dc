"""Every file people upload passes here first (issue 7 §5, "uploads sniffed and re-encoded").

- The size is checked before anything is read past the limit.
- The type comes from the bytes (`sniff`), never from the file's name or the Content-Type the
  browser sent: a web page renamed `anh.jpg` is not a picture.
- Pictures (JPEG, PNG, WebP, GIF) are decoded and re-encoded by Pillow (congdong.core.images):
  what is stored is a new JPEG made of the pixels only, so metadata (EXIF, GPS positions,
  comments) and anything appended to the file (the script of a GIF/JS polyglot) are gone.
- PDF documents are not rewritten (no PDF sanitiser is trusted here): they must start with the
  PDF header and end with its end-of-file marker, are stored under a random name, and are only
  ever served as downloads (Content-Disposition: attachment, nosniff, a sandboxing CSP; see
  congdong/urls.py and the feedback attachment views).
- Everything else (SVG, HTML, programs, office files …) is refused with a message.

Callers: page avatar and cover (congdong.pages.actions), post pictures and documents
(congdong.posts.media), feedback files on the web and in the API (congdong.feedback.actions).
"""

from __future__ import annotations

import enum
import re

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from congdong.core.errors import ActionError


class Kind(enum.StrEnum):
    JPEG = "jpeg"
    PNG = "png"
    GIF = "gif"
    WEBP = "webp"
    PDF = "pdf"


PICTURES = frozenset({Kind.JPEG, Kind.PNG, Kind.GIF, Kind.WEBP})
PDF_HEADER = re.compile(rb"%PDF-[12]\.\d")
# "%%EOF" ends a PDF, possibly followed by a line break or a little padding some writers add.
PDF_EOF_WINDOW = 2048


def sniff(data: bytes) -> Kind | None:
    """The file's type from its first bytes (its "magic number"), or None for anything else."""
    if data.startswith(b"\xff\xd8\xff"):
        return Kind.JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return Kind.PNG
    if data.startswith((b"GIF87a", b"GIF89a")):
        return Kind.GIF
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return Kind.WEBP
    if PDF_HEADER.match(data):
        return Kind.PDF
    return None


def read_limited(upload: UploadedFile, max_bytes: int, too_big: str, field: str) -> bytes:
    """The upload's bytes from the start; ActionError `too_big` past `max_bytes`, judged by
    the size the server measured and then by what is read (never more than the limit + 1)."""
    if upload.size is not None and upload.size > max_bytes:
        raise ActionError(too_big, field=field)
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ActionError(too_big, field=field)
    return data


def is_complete_pdf(data: bytes) -> bool:
    """Starts with the PDF header and ends with its end-of-file marker, which renamed
    programs, web pages and pictures do not (nor a PDF cut short)."""
    return sniff(data) == Kind.PDF and b"%%EOF" in data[-PDF_EOF_WINDOW:]


def size_in_mb(limit: int) -> int:
    return limit // 1_000_000


def picture_too_big(max_bytes: int) -> str:
    return _("The picture is larger than %(limit)d MB.") % {"limit": size_in_mb(max_bytes)}


def not_a_picture() -> str:
    return _(
        "This file is not a picture we can read. Use a JPEG, PNG, WebP or GIF file "
        "(SVG is not accepted)."
    )
