"""Uploaded pictures: checked by content (not by name), re-encoded and resized with Pillow.

Re-encoding drops whatever else the file carried (metadata with GPS positions, scripts in
polyglot files); SVG is refused because Pillow does not read it and browsers run its scripts.
"""

from __future__ import annotations

import io
import secrets
import warnings

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from congdong.core.errors import ActionError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_PIXELS = 40_000_000  # a 40-megapixel photo; bigger is refused before decoding


def clean_image(
    upload: UploadedFile, field: str, max_bytes: int, box: tuple[int, int], crop: bool
) -> ContentFile:
    """A re-encoded JPEG of the upload, fitted into `box` (cropped to it when `crop`).

    Raises ActionError (for `field`) for files too big, not pictures, or of another type.
    """
    if upload.size is not None and upload.size > max_bytes:
        raise ActionError(
            _("The picture is %(size).1f MB; the limit is %(limit)d MB.")
            % {"size": upload.size / 1_000_000, "limit": max_bytes // 1_000_000},
            field=field,
        )
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ActionError(
            _("The picture is larger than %(limit)d MB.") % {"limit": max_bytes // 1_000_000},
            field=field,
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind = probe.format
                if probe.width * probe.height > MAX_PIXELS:
                    raise ActionError(_("The picture has too many pixels."), field=field)
                probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except ActionError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise ActionError(
            _(
                "This file is not a picture we can read. Use a JPEG, PNG, WebP or GIF file "
                "(SVG is not accepted)."
            ),
            field=field,
        ) from exc
    if kind not in ACCEPTED_FORMATS:
        raise ActionError(_("Use a JPEG, PNG, WebP or GIF picture."), field=field)
    image = ImageOps.exif_transpose(image).convert("RGB")
    image = ImageOps.fit(image, box) if crop else _shrink(image, box)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return ContentFile(out.getvalue(), name=f"{secrets.token_hex(8)}.jpg")


def _shrink(image: Image.Image, box: tuple[int, int]) -> Image.Image:
    image.thumbnail(box)
    return image
