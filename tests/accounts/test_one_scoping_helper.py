"""Who may see or handle which units is decided in one place: `scope()` and
`within()` in congdong/accounts/queries.py. This guard fails when an app rebuilds it — an OR of
`path__startswith` prefixes over a person's paths, a filter on a loose path variable, or a
hand-made `covers()` (`x.startswith(p) for p in paths`).

Allowed: a filter on the subtree of one unit (`unit__path__startswith=unit.path`, as in the
`in_subtree(unit)` query set methods). The benchmarks' authorisation oracle (congdong/bench) is
left out on purpose: it must stay an independent model of the rules.
"""

from __future__ import annotations

import re
from pathlib import Path

import congdong

PACKAGE = Path(congdong.__file__).parent
OWNER = PACKAGE / "accounts"
LEFT_OUT = (OWNER, PACKAGE / "bench", PACKAGE / "demo")

# An OR of prefixes built up in a loop: `where |= Q(unit__path__startswith=path)`.
OR_OF_PREFIXES = re.compile(r"\|=.*path__startswith")
# A prefix filter whose value is not one unit's path: `...path__startswith=top` or, through
# `**{...}`, `"...path__startswith": path` (`unit.path`, `focus.path` are one unit's subtree).
LOOSE_PREFIX = re.compile(r"""path__startswith["']?\s*[=:]\s*(?P<value>[\w.\[\]]+)""")
# A hand-made `Scope.covers()`: `any(unit.path.startswith(p) for p in paths)`.
HAND_MADE_COVERS = re.compile(r"\.startswith\(\s*\w+\s*\)\s+for\s+\w+\s+in\b")


def copies_in(text: str) -> list[str]:
    """The lines of `text` that rebuild a person's scope (see the module's docstring)."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        code = line.split("#", 1)[0]
        loose = LOOSE_PREFIX.search(code)
        if (
            OR_OF_PREFIXES.search(code)
            or (loose and not loose.group("value").endswith(".path"))
            or HAND_MADE_COVERS.search(code)
        ):
            found.append(f"{number}: {line.strip()}")
    return found


def product_modules() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.parts and not any(path.is_relative_to(d) for d in LEFT_OUT)
    ]


def test_no_app_rebuilds_a_persons_scope_outside_accounts():
    found = {
        str(path.relative_to(PACKAGE.parent)): copies
        for path in product_modules()
        if (copies := copies_in(path.read_text(encoding="utf-8")))
    }
    assert not found, (
        "Use congdong.accounts.queries.scope()/within()/Scope.covers() instead of rebuilding "
        f"who sees which units: {found}"
    )


def test_the_guard_sees_every_kind_of_copy_and_lets_one_units_subtree_through():
    planted = """
def handling_paths(user):
    where = Q()
    for path in top_paths(user, ROLES):
        where |= Q(unit__path__startswith=path)
    q |= Q(**{f"{field}unit__path__startswith": path})
    rows = rows.filter(case__unit__path__startswith=top)
    return any(unit.path.startswith(p) for p in paths)
"""
    assert [line.split(":")[0] for line in copies_in(planted)] == ["5", "6", "7", "8"]
    allowed = """
    def in_subtree(self, unit):
        return self.filter(unit__path__startswith=unit.path)  # one unit's subtree
    rows = rows.filter(target__unit__path__startswith=focus.path)
    pages = Page.objects.filter(unit__path__startswith=campaign.unit.path)
"""
    assert copies_in(allowed) == []


def test_the_guard_reads_the_apps():
    modules = {path.relative_to(PACKAGE).as_posix() for path in product_modules()}
    assert "feedback/queries.py" in modules and "moderation/queries.py" in modules
    assert not any(m.startswith(("accounts/", "bench/")) for m in modules)
