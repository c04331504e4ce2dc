"""Uploaded pictures: checked by content (not by name), re-encoded and resized with Pillow.

Re-encoding keeps the pixels and nothing else: metadata with GPS positions, comments, colour
profiles and whatever a polyglot file carries after the picture (a script) are not copied.
SVG is refused because Pillow does not read it and browsers run its scripts. See
congdong/core/uploads.py for the rules every upload follows.
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
from congdong.core.uploads import PICTURES, not_a_picture, picture_too_big, read_limited, sniff

# Only these decoders are ever run on an upload, whatever Pillow could read besides.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
# A 40-megapixel photo; bigger is refused from the header, before any pixel is decoded, so a
# small file that would expand to gigabytes (a decompression bomb) costs nothing.
MAX_PIXELS = 40_000_000
BACKGROUND = (255, 255, 255)  # transparent parts of a PNG, GIF or WebP become white, not black


def clean_image(
    upload: UploadedFile, field: str, max_bytes: int, box: tuple[int, int], crop: bool
) -> ContentFile:
    """A re-encoded JPEG of the upload, fitted into `box` (cropped to it when `crop`).

    Raises ActionError (for `field`) for files too big, not pictures, or of another type.
    An animated GIF or WebP keeps its first frame; a photo taken sideways is turned upright
    by its EXIF orientation before the EXIF is dropped.
    """
    if upload.size is not None and upload.size > max_bytes:
        raise ActionError(
            _("The picture is %(size).1f MB; the limit is %(limit)d MB.")
            % {"size": upload.size / 1_000_000, "limit": max_bytes // 1_000_000},
            field=field,
        )
    data = read_limited(upload, max_bytes, picture_too_big(max_bytes), field)
    if sniff(data) not in PICTURES:
        raise ActionError(not_a_picture(), field=field)
    image = _decode(data, field)
    image = _flatten(ImageOps.exif_transpose(image))
    image = ImageOps.fit(image, box) if crop else _shrink(image, box)
    out = io.BytesIO()
    # No exif=, icc_profile= or comment=: the new file carries none of the original's.
    image.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return ContentFile(out.getvalue(), name=f"{secrets.token_hex(8)}.jpg")


def _decode(data: bytes, field: str) -> Image.Image:
    too_many = ActionError(
        _("The picture has too many pixels (at most %(limit)d megapixels).")
        % {"limit": MAX_PIXELS // 1_000_000},
        field=field,
    )
    try:
        with warnings.catch_warnings():
            # Pillow's own guard (MAX_IMAGE_PIXELS) as an error, for sizes past ours too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as probe:
                if probe.width * probe.height > MAX_PIXELS:
                    raise too_many
                probe.verify()
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
            image.load()  # the first frame of an animation
    except ActionError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_many from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ActionError(not_a_picture(), field=field) from exc
    return image


def _flatten(image: Image.Image) -> Image.Image:
    """RGB, with any transparency laid on white."""
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA"):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, BACKGROUND)
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def _shrink(image: Image.Image, box: tuple[int, int]) -> Image.Image:
    image.thumbnail(box)
    return image
