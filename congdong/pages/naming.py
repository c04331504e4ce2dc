"""The official naming rule for pages, and their web addresses."""

from __future__ import annotations

from django.utils.text import slugify
from unidecode import unidecode

from congdong.core.text import fold
from congdong.units.models import Kind, Unit

FRONT = "Mặt trận Tổ quốc Việt Nam"


def official_name(unit: Unit) -> str:
    """ "Mặt trận Tổ quốc Việt Nam tỉnh Bắc Ninh"; the central page: "Mặt trận Tổ quốc Việt Nam"."""
    if unit.kind == Kind.CENTRAL:
        return FRONT
    return f"{FRONT} {unit.title_prefix} {unit.name}"


def follows_rule(name: str, unit: Unit) -> bool:
    """An edited name must still start with the Front's name and name the place.

    Compared without accents and case, so "MẶT TRẬN TỔ QUỐC VIỆT NAM PHƯỜNG KINH BẮC" passes.
    """
    folded = fold(name)
    if not folded.startswith(fold(FRONT)):
        return False
    return unit.kind == Kind.CENTRAL or fold(unit.name) in folded[len(fold(FRONT)) :]


def base_slug(name: str) -> str:
    """unidecode first: Django's slugify alone drops "Đ" ("Đắk Lắk" -> "k-lk")."""
    return slugify(unidecode(name))[:180]
