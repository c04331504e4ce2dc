"""Staff screens for takedown requests: the list (scoped, overdue first in view), the intake
form, and a request's screen with its timer, history and the act and refuse forms. Reads go
through `access_takedown` (others get 404); writes through `congdong.takedown.actions`."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congdong.accounts.views import staff_required
from congdong.core.durations import duration
from congdong.core.errors import ActionError
from congdong.core.numbers import format_datetime
from congdong.core.web import form_error, posted_move, rule_errors
from congdong.takedown import actions, queries
from congdong.takedown.forms import ActForm, IntakeForm, RefuseForm
from congdong.takedown.models import TakedownRequest, TakedownState

PER_PAGE = 25


@dataclass(frozen=True)
class Timer:
    """Time left before the deadline, or how late, in wall-clock hours (Decree 147/2024)."""

    minutes: int  # > 0: left; <= 0: late by -minutes
    decided: bool = False

    @property
    def late(self) -> bool:
        return not self.decided and self.minutes <= 0

    def __str__(self) -> str:
        if self.decided:
            return ""
        # The one duration formatter (core.durations): "còn 2 giờ 15 phút", "quá hạn 1 ngày 3 giờ".
        length = duration(abs(self.minutes) * 60)
        if self.minutes > 0:
            return _("%(duration)s left") % {"duration": length}
        if self.minutes == 0:
            return _("overdue by less than a minute")
        return _("overdue by %(duration)s") % {"duration": length}


def timer(item: TakedownRequest, now: datetime.datetime) -> Timer:
    if not item.is_open:
        return Timer(0, decided=True)
    return Timer(math.floor((item.due_at - now).total_seconds() / 60))


def _need_handler(request: HttpRequest) -> None:
    if not queries.may_handle_any(request.user):
        raise Http404


@staff_required
def request_list(request: HttpRequest) -> HttpResponse:
    """The requests the user handles, undecided first by deadline, then the decided ones."""
    _need_handler(request)
    now = timezone.now()
    # Undecided requests first, nearest deadline first; then the decided ones, latest first.
    items = (
        queries.to_handle(request.user)
        .annotate(decided=Case(When(state=TakedownState.RECEIVED, then=0), default=1))
        .order_by("decided", "due_at", "pk")
    )
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("trang"))
    for item in page.object_list:
        item.timer = timer(item, now)
    return render(
        request,
        "takedown/list.html",
        {
            "page": page,
            "items": page.object_list,
            "overdue_count": (queries.to_handle(request.user) & queries.overdue(now)).count(),
            "hours": settings.TAKEDOWN_HOURS,
        },
    )


@staff_required
def intake(request: HttpRequest) -> HttpResponse:
    _need_handler(request)
    if request.method == "POST":
        form = IntakeForm(request.POST)
        if form.is_valid():
            try:
                item = actions.intake(request.user, form.cleaned_data)
            except ActionError as exc:
                form_error(form, exc)
            else:
                messages.success(
                    request,
                    _("The request was recorded; it must be decided by %(due)s.")
                    % {"due": format_datetime(item.due_at)},
                )
                return redirect("takedown:detail", item.pk)
        else:
            rule_errors(form, lambda data: actions.check_intake(request.user, data))
    else:
        initial = {k: request.GET[k] for k in ("target_kind", "target_id") if k in request.GET}
        form = IntakeForm(initial=initial)
    return render(
        request,
        "takedown/intake.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


def _render_detail(
    request: HttpRequest,
    item: TakedownRequest,
    act_form: ActForm | None = None,
    refuse_form: RefuseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    act_form = act_form or ActForm(auto_id="act-%s")
    refuse_form = refuse_form or RefuseForm(auto_id="refuse-%s")
    return render(
        request,
        "takedown/detail.html",
        {
            "item": item,
            "timer": timer(item, now),
            "history": queries.history(item),
            "act_form": act_form,
            "refuse_form": refuse_form,
        },
        status=status,
    )


@staff_required
def detail(request: HttpRequest, request_id: int) -> HttpResponse:
    item = queries.access_takedown(request.user, request_id)
    return _render_detail(request, item)


@require_POST
@staff_required
def act(request: HttpRequest, request_id: int) -> HttpResponse:
    item = queries.access_takedown(request.user, request_id)
    form = ActForm(request.POST, auto_id="act-%s")
    return posted_move(
        request,
        form,
        lambda data: actions.act(request.user, item.pk, data["note"]),
        _("The content was removed and the action recorded."),
        ("takedown:detail", item.pk),
        lambda: _render_detail(request, item, act_form=form, status=400),
    )


@require_POST
@staff_required
def refuse(request: HttpRequest, request_id: int) -> HttpResponse:
    item = queries.access_takedown(request.user, request_id)
    form = RefuseForm(request.POST, auto_id="refuse-%s")
    return posted_move(
        request,
        form,
        lambda data: actions.refuse(request.user, item.pk, data["reason"]),
        _("The refusal and its legal reason were recorded."),
        ("takedown:detail", item.pk),
        lambda: _render_detail(request, item, refuse_form=form, status=400),
    )
