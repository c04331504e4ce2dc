"""`congdong i18n compile|extract`: translation catalogues without needing GNU gettext to run."""

from __future__ import annotations

import os
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Compile .po catalogues to .mo (pure Python), or extract strings (needs gettext)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["compile", "extract"])

    def handle(self, *args, action: str, **options) -> None:
        if action == "extract":
            call_command(
                "makemessages", locale=["vi", "en"], ignore=[".venv/*", "var/*"], no_obsolete=True
            )
            return
        for base in settings.LOCALE_PATHS:
            for po_path in sorted(Path(base).glob("*/LC_MESSAGES/*.po")):
                catalogue = polib.pofile(str(po_path))
                # Written aside then moved into place: two compiles at once (CI's two passes)
                # never leave a half-written catalogue for the other to read.
                target = po_path.with_suffix(".mo")
                aside = target.with_name(f".{target.name}.{os.getpid()}")
                catalogue.save_as_mofile(str(aside))
                os.replace(aside, target)
                self.stdout.write(f"{po_path}: {len(catalogue.translated_entries())} strings")
