"""Text folding for accent- and case-insensitive matching of Vietnamese."""

from __future__ import annotations

import re
import unicodedata

from unidecode import unidecode

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case ASCII form of `text`: "Đắk Lắk" -> "dak lak", spaces collapsed.

    unidecode maps "Đ"/"đ" to "D"/"d", which Unicode decomposition alone does not.
    """
    return _SPACES.sub(" ", unidecode(line(text))).strip().lower()


# Line breaks and tabs are the only control characters a person types; the rest (NUL above
# all, which PostgreSQL cannot store in text) and lone surrogates are dropped on the way in.
_KEEP = frozenset("\n\t")


def plain(text: str | None) -> str:
    """Text as stored: line breaks unified, control characters removed (but line breaks and
    tabs), composed (NFC), ends trimmed. Never parsed as HTML: templates escape it."""
    text = unicodedata.normalize("NFC", (text or "").replace("\r\n", "\n").replace("\r", "\n"))
    return "".join(
        ch for ch in text if ch in _KEEP or unicodedata.category(ch) not in ("Cc", "Cs")
    ).strip()


def line(text: str | None) -> str:
    """One line of text as stored: `plain`, with every run of white space made one space."""
    return " ".join(plain(text).split())
