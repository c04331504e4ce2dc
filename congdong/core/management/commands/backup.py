"""`congdong backup PATH`: one .tar.gz with the database, the media and a manifest."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from congdong.core.backup import BackupError, make_backup


class Command(BaseCommand):
    help = "Back up the database and media into one file (a folder gets a dated name)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The .tar.gz to write, or a folder to write it in.")

    def handle(self, *args: Any, path: str, **options: Any) -> None:
        def progress(text: str) -> None:
            if options["verbosity"] > 0:
                self.stderr.write(text)

        try:
            made = make_backup(path, progress=progress)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = made.manifest
        self.stdout.write(
            _(
                "Backup written: %(path)s (%(size).1f MB, %(tables)d tables, %(rows)d rows, "
                "%(media)d media files, %(seconds).1f s)."
            )
            % {
                "path": made.path,
                "size": made.size / 1_000_000,
                "tables": len(manifest["row_counts"]),
                "rows": sum(manifest["row_counts"].values()),
                "media": manifest["media_files"],
                "seconds": made.seconds,
            }
        )
