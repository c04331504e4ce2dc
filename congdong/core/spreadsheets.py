"""Text cells that a spreadsheet will not run (CSV/formula injection, OWASP).

Excel, LibreOffice and Google Sheets treat a cell that starts with `=`, `+`, `-` or `@` (or a
tab or carriage return before one) as a formula: a page name or a citizen's text such as
`=HYPERLINK("http://…")` would run when a leader opens the export. A CSV is also split again
by whoever opens it, on the list separator of their system — `;` on Vietnamese Windows, `,`
elsewhere — so `Kinh Bắc;=1+1` in one cell becomes a formula in the next one unless the cell is
quoted, and a tool that does not honour quotes splits it anyway. Hence, for every writer:

- CSV: every cell quoted (`csv.QUOTE_ALL`), and a text cell that starts like a formula, or has
  a separator followed by a formula start anywhere, gets a leading apostrophe (`safe_text`),
  which spreadsheets show as text and never evaluate.
- XLSX: text cells are stored as strings (never formulas) and those same cells carry Excel's
  "quote prefix" (the stored form of a typed apostrophe), so editing one does not turn it into
  a formula either; the text is kept as written.

Numbers and dates are written as numbers and dates: `-5` as a number is a value, not a formula.
"""

from __future__ import annotations

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A separator a spreadsheet may split a line on (comma, the Vietnamese semicolon, tab, pipe, a
# line break), then spaces, then a formula start.
AFTER_SEPARATOR = re.compile(r"[,;|\t\r\n]\s*[=+\-@]")


def formula_like(text: str) -> bool:
    """A spreadsheet could read `text`, or a piece of it split off at a separator, as a formula."""
    return text.startswith(FORMULA_START) or AFTER_SEPARATOR.search(text) is not None


def safe_text(text: str) -> str:
    """`text` as a CSV cell no spreadsheet evaluates: an apostrophe in front when formula-like."""
    return "'" + text if formula_like(text) else text


# Excel refuses these in a sheet name, a name longer than 31 characters, and one that starts or
# ends with an apostrophe; it compares names ignoring case.
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_MAX = 31


def sheet_name_fits(name: str) -> bool:
    """Whether Excel accepts `name` as a sheet's name (uniqueness aside)."""
    return (
        bool(name.strip())
        and len(name) <= SHEET_MAX
        and not SHEET_FORBIDDEN.search(name)
        and not name.startswith("'")
        and not name.endswith("'")
    )


def sheet_title(name: str, taken: set[str]) -> str:
    """`name` as the title of a new sheet, unchanged, after checking that Excel accepts it and
    that no sheet in `taken` (casefolded names, updated here) has it already.

    Raises ValueError otherwise: a sheet's name is chosen to fit (a short Vietnamese name, the
    long title going in the sheet's first row), never cut — a cut name reads "Tỷ lệ đăng đúng
    hạn theo cấp đơ". Names are fixed texts of the code, so the tests over every workbook and
    both languages catch a name that does not fit before anyone sees one.
    """
    name = str(name)
    if not sheet_name_fits(name):
        raise ValueError(
            f"not a sheet name Excel accepts (at most {SHEET_MAX} characters, "
            f"none of []:*?/\\, no apostrophe at either end): {name!r}"
        )
    if name.casefold() in taken:
        raise ValueError(f"two sheets named {name!r}")
    taken.add(name.casefold())
    return name
