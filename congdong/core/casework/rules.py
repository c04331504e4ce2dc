"""Rules shared by the casework registers' actions."""

from __future__ import annotations

from django.utils.translation import gettext as _

from congdong.core.errors import ActionError
from congdong.core.text import plain

MIN_WRITTEN = 5


def written(text: str | None, field: str, empty: str, most: int) -> str:
    """What a handler wrote for a move (what was done, an answer, a legal reason): at least
    five characters (else `empty`, on `field`), at most `most`."""
    body = plain(text)
    if len(body) < MIN_WRITTEN:
        raise ActionError(empty, field=field)
    if len(body) > most:
        raise ActionError(_("At most %(max)d characters.") % {"max": most}, field=field)
    return body
