"""Export jobs: a person asks for a report as a file; a worker writes it in the background.

`request_export` checks and records the request (a queued `Export` row) and, after commit,
sends the Celery task `insights.tasks.run_export`. The row is the truth: `run_export` claims it
with a conditional UPDATE (queued → running), so the task and the sweep `run_exports` (every
5 s, in the embedded worker and in Celery beat) never run one export twice, and a lost message
only delays it until the next sweep. Progress is written to the row while the file is made.
"""

from __future__ import annotations

import datetime
import logging
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congdong.accounts.queries import AnyUser
from congdong.core.errors import ActionError, Refusals
from congdong.core.text import fold
from congdong.core.workflow import move as workflow
from congdong.core.workflow.move import record_start
from congdong.insights import reports
from congdong.insights.exports.document import Document
from congdong.insights.exports.render import FORMATS, render
from congdong.insights.models import Export, ExportFormat, ExportState
from congdong.insights.queries import access_insights_unit
from congdong.units.models import Level, Unit

logger = logging.getLogger(__name__)

# Exports queued or running at once, per person: each is a worker busy for a while.
MAX_OPEN = 5
MAX_YEARS = 3
# A run longer than this was cut short (worker killed): the sweep marks it failed.
STALE_AFTER = datetime.timedelta(minutes=30)
# Files are deleted this long after they were made (the row stays, as a record).
KEEP_FILES = datetime.timedelta(hours=24)
# Exports the sweep runs per call, so the embedded loop's other jobs are not held up long.
PER_SWEEP = 3
# Progress is written when it moved by this many points or this many seconds passed.
PROGRESS_STEP, PROGRESS_SECONDS = 5, 0.5
# Building the document (the figures' queries) counts for this share of the bar.
BUILD_SHARE = 10

DATE_PARAMS = ("tu", "den", "ngay")  # from, to, as-of
LEVEL_PARAM = "cap"
PARAMS = (*DATE_PARAMS, LEVEL_PARAM)

