"""Text folding for accent- and case-insensitive matching of Vietnamese."""

from __future__ import annotations

import re

from unidecode import unidecode

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case ASCII form of `text`: "Đắk Lắk" -> "dak lak", spaces collapsed.

    unidecode maps "Đ"/"đ" to "D"/"d", which Unicode decomposition alone does not.
    """
    return _SPACES.sub(" ", unidecode(text or "")).strip().lower()
