"""Staff screens of the breach register: the list (open first, nearest deadline first), the
form to record one, its screen with the 72-hour timer, history and moves, and the draft of the
notice to the authority (printable, and downloadable as .txt or .md). Reads go through
`access_breach` (others get 404); writes through `congdong.breaches.actions`."""

from __future__ import annotations

import math

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congdong.accounts.queries import workspace_units
from congdong.accounts.views import staff_required
from congdong.breaches import actions, queries
from congdong.breaches.forms import BreachForm, CloseForm, NotifyForm
from congdong.breaches.models import Breach, BreachState
from congdong.breaches.notice import draft
from congdong.core.errors import ActionError
from congdong.core.numbers import format_datetime
from congdong.core.web import form_error, posted_move, rule_errors

# The same wall-clock countdown as authority takedown requests.
from congdong.takedown.views import Timer

PER_PAGE = 25


def timer(item: Breach, now) -> Timer:
    if not item.is_open:
        return Timer(0, decided=True)
    return Timer(math.floor((item.notice_due_at - now).total_seconds() / 60))


def _need_handler(request: HttpRequest) -> None:
    if not queries.may_handle_any(request.user):
        raise Http404


@staff_required
def breach_list(request: HttpRequest) -> HttpResponse:
    _need_handler(request)
    now = timezone.now()
    items = (
        queries.to_handle(request.user)
        .annotate(done=Case(When(state=BreachState.RECORDED, then=0), default=1))
        .order_by("done", "notice_due_at", "-pk")
    )
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("trang"))
    for item in page.object_list:
        item.timer = timer(item, now)
    return render(
        request,
        "breaches/list.html",
        {
            "page": page,
            "items": page.object_list,
            "overdue_count": (queries.to_handle(request.user) & queries.overdue(now)).count(),
            "hours": settings.BREACH_NOTICE_HOURS,
        },
    )


def _units(request: HttpRequest) -> list:
    """The units at the top of the user's data protection subtrees, for the form's choice."""
    where = queries.handling_scope(request.user)
    return [u for u in workspace_units(request.user) if where.covers(u)] if where else []


@staff_required
def new(request: HttpRequest) -> HttpResponse:
    _need_handler(request)
    units = _units(request)
    if request.method == "POST":
        form = BreachForm(request.POST, units=units)
        if form.is_valid():
            try:
                item = actions.record(request.user, form.cleaned_data)
            except ActionError as exc:
                form_error(form, exc)
            else:
                messages.success(
                    request,
                    _("The breach was recorded; notify the authority by %(due)s.")
                    % {"due": format_datetime(item.notice_due_at)},
                )
                return redirect("breaches:detail", item.pk)
        else:
            rule_errors(form, lambda data: actions.check_record(request.user, data))
    else:
        form = BreachForm(units=units)
    return render(
        request,
        "breaches/new.html",
        {"form": form, "hours": settings.BREACH_NOTICE_HOURS},
        status=400 if form.is_bound else 200,
    )


def _render_detail(
    request: HttpRequest,
    item: Breach,
    notify_form: NotifyForm | None = None,
    close_form: CloseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "breaches/detail.html",
        {
            "item": item,
            "timer": timer(item, timezone.now()),
            "history": queries.history(item),
            "notify_form": notify_form or NotifyForm(auto_id="notify-%s"),
            "close_form": close_form or CloseForm(auto_id="close-%s"),
            "may_close": item.state != BreachState.CLOSED,
        },
        status=status,
    )


@staff_required
def detail(request: HttpRequest, breach_id: int) -> HttpResponse:
    return _render_detail(request, queries.access_breach(request.user, breach_id))


@require_POST
@staff_required
def notify(request: HttpRequest, breach_id: int) -> HttpResponse:
    item = queries.access_breach(request.user, breach_id)
    form = NotifyForm(request.POST, auto_id="notify-%s")
    return posted_move(
        request,
        form,
        lambda data: actions.notify(
            request.user,
            item.pk,
            data["reference"],
            notified_at=data["notified_at"],
            late_reason=data["late_reason"],
        ),
        _("The notice to the authority was recorded."),
        ("breaches:detail", item.pk),
        lambda: _render_detail(request, item, notify_form=form, status=400),
    )


@require_POST
@staff_required
def close(request: HttpRequest, breach_id: int) -> HttpResponse:
    item = queries.access_breach(request.user, breach_id)
    form = CloseForm(request.POST, auto_id="close-%s")
    return posted_move(
        request,
        form,
        lambda data: actions.close(request.user, item.pk, data["note"]),
        _("The breach was closed."),
        ("breaches:detail", item.pk),
        lambda: _render_detail(request, item, close_form=form, status=400),
    )


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
