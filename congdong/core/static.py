"""Static files, served by WhiteNoise straight from the apps' folders (no collectstatic on a
laptop: WHITENOISE_USE_FINDERS), with the table of files read once per process.

WhiteNoise reads every static file's size, type and headers when its middleware is made. A
server makes it once; Django's test client makes the whole middleware stack again for each
client, and the table cost 40 ms of each (a tenth of the suite's time). The files do not change
under a running process (WhiteNoise does not look again either, without autorefresh), so
every middleware made with the same options shares one table.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from whitenoise.middleware import WhiteNoiseMiddleware


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    _tables: ClassVar[dict[tuple[Any, ...], dict[str, Any]]] = {}
    files: dict[str, Any]  # WhiteNoise's: address → the file's responder

    def add_files_from_finders(self) -> None:
        key = (
            self.static_prefix,
            self.max_age,
            self.allow_all_origins,
            self.charset,
            self.index_file,
            tuple(str(folder) for folder in settings.STATICFILES_DIRS),
            tuple(settings.INSTALLED_APPS),
        )
        table = self._tables.get(key)
        if table is None:
            kept, self.files = self.files, {}
            super().add_files_from_finders()
            table, self.files = self.files, kept
            self._tables[key] = table
        self.files.update(table)  # as WhiteNoise: a found file wins over STATIC_ROOT's
