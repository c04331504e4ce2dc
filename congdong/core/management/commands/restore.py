"""`congdong restore PATH [--force]`: put a backup back into this installation."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from congdong.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup made by `congdong backup` into an empty database and data folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The backup file (.tar.gz).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database and media folder that already hold data.",
        )

    def handle(self, *args: Any, path: str, force: bool, **options: Any) -> None:
        def progress(text: str) -> None:
            if options["verbosity"] > 0:
                self.stderr.write(text)

        try:
            done = restore_backup(path, force=force, progress=progress)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _(
                "Restored: %(tables)d tables, %(rows)d rows (counts checked), %(media)d media "
                "files, in %(seconds).1f s."
            )
            % {
                "tables": done.tables,
                "rows": done.rows,
                "media": done.media_files,
                "seconds": done.seconds,
            }
        )
