"""Demo pages: the coverage the 2022 report gave, and a similar share in the 2025 structure."""

from __future__ import annotations

import datetime
import hashlib

from django.utils import timezone

from congdong.accounts.models import Organisation, User
from congdong.pages.actions import OperatorGrant, do_add_operator, do_establish_many
from congdong.pages.models import Page, PageOperator
from congdong.units.models import Level, Unit
from congdong_tools.demo.personas import find_unit

# Share of units with an active page, per structure and level (2022: the press report of
# 5 August 2022 — 63/63 provinces, 77.8 % of districts, 54.5 % of communes).
# Today's structure comes first so that its pages get the plain addresses.
COVERAGE = {
    "2025": {Level.CENTRAL: 1.0, Level.PROVINCE: 1.0, Level.COMMUNE: 0.62},
    "2022": {Level.CENTRAL: 1.0, Level.PROVINCE: 1.0, Level.DISTRICT: 0.778, Level.COMMUNE: 0.545},
}
OPENED = {"2022": datetime.datetime(2022, 6, 1, 8, 0), "2025": datetime.datetime(2025, 7, 1, 8, 0)}


def _rank(unit: Unit) -> str:
    """A stable pseudo-random order, the same on every machine."""
    return hashlib.sha1(f"{unit.structure_id}:{unit.code}".encode()).hexdigest()


def chosen_units(structure: str) -> list[Unit]:
    chosen: list[Unit] = []
    for level, share in COVERAGE[structure].items():
        units = sorted(
            Unit.objects.filter(structure__code=structure, level=level).select_related("structure"),
            key=_rank,
        )
        chosen += units[: round(len(units) * share)]
    if structure == "2025":
        province = Unit.objects.get(structure__code="2025", code="24")
        chosen += list(Unit.objects.in_subtree(province).filter(name="Kinh Bắc"))
    return chosen


def ensure_pages() -> dict[str, int]:
    """Create the demo pages once; returns pages created per structure."""
    created = {}
    for structure in COVERAGE:
        opened_at = timezone.make_aware(OPENED[structure])
        created[structure] = do_establish_many(chosen_units(structure), opened_at)
    _ensure_youth_union_co_admin()
    return created


def _ensure_youth_union_co_admin() -> None:
    """The Youth Union persona co-runs the Kinh Bắc page (and nothing else)."""
    page = Page.objects.get(unit=find_unit("24/Kinh Bắc"))
    user = User.objects.get(username="kinhbac.doanvien")
    if not PageOperator.objects.filter(page=page, user=user).exists():
        do_add_operator(None, OperatorGrant(page, user, Organisation.objects.get(code="doan")))
