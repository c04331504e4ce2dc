"""`congdong units import|summary`."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from congdong.units import actions, queries, sources
from congdong.units.models import Kind, Level, Structure


class Command(BaseCommand):
    help = "Import Vietnam's unit tree (2022 or 2025 structure) or summarise it."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import or update a structure from the shipped data.")
        imp.add_argument("--structure", required=True, choices=sorted(sources.STRUCTURES))
        imp.add_argument("--provinces", help="Only these province codes, comma-separated.")
        summ = sub.add_parser("summary", help="Count units per level and kind.")
        summ.add_argument("--structure", required=True, choices=sorted(sources.STRUCTURES))
        summ.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, action: str, **options) -> None:
        if action == "import":
            self.import_structure(options["structure"], options.get("provinces"))
        else:
            self.summary(options["structure"], options["format"])

    def import_structure(self, code: str, provinces: str | None) -> None:
        wanted = {p.strip() for p in provinces.split(",")} if provinces else None
        if wanted is not None:
            known = {row.code for row in sources.read_units(code) if row.level == Level.PROVINCE}
            unknown = sorted(wanted - known)
            if unknown:
                raise CommandError(
                    f"Structure {code} has no province with code {', '.join(unknown)}; "
                    f"province codes are {', '.join(sorted(known))}."
                )
        total = len(sources.read_units(code, wanted))
        with tqdm(total=total, unit=" units", desc=f"Structure {code}", disable=None) as bar:
            result = actions.do_import_structure(code, wanted, progress=bar.update)
        if result.changed:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Structure {code}: {result.created} units created, {result.updated} updated, "
                    f"{result.unchanged} unchanged; {result.successions_created} successions added."
                )
            )
        else:
            self.stdout.write(
                f"Structure {code} is up to date: nothing changed ({result.unchanged} units)."
            )

    def summary(self, code: str, fmt: str) -> None:
        structure = Structure.objects.filter(code=code).first()
        if structure is None:
            raise CommandError(
                f"Structure {code} is not loaded. Run: congdong units import --structure {code}"
            )
        data = queries.summary(structure)
        if fmt == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.stdout.write(f"Structure {structure.name}")
        for level, count in data["levels"].items():
            self.stdout.write(f"  {Level(level).label:<10} {count:>7,}".replace(",", "."))
        self.stdout.write("Kinds:")
        for kind, count in data["kinds"].items():
            self.stdout.write(f"  {Kind(kind).label:<32} {count:>7,}".replace(",", "."))
