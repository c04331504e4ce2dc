"""Numbers the way the reader's language writes them: 12.414 and 77,7 in Vietnamese."""

from __future__ import annotations

from django.utils import numberformat
from django.utils.formats import get_format


def grouped(value: float | int, decimal_pos: int | None = None) -> str:
    """`value` with thousands grouped by 3 and the active language's separators.

    Grouping is asked for here, not in the settings: Django's "vi" formats leave
    NUMBER_GROUPING at 0, and a global thousands separator would also group ids in addresses.
    """
    return numberformat.format(
        value,
        get_format("DECIMAL_SEPARATOR"),
        decimal_pos,
        grouping=3,
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )
