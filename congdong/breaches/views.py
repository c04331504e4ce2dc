"""Staff screens of the breach register: the list (open first, nearest deadline first), the
form to record one, its screen with the 72-hour timer, history and moves (the shared deadline
casework, `core.casework`, with the breaches' wording), and the draft of the notice to the
authority (printable, and downloadable as .txt or .md). Reads go through
`access_breach` (others get 404); writes through `congdong.breaches.actions`."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from congdong.accounts.queries import workspace_units
from congdong.accounts.views import staff_required
from congdong.breaches import actions, queries
from congdong.breaches.forms import BreachForm, CloseForm, NotifyForm
from congdong.breaches.models import BreachState
from congdong.breaches.notice import draft
from congdong.breaches.queries import CASES
from congdong.core.casework import views as casework
from congdong.core.numbers import format_datetime

SCREEN = casework.Screens(
    CASES,
    "breaches/detail.html",
    {"notify": NotifyForm, "close": CloseForm},
    extra=lambda item: {"may_close": item.state != BreachState.CLOSED},
    guard=staff_required,
)


@staff_required
def breach_list(request: HttpRequest) -> HttpResponse:
    return casework.case_list(
        request, CASES, "breaches/list.html", hours=settings.BREACH_NOTICE_HOURS
    )


def _units(request: HttpRequest) -> list:
    """The units at the top of the user's data protection subtrees, for the form's choice."""
    where = queries.handling_scope(request.user)
    return [u for u in workspace_units(request.user) if where.covers(u)] if where else []


@staff_required
def new(request: HttpRequest) -> HttpResponse:
    return casework.record(
        request,
        CASES,
        "breaches/new.html",
        BreachForm,
        create=lambda data: actions.record(request.user, data),
        check=lambda data: actions.check_record(request.user, data),
        done=lambda item: (
            _("The breach was recorded; notify the authority by %(due)s.")
            % {"due": format_datetime(item.notice_due_at)}
        ),
        form_kwargs=lambda: {"units": _units(request)},
        hours=settings.BREACH_NOTICE_HOURS,
    )


detail = SCREEN.detail_view()


@require_POST
@staff_required
def notify(request: HttpRequest, breach_id: int) -> HttpResponse:
    return SCREEN.move(
        request,
        breach_id,
        "notify",
        lambda item, data: actions.notify(
            request.user,
            item.pk,
            data["reference"],
            notified_at=data["notified_at"],
            late_reason=data["late_reason"],
        ),
        _("The notice to the authority was recorded."),
    )


close = SCREEN.move_view("close", actions.close, "note", gettext_lazy("The breach was closed."))


DOWNLOADS = {"txt": ("text/plain", False), "md": ("text/markdown", True)}


@staff_required
def notice(request: HttpRequest, breach_id: int) -> HttpResponse:
    """The draft notice as a printable letter; `?tai-ve=txt|md` downloads it."""
    item = queries.access_breach(request.user, breach_id)
    letter = draft(item)
    kind = request.GET.get("tai-ve")
    if kind:
        if kind not in DOWNLOADS:
            raise Http404
        content_type, markdown = DOWNLOADS[kind]
        response = HttpResponse(
            letter.as_text(markdown=markdown), content_type=f"{content_type}; charset=utf-8"
        )
        name = f"thong-bao-vi-pham-du-lieu-{item.pk}.{kind}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(request, "breaches/notice.html", {"item": item, "letter": letter})
