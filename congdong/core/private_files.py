"""Private files: stored outside every public media root and served only by views.

Feedback attachments, report exports and the pictures and documents of posts are kept in
`PRIVATE_ROOT` (CONGDONG_PRIVATE_ROOT, by default `<data folder>/private`), a folder that no
address serves: not the embedded `/media/` route, not the reverse proxy (docs/operations.md).
Each is served by a view that checks who asks through an `access_*` helper and records the
opening (feedback: `FeedbackAccess`; exports and post media of a post that is not public: the
audit log). Refusing `/media/feedback/…` by prefix was not enough: the same file answered at
`/media//feedback/…`, `/media/x/../feedback/…` and `%2e`/`%2F` spellings. A file that is not
under a served folder has no such spelling.

Public files (page avatars and covers) stay under MEDIA_ROOT.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.files.storage import FileSystemStorage, Storage, default_storage, storages
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404

from congdong.core.public_cache import mark_shared


class PrivateStorage(FileSystemStorage):
    """A file system storage under `settings.PRIVATE_ROOT` (read at each use, so a test may
    move it) that has no address: `.url()` raises, so a template can never link a private
    file by its storage path; views give their own access-checked addresses."""

    def __init__(self, location: str | Path | None = None, **kwargs: object) -> None:
        self._fixed_location = location
        super().__init__(location=location, base_url=None, **kwargs)

    @property  # type: ignore[override]
    def base_location(self) -> str:
        return str(self._fixed_location or settings.PRIVATE_ROOT)

    @property  # type: ignore[override]
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("private files have no media address; use the view that serves them")


def private_storage() -> Storage:
    """The storage of private files (STORAGES["private"]). A callable, so that migrations
    name it rather than a folder of the machine that made them."""
    return storages["private"]


def serve_file(
    file: FieldFile,
    content_type: str,
    download_name: str | None = None,
    shared_seconds: int | None = None,
) -> FileResponse:
    """A stored upload as inert data: nothing in it may run on our site (a sandboxing CSP,
    nosniff), a document is downloaded as `download_name` rather than opened. Not kept by any
    cache (`private, no-store`) unless `shared_seconds` says it is public (see `mark_shared`).
    404 when the file is gone from storage."""
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=download_name is not None,
        filename=download_name or "",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    if shared_seconds is None:
        response["Cache-Control"] = "private, no-store"
    else:
        mark_shared(response, shared_seconds)
    return response


def move_to_private(names: Iterable[str]) -> int:
    """Move files kept under the public media storage (as before private storage existed) to
    the private storage under the same names, so the rows' file names stay right. Files already
    moved, or lost, are skipped: running it again does nothing. Returns how many moved."""
    target = private_storage()
    moved = 0
    for name in names:
        if not name or not default_storage.exists(name):
            continue
        if not target.exists(name):
            with default_storage.open(name, "rb") as handle:
                saved = target.save(name, handle)
            if saved != name:  # never: the name was free; a different one would break the row
                target.delete(saved)
                continue
        default_storage.delete(name)
        moved += 1
    return moved


def move_field_to_private(apps: object, app_label: str, model: str, field: str = "file") -> int:
    """For data migrations: move the files of `app_label.model.field` (historical model)."""
    rows = apps.get_model(app_label, model)._default_manager  # type: ignore[attr-defined]
    names = rows.exclude(**{field: ""}).values_list(field, flat=True).iterator()
    return move_to_private(names)


def _inside(child: Path, parent: Path) -> bool:
    return child == parent or parent in child.parents


@checks.register(checks.Tags.security, deploy=False)
def private_root_is_not_served(**kwargs: object) -> list[checks.CheckMessage]:
    """The private folder must not lie in (or hold) a folder that is served as files."""
    private = Path(settings.PRIVATE_ROOT).resolve()
    errors = []
    for name in ("MEDIA_ROOT", "STATIC_ROOT"):
        served = getattr(settings, name, None)
        if not served:
            continue
        served = Path(served).resolve()
        if _inside(private, served) or _inside(served, private):
            errors.append(
                checks.Error(
                    f"PRIVATE_ROOT ({private}) overlaps {name} ({served}): private files "
                    "would be served to anyone by their address.",
                    hint="Set CONGDONG_PRIVATE_ROOT to a folder outside every served folder.",
                    id="congdong.E010",
                )
            )
    return errors
