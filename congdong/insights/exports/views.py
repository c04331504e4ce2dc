"""Export jobs on the web: start one, watch its progress, download the file, list my exports.

Every write goes through `insights.exports.jobs`; an export is only ever shown to its owner.
"""

from __future__ import annotations

import datetime
from pathlib import PurePosixPath

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from congdong.accounts.views import staff_required
from congdong.audit.record import record_read
from congdong.core.errors import ActionError
from congdong.core.private_files import serve_file
from congdong.insights import reports
from congdong.insights.exports import jobs
from congdong.insights.exports.render import FORMATS
from congdong.insights.models import Export, ExportFormat, ExportState
from congdong.insights.queries import insights_roots


def _context(export: Export) -> dict[str, object]:
    params = {}
    for name in jobs.DATE_PARAMS:
        if value := export.params.get(name):
            params[name] = datetime.date.fromisoformat(value)
    return {
        "export": export,
        "kind_label": jobs.kind_label(export.kind),
        "params": params,
        "level": export.params.get(jobs.LEVEL_PARAM, ""),
        "working": export.state in (ExportState.QUEUED, ExportState.RUNNING),
        "done": export.state == ExportState.DONE and bool(export.file),
        "file_name": PurePosixPath(export.file.name).name if export.file else "",
    }


def _start(request: HttpRequest) -> HttpResponse:
    params = {name: request.POST.get(name, "") for name in jobs.PARAMS}
    try:
        export = jobs.request_export(
            request.user,
            request.POST.get("kind", ""),
            request.POST.get("unit"),
            params,
            request.POST.get("format", ""),
        )
    except ActionError as exc:
        template = (
            "insights/export_message.html" if request.htmx else "insights/export_refused.html"
        )
        return render(request, template, {"message": exc.message}, status=exc.status)
    if request.htmx:
        return render(request, "insights/export_progress.html", _context(export))
    return redirect("insights:export-status", export_id=export.pk)


@staff_required
@require_http_methods(["GET", "POST"])
def exports(request: HttpRequest) -> HttpResponse:
    """GET: my recent exports and a form to start one; POST: start one (then its status)."""
    if request.method == "POST":
        return _start(request)
    return render(
        request,
        "insights/export_list.html",
        {
            "exports": [_context(export) for export in jobs.recent_exports(request.user)],
            "kinds": [(kind, jobs.kind_label(kind)) for kind in reports.BUILDERS],
            "units": insights_roots(request.user),
            "formats": ExportFormat.choices,
        },
    )


@staff_required
@require_GET
@never_cache
def status(request: HttpRequest, export_id: int) -> HttpResponse:
    """The export's progress; while it is under way the fragment reloads itself every second."""
    context = _context(jobs.access_export(request.user, export_id))
    if request.htmx:
        return render(request, "insights/export_progress.html", context)
    return render(request, "insights/export_status.html", context)


@staff_required
@require_GET
def download(request: HttpRequest, export_id: int) -> FileResponse:
    """The file, to its owner only (`access_export`), from the private storage; every download
    is in the audit log."""
    export = jobs.access_export(request.user, export_id)
    if export.state != ExportState.DONE or not export.file:
        raise Http404
    response = serve_file(
        export.file,
        FORMATS[export.format][1],
        download_name=PurePosixPath(export.file.name).name,
    )
    record_read(request, request.user)
    return response


urls: list[URLPattern] = [
    path("lam-viec/thong-ke/xuat/", exports, name="export-list"),
    # The same address: GET lists, POST starts.
    path("lam-viec/thong-ke/xuat/", exports, name="export-start"),
    path("lam-viec/thong-ke/xuat/<int:export_id>/", status, name="export-status"),
    path("lam-viec/thong-ke/xuat/<int:export_id>/tai-ve/", download, name="export-download"),
]
