"""Numbers, percentages, ranges and dates the way the reader's language writes them.

The one formatter for every figure a person reads — pages (the `so`, `thap_phan`, `phan_tram`
filters of `core/templatetags/humanize_vi.py`), PDF exports, the command line, messages — so a
figure reads the same wherever it is shown:

    Vietnamese  12.414   77,7   12,5 %   6.686–6.907   07/12/2026   07/12/2026 14:05
    English     12,414   77.7   12.5%    6,686–6,907   07/12/2026   07/12/2026 14:05

Rounding is half up (2,5 → 3), never Python's round-half-even nor Django's truncation, and it
happens here, once: a builder hands over the raw figure and every medium shows the same one.

Spreadsheets get numbers, not text: `xlsx_number_format` gives the Excel format that displays
a value as above (Excel applies the reader's own separators), and `plain` the machine form a
CSV carries (unformatted, "." decimals, ISO dates), rounded the same way as shown.

Dates are day/month/year in both languages: the product is Vietnamese and a report read in
English still speaks of Vietnamese dates.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import numberformat, timezone
from django.utils.formats import get_format
from django.utils.translation import get_language

# What a table shows for a figure that does not exist (no data, no answer yet).
NOTHING = "—"
# Places shown for a decimal figure and a percentage unless asked otherwise.
PLACES = 1
RANGE_DASH = "–"  # an en dash, no spaces: "6.686–6.907"


class Percent(float):
    """A percentage, 0–100 (not a fraction): 12.5 reads "12,5 %" and is a number in a
    spreadsheet with a "%"-showing format (Excel's own "%" format would multiply by 100)."""

    __slots__ = ()

    @classmethod
    def of(cls, part: float, whole: float) -> Percent:
        """`part` as a share of `whole`, rounded to one decimal; 0 for an empty whole."""
        return cls(round(100 * part / whole, 1) if whole else 0.0)


def _english() -> bool:
    return (get_language() or "vi")[:2] == "en"


def _rounded(value: float | int | Decimal, places: int) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _grouped(value: Decimal, places: int | None) -> str:
    # Grouping is asked for here, not in the settings: Django's "vi" formats leave
    # NUMBER_GROUPING at 0, and a global thousands separator would also group ids in addresses.
    return numberformat.format(
        value,
        get_format("DECIMAL_SEPARATOR"),
        places,
        grouping=3,
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


def round_int(value: float | int) -> int:
    """`value` rounded half up to a whole number (an estimated count of people)."""
    return int(_rounded(value, 0))


def format_int(value: float | int | str | None) -> str:
    """A count, rounded half up and grouped: "12.414". A text (a hidden figure "< 5",
    core/anonymity.py) as it is; "—" for None."""
    if value is None:
        return NOTHING
    if isinstance(value, str):
        return value
    return _grouped(_rounded(value, 0), None)


def format_decimal(value: float | int | str | None, places: int = PLACES) -> str:
    """A measure with `places` decimals, rounded half up and grouped: "1.234,6"."""
    if value is None:
        return NOTHING
    if isinstance(value, str):
        return value
    return _grouped(_rounded(value, places), places)


def format_percent(value: float | int | str | None, places: int = PLACES) -> str:
    """A percentage (0–100): "12,5 %" in Vietnamese (a space before the sign, as Vietnamese
    writes it), "12.5%" in English."""
    if value is None:
        return NOTHING
    if isinstance(value, str):
        return value
    number = format_decimal(value, places)
    return f"{number}%" if _english() else f"{number} %"


def format_range(low: float | int, high: float | int) -> str:
    """Two counts as one range: "6.686–6.907" (an estimate's 95 % interval)."""
    return f"{format_int(low)}{RANGE_DASH}{format_int(high)}"


def format_date(value: datetime.date | None) -> str:
    """ "07/12/2026"; "—" for None."""
    if value is None:
        return NOTHING
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().strftime("%d/%m/%Y")
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime.datetime | None) -> str:
    """ "07/12/2026 14:05" in Vietnam's time; "—" for None."""
    if value is None:
        return NOTHING
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%d/%m/%Y %H:%M")


def format_value(value: object) -> str:
    """Any value of a report as the reader sees it, by its type: whole numbers as counts,
    `Percent` as a percentage, other floats with one decimal, dates and times, "—" for None."""
    if value is None:
        return NOTHING
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, Percent):
        return format_percent(value)
    if isinstance(value, int):
        return format_int(value)
    if isinstance(value, float):
        return format_decimal(value)
    if isinstance(value, datetime.datetime):
        return format_datetime(value)
    if isinstance(value, datetime.date):
        return format_date(value)
    return str(value)


def plain(value: object) -> str | int | float:
    """A value as a machine reads it (CSV): the figure `format_value` shows, unformatted —
    whole numbers, one decimal for floats and percentages, ISO dates, "" for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return float(_rounded(value, PLACES))
    if isinstance(value, datetime.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


# Excel formats: Excel shows them with the separators of the reader's own system, so a
# Vietnamese Excel reads 12.414 and 77,7 — the same as the page.
XLSX_INTEGER = "#,##0"
XLSX_DECIMAL = "#,##0.0"
XLSX_PERCENT_VI = '#,##0.0" %"'
XLSX_PERCENT_EN = '#,##0.0"%"'
XLSX_DATE = "dd/mm/yyyy"
XLSX_DATETIME = "dd/mm/yyyy hh:mm"


def xlsx_number_format(value: object) -> str | None:
    """The Excel number format that displays `value` as `format_value` does; None for text."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Percent):
        return XLSX_PERCENT_EN if _english() else XLSX_PERCENT_VI
    if isinstance(value, int):
        return XLSX_INTEGER
    if isinstance(value, float):
        return XLSX_DECIMAL
    if isinstance(value, datetime.datetime):
        return XLSX_DATETIME
    if isinstance(value, datetime.date):
        return XLSX_DATE
    return None


def xlsx_value(value: object) -> object:
    """The number a spreadsheet cell holds: rounded as shown (a float to one decimal), so the
    cell's value is the figure the page and the PDF show, not one with more digits."""
    if isinstance(value, float) and not isinstance(value, bool):
        return float(_rounded(value, PLACES))
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)  # Excel has no time zones
    return value
