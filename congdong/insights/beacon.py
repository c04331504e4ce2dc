"""What the viewport beacon (static/congdong/beacon.js) and its no-script pixel may send."""

from __future__ import annotations

import json
import re

from django.utils.translation import gettext as _

from congdong.core.errors import ActionError

MAX_ITEMS = 50
MAX_BYTES = 8_192  # 50 items of two ids fit in under 2 KB
PIXEL_ITEM = re.compile(r"([1-9][0-9]{0,17})\.([1-9][0-9]{0,17})", re.ASCII)


def _id(value: object) -> int:
    # bool is an int in Python, and ids are not true or false.
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
        raise ActionError(_("Each item needs a positive whole number for post and page."))
    return value


def parse_seen(body: bytes) -> list[tuple[int, int]]:
    """The (page id, post id) pairs of a beacon body `{"seen": [{"post": 1, "page": 2}, …]}`,
    without repeats; ActionError (400) with the reason when it is anything else."""
    if len(body) > MAX_BYTES:
        raise ActionError(_("The beacon is too large."))
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ActionError(_("The beacon is not valid JSON.")) from None
    seen = data.get("seen") if isinstance(data, dict) else None
    if not isinstance(seen, list) or not seen:
        raise ActionError(_('The beacon needs a non-empty list "seen".'))
    if len(seen) > MAX_ITEMS:
        raise ActionError(_("The beacon may carry at most %(max)d items.") % {"max": MAX_ITEMS})
    pairs: dict[tuple[int, int], None] = {}
    for item in seen:
        if not isinstance(item, dict):
            raise ActionError(_("Each item needs a positive whole number for post and page."))
        pairs[(_id(item.get("page")), _id(item.get("post")))] = None
    return list(pairs)


def parse_pixel(value: str) -> list[tuple[int, int]]:
    """The pairs of the no-script pixel's `seen` parameter: "page.post,page.post,…"."""
    pairs: dict[tuple[int, int], None] = {}
    for part in value.split(",")[:MAX_ITEMS]:
        found = PIXEL_ITEM.fullmatch(part)
        if found:
            pairs[(int(found[1]), int(found[2]))] = None
    return list(pairs)
