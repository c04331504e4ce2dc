"""Reads of the unit tree. Units are public information: no access check is needed to read them."""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.http import Http404
from django.utils import timezone

from congdong.units.models import Level, Structure, Unit, UnitQuerySet


def current_structure(day: datetime.date | None = None) -> Structure | None:
    """The structure in force on `day` (today by default), or the newest one loaded."""
    day = day or timezone.localdate()
    structures = list(Structure.objects.all())
    in_force = [s for s in structures if s.is_valid_on(day)]
    pool = in_force or structures
    return max(pool, key=lambda s: s.code) if pool else None


def structure_or_current(code: str | None) -> Structure | None:
    if code:
        return Structure.objects.filter(code=code).first()
    return current_structure()


def units_filtered(
    structure: Structure | None = None,
    level: str | None = None,
    parent: Unit | None = None,
    text: str | None = None,
) -> UnitQuerySet:
    qs: UnitQuerySet = Unit.objects.standard()
    if structure is not None:
        qs = qs.filter(structure=structure)
    if level:
        qs = qs.filter(level=level)
    if parent is not None:
        qs = qs.filter(parent=parent)
    if text:
        qs = qs.search(text)
    return qs.order_by("path")


def get_unit(unit_id: int) -> Unit:
    """A unit by id for public pages; 404 when there is none."""
    unit = Unit.objects.standard().filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    return unit


def provinces(structure: Structure) -> UnitQuerySet:
    return units_filtered(structure=structure, level=Level.PROVINCE)


def ancestors(unit: Unit) -> list[Unit]:
    """From the root down to the unit's parent: one query, then from the cache for an hour
    (units change only by an import, which keeps paths; a renamed unit shows within the hour)."""
    key = f"congdong:ancestors:{unit.structure_id}:{unit.path}"
    found = cache.get(key)
    if found is None:
        steps = [unit.path[: i * Unit.steplen] for i in range(1, unit.depth)]
        found = list(Unit.objects.filter(path__in=steps).order_by("depth"))
        cache.set(key, found, timeout=3600)
    return found


def place_of(unit: Unit) -> dict[str, object]:
    """A screen's context for where the unit sits: `unit`, its `ancestors` (the breadcrumb) and
    its `children` (the units right below it)."""
    return {"unit": unit, "ancestors": ancestors(unit), "children": units_filtered(parent=unit)}


def summary(structure: Structure) -> dict:
    """Counts per level and per kind, as `congdong units summary` prints them."""
    levels = {level.value: 0 for level in Level}
    kinds: dict[str, int] = {}
    for level, kind in Unit.objects.filter(structure=structure).values_list("level", "kind"):
        levels[level] += 1
        kinds[kind] = kinds.get(kind, 0) + 1
    if structure.code == "2025":
        levels.pop(Level.DISTRICT.value)
    return {"structure": structure.code, "levels": levels, "kinds": dict(sorted(kinds.items()))}
