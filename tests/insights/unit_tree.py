"""Finding units of a structure by code, by depth and by level, for the coverage tests."""

from __future__ import annotations

from congdong.units.models import Unit


def unit(structure: str, code: str) -> Unit:
    return Unit.objects.select_related("structure").get(structure__code=structure, code=code)


def root(structure: str) -> Unit:
    return Unit.objects.select_related("structure").get(structure__code=structure, depth=1)


def below(parent: Unit, level: str) -> list[Unit]:
    return list(Unit.objects.in_subtree(parent).filter(level=level).order_by("path"))


def count(parent: Unit, level: str) -> int:
    return Unit.objects.in_subtree(parent).filter(level=level).count()
