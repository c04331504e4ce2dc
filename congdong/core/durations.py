"""Durations the way a person reads them: "3 giây", "2 giờ 15 phút", "1 ngày 4 giờ".

The one formatter for every length of time shown to a user (templates, exports, messages):
`str(timedelta)` reads "0:00:03.953029", which nobody should see.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

_UNITS = (
    (86400, lambda n: ngettext("%(n)d day", "%(n)d days", n) % {"n": n}),
    (3600, lambda n: ngettext("%(n)d hour", "%(n)d hours", n) % {"n": n}),
    (60, lambda n: ngettext("%(n)d minute", "%(n)d minutes", n) % {"n": n}),
    (1, lambda n: ngettext("%(n)d second", "%(n)d seconds", n) % {"n": n}),
)


def duration(value: datetime.timedelta | float | int | None, parts: int = 2) -> str:
    """`value` (a timedelta or seconds) in the active language, its `parts` largest units,
    rounded down ("2 giờ 15 phút" for 2:15:59); "" for None. Negative values read as their
    size: the caller says whether it is time left or time late."""
    if value is None:
        return ""
    seconds = value.total_seconds() if isinstance(value, datetime.timedelta) else float(value)
    seconds = int(abs(seconds))
    if seconds < 1:
        return _("under a second")
    shown: list[str] = []
    for size, label in _UNITS:
        n, seconds = divmod(seconds, size)
        if n:
            shown.append(label(n))
        elif shown:
            break  # "1 giờ 5 giây" would skip the minutes: stop at the first gap
        if len(shown) == parts:
            break
    return " ".join(shown)


def since(moment: datetime.datetime, now: datetime.datetime | None = None) -> str:
    """How long ago `moment` was, largest unit only ("3 giờ trước")."""
    now = now or timezone.now()
    if now - moment < datetime.timedelta(minutes=1):
        return _("just now")
    return _("%(duration)s ago") % {"duration": duration(now - moment, parts=1)}
