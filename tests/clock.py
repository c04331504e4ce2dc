"""Times in Hà Nội, as the tests write them."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def vn(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> datetime.datetime:
    """`y-m-d h:mi` in Hà Nội (UTC+7)."""
    return datetime.datetime(y, m, d, h, mi, tzinfo=VN)
