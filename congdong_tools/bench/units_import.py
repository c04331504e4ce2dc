"""units-import: load the unit trees into an empty database, as `congdong units import` does.

Goal (issue: Foundation): the 2022 tree (11,368 units) in under 30 s. Side by side, the same
province loaded node by node with treebeard's add_child(), to show what the bulk path saves.
Runs in a throwaway SQLite database unless `--database-url` is given.
"""

from __future__ import annotations

import json
import os
import resource
import time

from congdong_tools.bench import steps
from congdong_tools.bench.report import Report

GOAL_SECONDS_2022 = 30.0
SAMPLE_PROVINCE = "27"  # Bắc Ninh in the 2022 structure: 8 districts, 126 communes


def run(database_url: str | None, progress) -> Report:
    with steps.fresh_database(database_url, progress) as env:
        progress("importing (2022, again 2022, 2025, and one province node by node)…")
        figures = steps.child("congdong_tools.bench.units_import", env)
    figures["database"] = steps.database_kind(database_url)
    report = Report("units-import", figures)
    report.goals["2022 tree in under 30 s"] = figures["seconds_2022"] < GOAL_SECONDS_2022
    return report


def _inner() -> None:
    """Runs in the child process, against the throwaway database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congdong.settings")
    django.setup()
    from django.db import transaction

    from congdong.units import sources
    from congdong.units.actions import do_import_structure
    from congdong.units.models import Unit

    def timed(fn):
        start = time.perf_counter()
        result = fn()
        return time.perf_counter() - start, result

    t2022, r2022 = timed(lambda: do_import_structure("2022"))
    again, r_again = timed(lambda: do_import_structure("2022"))
    t2025, r2025 = timed(lambda: do_import_structure("2025"))

    # The same province twice in a scratch structure: bulk path vs node by node.
    rows = sources.read_units("2022", {SAMPLE_PROVINCE})
    Unit.objects.filter(structure__code__in=["2022", "2025"]).delete()
    bulk, _ = timed(lambda: do_import_structure("2022", {SAMPLE_PROVINCE}))
    Unit.objects.filter(structure__code="2022").delete()

    def node_by_node() -> None:
        with transaction.atomic():
            from congdong.units.models import Kind, Level, Structure

            root = Unit.add_root(
                structure=Structure.objects.get(code="2022"),
                code="TW",
                name="Trung ương",
                kind=Kind.CENTRAL,
                level=Level.CENTRAL,
            )
            made = {"": root}
            for row in rows:
                parent = made[row.parent_code]
                made[row.code] = parent.add_child(
                    structure=root.structure,
                    code=row.code,
                    name=row.name,
                    kind=row.kind,
                    level=row.level,
                    parent=parent,
                )
                made[row.code].refresh_from_db()  # add_child leaves the parent stale
                parent.refresh_from_db()

    per_node, _ = timed(node_by_node)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "units_2022": r2022.created,
                "seconds_2022": round(t2022, 3),
                "units_per_second_2022": round(r2022.created / t2022),
                "seconds_2022_second_run": round(again, 3),
                "second_run_changed_anything": r_again.changed,
                "units_2025": r2025.created,
                "seconds_2025": round(t2025, 3),
                "successions": r2025.successions_created,
                "sample_units": len(rows) + 1,
                "sample_seconds_bulk": round(bulk, 4),
                "sample_seconds_node_by_node": round(per_node, 4),
                "node_by_node_over_bulk": round(per_node / bulk, 1),
                "peak_rss_mb": round(peak_kb / 1024, 1),
            }
        )
    )


if __name__ == "__main__":
    _inner()