KIND_LABELS = {
    "dashboard": gettext_lazy("Dashboard"),
    "coverage": gettext_lazy("Page coverage"),
    "conference": gettext_lazy("Conference report"),
    "situation": gettext_lazy("The people's situation"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


@dataclass(frozen=True)
class ExportRequest:
    kind: str
    unit: Unit
    params: dict[str, str]
    fmt: str


def _date(params: Mapping[str, str], name: str) -> datetime.date | None:
    text = (params.get(name) or "").strip()
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ActionError(_("Enter dates as YYYY-MM-DD."), field=name) from None


def clean_params(params: Mapping[str, str]) -> dict[str, str]:
    """The report parameters we know, checked: ISO dates (from ≤ to, at most three years
    apart) and a level; unknown names are dropped, empty ones left out."""
    clean: dict[str, str] = {}
    for name in DATE_PARAMS:
        if (day := _date(params, name)) is not None:
            clean[name] = day.isoformat()
    start, end = _date(params, "tu"), _date(params, "den")
    if start and end:
        if start > end:
            raise ActionError(_("The start date is after the end date."), field="tu")
        try:
            limit = start.replace(year=start.year + MAX_YEARS)
        except ValueError:  # 29 February
            limit = start.replace(year=start.year + MAX_YEARS, day=28)
        if end > limit:
            raise ActionError(
                _("A report covers at most %(years)s years.") % {"years": MAX_YEARS}, field="den"
            )
    level = (params.get(LEVEL_PARAM) or "").strip()
    if level:
        if level not in Level.values:
            raise ActionError(_("Unknown level."), field=LEVEL_PARAM)
        clean[LEVEL_PARAM] = level
    return clean


def check_request_export(
    user: AnyUser, kind: str, unit_id: int | str | None, params: Mapping[str, str], fmt: str
) -> ExportRequest:
    """A valid request by `user`, or ActionError (bad input, too many exports waiting);
    PermissionDenied / Http404 when the unit's figures are not theirs to read."""
    refusals = Refusals()  # every field's problem told at once
    with refusals:
        if kind not in reports.BUILDERS:
            raise ActionError(_("Unknown report."), field="kind")
    with refusals:
        if fmt not in ExportFormat.values:
            raise ActionError(_("Choose CSV, XLSX or PDF."), field="format")
    with refusals:
        try:
            unit_pk = int(unit_id or "")
        except (TypeError, ValueError):
            raise ActionError(_("Choose a unit."), field="unit") from None
    with refusals:
        clean = clean_params(params)
    refusals.raise_any()
    unit = access_insights_unit(user, unit_pk)
    waiting = Export.objects.filter(
        user_id=user.pk, state__in=(ExportState.QUEUED, ExportState.RUNNING)
    ).count()
    if waiting >= MAX_OPEN:
        raise ActionError(
            _("You have %(count)s exports under way; start another when one is done.")
            % {"count": waiting},
            status=429,
        )
    return ExportRequest(kind, unit, clean, fmt)


def _send(export_id: int) -> None:
    from congdong.insights.tasks import run_export

    try:
        run_export.delay(export_id)
    except Exception:
        # The broker is down: the row stays queued and the next sweep runs it.
        logger.warning("export %s: could not send the task; the sweep will run it", export_id)


def do_request_export(user: AnyUser, request: ExportRequest, language: str | None = None) -> Export:
    with transaction.atomic():
        export = Export.objects.create(
            user=user,
            kind=request.kind,
            unit=request.unit,
            params=request.params,
            format=request.fmt,
            language=language or translation.get_language() or settings.LANGUAGE_CODE,
        )
        record_start(export, by=user, at=export.created_at)
        # Without a broker, .delay() would run the export inside this request: the embedded
        # worker's sweep picks the row up instead, and the person watches its progress.
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            transaction.on_commit(lambda: _send(export.pk))
    return export


def request_export(
    user: AnyUser, kind: str, unit_id: int | str | None, params: Mapping[str, str], fmt: str
) -> Export:
    return do_request_export(user, check_request_export(user, kind, unit_id, params, fmt))


def access_export(user: AnyUser, export_id: int) -> Export:
    """One of `user`'s own exports (anyone else's is a 404), whose unit they may still read."""
    export = (
        Export.objects.select_related("unit").filter(pk=export_id, user_id=user.pk).first()
        if user.is_authenticated
        else None
    )
    if export is None:
        raise Http404
    access_insights_unit(user, export.unit_id)
    return export


def recent_exports(user: AnyUser, n: int = 20) -> list[Export]:
    return list(Export.objects.select_related("unit").filter(user_id=user.pk)[:n])


# --- the worker's side -----------------------------------------------------------------------


class ProgressWriter:
    """Writes a running export's progress (a fraction of the render) to its row, at most every
    PROGRESS_STEP points or PROGRESS_SECONDS; 100 % is written only with the finished file."""

    def __init__(self, export_id: int, start: int = BUILD_SHARE) -> None:
        self.export_id = export_id
        self.start = start
        self.written = -1
        self.at = 0.0

    def __call__(self, fraction: float) -> None:
        percent = min(int(self.start + fraction * (100 - self.start)), 99)
        now = time.monotonic()
        moved = percent - self.written
        if moved >= PROGRESS_STEP or (moved > 0 and now - self.at >= PROGRESS_SECONDS):
            self.written, self.at = percent, now
            Export.objects.filter(pk=self.export_id, state=ExportState.RUNNING).update(
                progress=percent
            )


def claim(export_id: int) -> Export | None:
    """The export, moved queued → running by this worker; None if another took it first."""
    now = timezone.now()
    if not _move(
        export_id, ExportState.QUEUED, ExportState.RUNNING, now, started_at=now, progress=0
    ):
        return None
    return Export.objects.select_related("unit", "user").get(pk=export_id)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def download_name(export: Export, document: Document) -> str:
    """An ASCII file name: the document's own ("bao-cao-hoi-nghi-2022-08-05"), or by default
    the unit and the day ("bao-cao-bac-ninh-2026-11-26")."""
    base = _slug(document.filename) or "bao-cao"
    if base == "bao-cao":
        day = timezone.localdate(export.created_at).isoformat()
        base = f"bao-cao-{_slug(export.unit.name)}-{day}"
    return f"{base[:120]}.{FORMATS[export.format][0]}"


def _move(
    export_id: int, current: str, to: str, now: datetime.datetime, reason: str = "", **changes
) -> bool:
    """The worker's move of an export (`move()`); False when it was no longer in `current`."""
    try:
        workflow.move(
            Export(pk=export_id, state=current),
            to,
            at=now,
            reason=reason,
            automatic=True,
            changes=changes,
        )
    except ActionError:
        return False
    return True


def _finish(export_id: int, state: str, **fields: object) -> bool:
    """Running → done or failed (the error, if any, is the move's reason too)."""
    now = timezone.now()
    error = str(fields.get("error", ""))
    return _move(export_id, ExportState.RUNNING, state, now, error, finished_at=now, **fields)


def run_export(export_id: int) -> bool:
    """Make the file of a queued export, if no one else is; True when this call ran it
    (finished or failed), False when it was not queued."""
    export = claim(export_id)
    if export is None:
        return False
    with translation.override(export.language):
        try:
            # Roles change: the owner must still read this unit when the file is made.
            access_insights_unit(export.user, export.unit_id)
            document = reports.build(export.kind, export.unit, dict(export.params))
            ProgressWriter(export_id, start=0)(BUILD_SHARE / 100)
            data = render(document, export.format, ProgressWriter(export_id))
            name = download_name(export, document)
            export.file.save(name, ContentFile(data), save=False)
        except (ActionError, PermissionDenied, Http404) as exc:
            message = getattr(exc, "message", None) or _("You may no longer read this unit.")
            _finish(export_id, state=ExportState.FAILED, error=str(message))
            return True
        except Exception:
            logger.exception(
                "export %s (%s of unit %s) failed", export_id, export.kind, export.unit_id
            )
            _finish(
                export_id,
                state=ExportState.FAILED,
                error=_("The file could not be made. Please try again later."),
            )
            return True
        if not _finish(export_id, state=ExportState.DONE, progress=100, file=export.file.name):
            # Marked failed by the sweep meanwhile (taken for stale): the file is nobody's.
            export.file.delete(save=False)
    return True


def fail_stale(now: datetime.datetime | None = None) -> int:
    """Runs started more than STALE_AFTER ago and never finished (a worker died): failed."""
    now = now or timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        message = _("The export was interrupted. Please start it again.")
    stale = Export.objects.filter(
        state=ExportState.RUNNING, started_at__lt=now - STALE_AFTER
    ).values_list("pk", flat=True)
    return sum(
        _move(
            pk,
            ExportState.RUNNING,
            ExportState.FAILED,
            now,
            message,
            error=message,
            finished_at=now,
        )
        for pk in list(stale)
    )


def delete_old_files(now: datetime.datetime | None = None) -> int:
    """Files of exports finished more than KEEP_FILES ago are deleted; the rows stay."""
    now = now or timezone.now()
    old = Export.objects.filter(finished_at__lt=now - KEEP_FILES).exclude(file="")
    count = 0
    for export in old.only("pk", "file")[:500]:
        export.file.delete(save=False)
        count += Export.objects.filter(pk=export.pk).update(file="")
    return count


def run_exports(limit: int = PER_SWEEP) -> int:
    """The sweep: fail stale runs, delete old files, and run up to `limit` queued exports,
    oldest first (those whose task message was lost, or all of them without a broker)."""
    fail_stale()
    delete_old_files()
    ran = 0
    while ran < limit:
        queued = (
            Export.objects.filter(state=ExportState.QUEUED)
            .order_by("created_at", "pk")
            .values_list("pk", flat=True)
            .first()
        )
        if queued is None:
            break
        if run_export(queued):
            ran += 1
    return ran
