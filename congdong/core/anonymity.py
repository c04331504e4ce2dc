"""Aggregate-only figures about what citizens said (Decree 356/2025: political opinion is
sensitive data). A figure an analyst sees stands for at least k distinct senders
(`settings.OPINION_MIN_SENDERS`); a smaller one is shown as the text "< k" — never its exact
value, and the same for 0, so that an empty cell cannot be told from a cell of one person.

Figures are `int | Below`: `Below` is a `str` ("< 5"), so templates, JSON, spreadsheets and
text tables print it as it is, and code that adds figures up must not (it raises TypeError).
"""

from __future__ import annotations

from django.conf import settings


class Below(str):
    """A figure hidden because it stands for fewer than k senders: reads "< k"."""

    __slots__ = ()


Figure = int | Below


def min_senders() -> int:
    """k: the fewest distinct senders (or items, for response times) a figure stands for. The
    environment cannot set it below 2 (settings.py); 1, set in code, turns the rule off (the
    tests of the arithmetic do that)."""
    return max(1, int(settings.OPINION_MIN_SENDERS))


def below(k: int | None = None) -> Below:
    return Below(f"< {k or min_senders()}")


def figure(value: int, senders: int, k: int | None = None) -> Figure:
    """`value` when it stands for at least k senders, else "< k"."""
    k = k or min_senders()
    return value if k <= 1 or senders >= k else below(k)


def is_hidden(value: object) -> bool:
    return isinstance(value, Below)
