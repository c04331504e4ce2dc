"""Writes to the unit tree: importing a structure from the shipped data."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from congdong.units import sources
from congdong.units.models import Kind, Level, Structure, Succession, Unit

Progress = Callable[[int], None]
BATCH = 2000


@dataclass
class ImportResult:
    structure: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    successions_created: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.successions_created)


def do_import_structure(
    code: str, provinces: set[str] | None = None, progress: Progress | None = None
) -> ImportResult:
    """Create or update one structure's tree from the shipped data; safe to run again.

    A second run with the same data changes nothing (`ImportResult.changed` is False).
    Units missing from the data are left alone: pages and posts may refer to them.
    """
    spec = sources.STRUCTURES[code]
    rows = sources.read_units(code, provinces)
    tick = progress or (lambda n: None)
    result = ImportResult(structure=code)
    with transaction.atomic():
        structure, _ = Structure.objects.update_or_create(
            code=code,
            defaults={"name": spec.name, "valid_from": spec.valid_from, "valid_to": spec.valid_to},
        )
        root = _ensure_root(structure, result)
        existing = {u.code: u for u in Unit.objects.filter(structure=structure)}
        if len(existing) <= 1:
            _bulk_create_tree(structure, root, rows, tick, result)
        else:
            _sync_tree(structure, existing, rows, tick, result)
        result.successions_created = _sync_successions()
    return result


def _ensure_root(structure: Structure, result: ImportResult) -> Unit:
    root = Unit.objects.filter(structure=structure, depth=1).first()
    if root is not None:
        result.unchanged += 1
        return root
    result.created += 1
    return Unit.add_root(
        structure=structure,
        code=sources.CENTRAL_CODE,
        name=sources.CENTRAL_NAME,
        kind=Kind.CENTRAL,
        level=Level.CENTRAL,
    )


def _fields(structure: Structure, row: sources.UnitRow, parent: Unit) -> dict:
    return {
        "structure": structure,
        "code": row.code,
        "name": row.name,
        "kind": row.kind,
        "level": row.level,
        "parent": parent,
    }


def _bulk_create_tree(
    structure: Structure,
    root: Unit,
    rows: list[sources.UnitRow],
    tick: Progress,
    result: ImportResult,
) -> None:
    """Insert the whole tree level by level, computing materialised paths directly.

    treebeard's add_child() costs several queries per node; paths assigned here in code
    order are exactly what it would produce (node_order_by = ["code"]).
    """
    by_code: dict[str, Unit] = {sources.CENTRAL_CODE: root}
    children: dict[str, list[sources.UnitRow]] = defaultdict(list)
    for row in rows:
        children[row.parent_code or sources.CENTRAL_CODE].append(row)
    level_rows: dict[str, list[sources.UnitRow]] = defaultdict(list)
    for row in rows:
        level_rows[row.level].append(row)

    root.numchild = len(children[sources.CENTRAL_CODE])
    root.save(update_fields=["numchild"])
    for level in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE):
        batch: list[Unit] = []
        index: dict[str, int] = defaultdict(int)
        for row in sorted(level_rows[level], key=lambda r: r.code):
            parent = by_code[row.parent_code or sources.CENTRAL_CODE]
            index[parent.code] += 1
            unit = Unit(
                **_fields(structure, row, parent),
                depth=parent.depth + 1,
                path=Unit._get_path(parent.path, parent.depth + 1, index[parent.code]),
                numchild=len(children[row.code]),
                search_name=Unit.search_text(row.kind, row.name),
            )
            batch.append(unit)
            by_code[row.code] = unit
        for start in range(0, len(batch), BATCH):
            chunk = batch[start : start + BATCH]
            Unit.objects.bulk_create(chunk)
            tick(len(chunk))
        result.created += len(batch)


def _sync_tree(
    structure: Structure,
    existing: dict[str, Unit],
    rows: list[sources.UnitRow],
    tick: Progress,
    result: ImportResult,
) -> None:
    changed: list[Unit] = []
    for row in rows:
        unit = existing.get(row.code)
        if unit is None:
            parent = existing[row.parent_code or sources.CENTRAL_CODE]
            # add_child() reads numchild and the last child's path: both must be current.
            parent.refresh_from_db()
            unit = parent.add_child(**_fields(structure, row, parent))
            existing[row.code] = unit
            result.created += 1
        elif (unit.name, unit.kind) != (row.name, row.kind):
            unit.name, unit.kind = row.name, row.kind
            unit.search_name = Unit.search_text(row.kind, row.name)
            changed.append(unit)
        else:
            result.unchanged += 1
        tick(1)
    Unit.objects.bulk_update(changed, ["name", "kind", "search_name"], batch_size=BATCH)
    result.updated += len(changed)


def _sync_successions() -> int:
    """Link 2022 units to 2025 units once both structures are loaded; returns rows added."""
    units = {
        code: dict(Unit.objects.filter(structure__code=code).values_list("code", "id"))
        for code in ("2022", "2025")
    }
    if not units["2022"] or not units["2025"]:
        return 0
    have = set(Succession.objects.values_list("predecessor_id", "successor_id"))
    new = [
        Succession(predecessor_id=units["2022"][old], successor_id=units["2025"][new])
        for old, new in sources.read_successions()
        if old in units["2022"]
        and new in units["2025"]
        and (units["2022"][old], units["2025"][new]) not in have
    ]
    Succession.objects.bulk_create(new, batch_size=BATCH)
    return len(new)
