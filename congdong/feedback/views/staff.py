"""Staff screens for citizen feedback: the handling queue and an item's handling screen, with
one form per move of the graph. Every read of an item goes through `access_feedback_to_handle`
(others get 404) and is logged (Decree 356/2025); every move through `congdong.feedback.actions`.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from congdong.accounts.views import staff_required
from congdong.core.clock import WorkingCalendar
from congdong.core.errors import ActionError
from congdong.core.web import client_ip, form_error, paged
from congdong.feedback import actions, queries
from congdong.feedback.forms.staff import (
    ALL,
    OPEN,
    AnswerForm,
    AssignForm,
    EscalateForm,
    QueueFilterForm,
    RejectForm,
    TransferForm,
)
from congdong.feedback.models import (
    ACTION_FROM,
    OPEN_STATES,
    AccessKind,
    Feedback,
    FeedbackAction,
    FeedbackState,
)
from congdong.units.models import Unit

A = FeedbackAction
PER_PAGE = 25
# The moves staff make here, by the address segment of their form (Vietnamese slugs).
MOVES: dict[str, FeedbackAction] = {
    "tiep-nhan": A.ACCEPT,
    "tu-choi": A.REJECT,
    "giao": A.ASSIGN,
    "tra-loi": A.ANSWER,
    "chuyen-len": A.ESCALATE,
    "chuyen-don-vi": A.TRANSFER,
}
SLUG = {action: slug for slug, action in MOVES.items()}


@dataclass(frozen=True)
class Lateness:
    """How late an item is, in working time (the deadlines are counted in working hours)."""

    hours: float
    day_hours: float  # working hours in a working day

    def __str__(self) -> str:
        if self.hours < 1:
            return _("overdue by less than one working hour")
        if self.hours < self.day_hours:
            n = math.floor(self.hours)
            return ngettext(
                "overdue by %(n)d working hour", "overdue by %(n)d working hours", n
            ) % {"n": n}
        n = math.floor(self.hours / self.day_hours)
        return ngettext("overdue by %(n)d working day", "overdue by %(n)d working days", n) % {
            "n": n
        }


def lateness(
    due: datetime.datetime | None, now: datetime.datetime, calendar: WorkingCalendar
) -> Lateness | None:
    """How far past `due` `now` is in working time; None if nothing is due or not yet."""
    if due is None or due >= now:
        return None
    day = datetime.date(2000, 1, 1)
    day_hours = sum(
        (datetime.datetime.combine(day, end) - datetime.datetime.combine(day, begin))
        / datetime.timedelta(hours=1)
        for begin, end in calendar.periods
    )
    return Lateness(calendar.working_hours_between(due, now), day_hours or 8.0)


def _mark_late(items: list[Feedback], now: datetime.datetime) -> list[Feedback]:
    calendar = WorkingCalendar()
    for item in items:
        item.late = lateness(queries.deadline_of(item), now, calendar)
    return items


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@staff_required
def queue(request: HttpRequest) -> HttpResponse:
    """Items the user handles, nearest deadline first, filterable; counts per state on top;
    overdue items of the units below theirs (what the unit above is told about)."""
    user, now = request.user, timezone.now()
    units = queries.queue_units(user, _int(request.GET.get("unit")))
    form = QueueFilterForm(request.GET or None, units=units, categories=queries.categories())
    state, unit, category_id, overdue_only = OPEN, None, None, False
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        state = data["state"] or OPEN
        unit = queries.within_handling(user, data["unit"])
        category_id, overdue_only = data["category"], data["overdue"]

    base = queries.to_handle(user)
    if unit is not None:
        base = base.in_subtree(unit)
    if category_id:
        base = base.filter(category_id=category_id)
    counts = queries.state_counts(base)
    late = base & queries.overdue(now)
    items = base
    if state == OPEN:
        items = items.filter(state__in=OPEN_STATES)
    elif state != ALL:
        items = items.filter(state=state)
    if overdue_only:
        items = items & queries.overdue(now)
    page, query = paged(request, queries.with_due(items), PER_PAGE)
    _mark_late(list(page.object_list), now)
    below = _mark_late(list(queries.overdue_below(user, now)[:10]), now)

    return render(
        request,
        "feedback/staff/queue.html",
        {
            "form": form,
            "page": page,
            "items": page.object_list,
            "counts": [(FeedbackState(s), n) for s, n in counts.items()],
            "open_count": sum(n for s, n in counts.items() if s in OPEN_STATES),
            "overdue_count": late.count(),
            "below": below,
            "query": query,
            "state": state,
            "now": now,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _move_forms(
    request: HttpRequest, item: Feedback, bound: tuple[FeedbackAction, forms.Form] | None = None
) -> list[tuple[str, str, forms.Form | None]]:
    """(action, address segment, form) of the moves the item's state allows, in the graph's
    order; `bound` is the form just sent, shown with its errors. Accept has no form."""
    allowed = [a for a in MOVES.values() if item.state in ACTION_FROM[a]]
    if A.ESCALATE in allowed and item.unit.parent_id is None:
        allowed.remove(A.ESCALATE)
    if A.ANSWER in allowed and not queries.may_answer(request.user, item):
        allowed.remove(A.ANSWER)  # accepted: the officer who accepted it only, others assign
    if bound is not None and bound[0] not in allowed:
        allowed.append(bound[0])  # a refused move's form stays, to show why it was refused
    q = request.GET.get("q", "")[:100]
    out: list[tuple[str, str, forms.Form | None]] = []
    for action in allowed:
        form: forms.Form | None
        if bound is not None and bound[0] == action:
            form = bound[1]
        elif action == A.ASSIGN:
            form = AssignForm(officers=queries.officers_for(item.unit))
        elif action == A.TRANSFER:
            form = TransferForm(targets=queries.transfer_targets(item, q))
        elif action == A.REJECT:
            form = RejectForm()
        elif action == A.ANSWER:
            form = AnswerForm()
        elif action == A.ESCALATE:
            form = EscalateForm()
        else:
            form = None
        if form is not None:
            form.auto_id = f"{SLUG[action]}-%s"  # ids unique on a page of several forms
        out.append((action.value, SLUG[action], form))
    return out


def _render_item(
    request: HttpRequest,
    item: Feedback,
    bound: tuple[FeedbackAction, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    # Every showing of the raw item is an access to sensitive data: logged, failed moves too.
    actions.log_access(request.user, item, AccessKind.VIEW, client_ip(request))
    now = timezone.now()
    item.late = lateness(queries.deadline_of(item), now, WorkingCalendar())
    return render(
        request,
        "feedback/staff/item.html",
        {
            "item": item,
            "moves": _move_forms(request, item, bound),
            "history": queries.history(item),
            "attachments": list(item.attachments.all()),
            "q": request.GET.get("q", "")[:100],
            "now": now,
        },
        status=status,
    )


@staff_required
def item_detail(request: HttpRequest, feedback_id: int) -> HttpResponse:
    """The item, its history and the forms of the moves its state allows; 404 to anyone who
    does not handle feedback for its unit."""
    item = queries.access_feedback_to_handle(request.user, feedback_id)
    return _render_item(request, item)


def _bind(action: FeedbackAction, request: HttpRequest, item: Feedback) -> forms.Form | None:
    if action == A.REJECT:
        return RejectForm(request.POST)
    if action == A.ASSIGN:
        return AssignForm(request.POST, officers=queries.officers_for(item.unit))
    if action == A.ANSWER:
        return AnswerForm(request.POST)
    if action == A.ESCALATE:
        return EscalateForm(request.POST)
    if action == A.TRANSFER:
        targets = queries.transfer_targets(item, request.GET.get("q", "")[:100])
        # A unit found by a search is not among the default targets: offer it back, the action
        # checks it is of the same structure.
        chosen = _int(request.POST.get("unit"))
        if chosen and all(u.pk != chosen for u in targets):
            extra = Unit.objects.standard().filter(pk=chosen, structure_id=item.unit.structure_id)
            targets = [*targets, *extra]
        return TransferForm(request.POST, targets=targets)
    return None


def _do(action: FeedbackAction, user: Any, item: Feedback, data: dict[str, Any]) -> Feedback:
    if action == A.ACCEPT:
        return actions.accept(user, item.pk)
    if action == A.REJECT:
        return actions.reject(user, item.pk, data["reason_kind"], data["reason"])
    if action == A.ASSIGN:
        return actions.assign(user, item.pk, data["officer"] or 0)
    if action == A.ANSWER:
        return actions.answer(user, item.pk, data["answer"])
    if action == A.ESCALATE:
        return actions.escalate(user, item.pk, data["reason"])
    return actions.transfer(user, item.pk, data["unit"] or 0, data["reason"])


def _success(action: FeedbackAction, item: Feedback) -> str:
    if action == A.ASSIGN:
        return _("Assigned to %(name)s.") % {"name": str(item.assigned_to)}
    if action == A.ESCALATE:
        return _("Escalated to %(unit)s.") % {"unit": item.unit.full_name}
    if action == A.TRANSFER:
        return _("Transferred to %(unit)s.") % {"unit": item.unit.full_name}
    if action == A.ANSWER:
        return _("The answer is sent to the sender.")
    if action == A.REJECT:
        return _("Rejected; the sender is told why.")
    return _("Accepted.")


@staff_required
@require_POST
def move(request: HttpRequest, feedback_id: int, slug: str) -> HttpResponse:
    """One move of the item through its form; a refusal is shown on the form, nothing changes."""
    action = MOVES.get(slug)
    if action is None:
        raise Http404
    item = queries.access_feedback_to_handle(request.user, feedback_id)
    form = _bind(action, request, item)
    if form is not None and not form.is_valid():
        return _render_item(request, item, (action, form), status=400)
    data = form.cleaned_data if form is not None else {}
    try:
        moved = _do(action, request.user, item, data)
    except ActionError as exc:
        if form is None:
            messages.error(request, str(exc.message))
            return redirect("feedback:staff-item", feedback_id=item.pk)
        form_error(form, exc)
        # The item as it is now (a refusal may be "changed meanwhile").
        item = queries.access_feedback_to_handle(request.user, feedback_id)
        return _render_item(request, item, (action, form), status=exc.status or 400)
    messages.success(request, _success(action, moved))
    if queries.can_handle(request.user, moved.unit):
        return redirect("feedback:staff-item", feedback_id=moved.pk)
    # Escalated or transferred out of the user's units: they no longer see it.
    return redirect("feedback:staff-queue")
