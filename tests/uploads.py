"""Files as a browser uploads them: a picture of any size and format, a minimal PDF."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def picture(size=(800, 600), fmt="PNG", name="anh.png") -> SimpleUploadedFile:
    """A plain red picture of `size` in `fmt`."""
    out = io.BytesIO()
    Image.new("RGB", size, (166, 27, 27)).save(out, fmt)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")


def pdf(name="don.pdf", data=PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")
