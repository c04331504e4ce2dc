"""The units most tests stand in: phường Kinh Bắc, its first sibling commune, Bắc Ninh and
Hà Nội (2025)."""

from __future__ import annotations

from congdong.units.models import Unit
from tests.conftest import commune_named, unit_2025


def around_kinh_bac() -> dict[str, Unit]:
    """kinh_bac, sibling (the first other unit under the same parent), bac_ninh and ha_noi."""
    kinh_bac = commune_named("24", "Kinh Bắc")
    sibling = (
        Unit.objects.filter(parent=kinh_bac.parent).exclude(pk=kinh_bac.pk).order_by("path")[0]
    )
    return {
        "kinh_bac": kinh_bac,
        "sibling": sibling,
        "bac_ninh": unit_2025("24"),
        "ha_noi": unit_2025("01"),
    }
