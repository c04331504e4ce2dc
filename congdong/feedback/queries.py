"""Reads of citizen feedback and the `access_*` helpers deciding who may see or handle an item.

Political opinion is sensitive data (Decree 356/2025): an item is seen only by its sender and
by those who handle feedback for its unit (HANDLE_FEEDBACK on the unit or a unit above it:
feedback officers and unit admins). Everyone else gets Http404, so that not even the existence
of an item leaks to an officer of another unit.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from congdong.accounts.models import User
from congdong.accounts.queries import (
    AnyUser,
    Scope,
    can,
    nearest_holders,
    scope,
    scope_units,
    within,
)
from congdong.accounts.roles import ROLE_PERMISSIONS, Permission
from congdong.feedback.models import (
    ACTION_FROM,
    ANSWER_WITHOUT_ASSIGNING,
    Category,
    Feedback,
    FeedbackAction,
    FeedbackAttachment,
    FeedbackQuerySet,
    FeedbackState,
    FeedbackTransition,
)
from congdong.units.models import Unit

S = FeedbackState
HANDLING_ROLES = [
    role for role, perms in ROLE_PERMISSIONS.items() if Permission.HANDLE_FEEDBACK in perms
]


def categories() -> list[Category]:
    """The categories citizens choose from, in order."""
    return list(Category.objects.filter(active=True))


def can_handle(user: AnyUser, unit: Unit) -> bool:
    return can(user, unit, Permission.HANDLE_FEEDBACK)


def handling_scope(user: AnyUser) -> Scope:
    """Where `user` handles feedback (everywhere for a superuser)."""
    return scope(user, Permission.HANDLE_FEEDBACK)


def to_handle(user: AnyUser) -> FeedbackQuerySet:
    """Every item `user` may handle: addressed to a unit in one of their subtrees."""
    return within(Feedback.objects.standard(), handling_scope(user))


def sent_by(user: AnyUser) -> FeedbackQuerySet:
    """The items `user` sent, newest first."""
    if not user.is_authenticated:
        return Feedback.objects.none()
    return Feedback.objects.standard().filter(citizen=user)


def _item_or_404(feedback_id: int) -> Feedback:
    return get_object_or_404(Feedback.objects.standard(), pk=feedback_id)


def access_feedback_to_handle(user: AnyUser, feedback_id: int) -> Feedback:
    """The item, if `user` handles feedback for its unit (on it or above); Http404 otherwise."""
    item = _item_or_404(feedback_id)
    if not can_handle(user, item.unit):
        raise Http404
    return item


def access_own_feedback(user: AnyUser, feedback_id: int) -> Feedback:
    """The item, if `user` sent it; Http404 otherwise."""
    item = _item_or_404(feedback_id)
    if not user.is_authenticated or item.citizen_id != user.pk:
        raise Http404
    return item


def access_feedback(user: AnyUser, feedback_id: int) -> Feedback:
    """The item, for reading, by its sender or by someone who handles it; Http404 otherwise."""
    item = _item_or_404(feedback_id)
    if user.is_authenticated and item.citizen_id == user.pk:
        return item
    if not can_handle(user, item.unit):
        raise Http404
    return item


def find_by_code(user: AnyUser, code: str) -> Feedback:
    """The item with tracking `code` (any case, spaces ignored), if `user` may read it."""
    wanted = "".join((code or "").split()).upper()
    item_id = Feedback.objects.filter(code=wanted).values_list("pk", flat=True).first()
    if item_id is None:
        raise Http404
    return access_feedback(user, item_id)


def may_answer(user: AnyUser, item: Feedback) -> bool:
    """Whether the item's state lets `user` answer it: an assigned item, by anyone who handles
    it; an accepted one (`ANSWER_WITHOUT_ASSIGNING`) by the officer whose acceptance brought it
    there only — its last move is their accept (an item escalated to accepted has none)."""
    if item.state not in ACTION_FROM[FeedbackAction.ANSWER]:
        return False
    if item.state not in ANSWER_WITHOUT_ASSIGNING:
        return True
    last = item.transitions.order_by("-at", "-pk").values("action", "actor_id").first()
    return (
        user.is_authenticated
        and last is not None
        and last["action"] == FeedbackAction.ACCEPT
        and last["actor_id"] == user.pk
    )


def history(item: Feedback) -> list[FeedbackTransition]:
    """Every move of the item, oldest first, with who made it and between which units."""
    return list(
        item.transitions.select_related("actor", "officer", "from_unit", "to_unit").order_by(
            "at", "pk"
        )
    )


def officers_for(unit: Unit) -> list[User]:
    """Active staff who may be assigned items of `unit`: they handle feedback on it or above."""
    steps = [unit.path[: i * Unit.steplen] for i in range(1, unit.depth + 1)]
    return list(
        User.objects.filter(
            is_active=True,
            memberships__unit__path__in=steps,
            memberships__role__in=HANDLING_ROLES,
        )
        .distinct()
        .order_by("username")
    )


def overdue(now: datetime.datetime | None = None) -> FeedbackQuerySet:
    """Items past a deadline at `now`: received and not accepted by `accept_due`, or accepted
    (assigned, reopened) and not answered by `answer_due`. Answered, closed and rejected items
    are never overdue."""
    now = now or timezone.now()
    late_accept = Q(state=S.RECEIVED, accept_due__lt=now)
    late_answer = Q(state__in=[S.ACCEPTED, S.ASSIGNED, S.REOPENED], answer_due__lt=now)
    return Feedback.objects.standard().filter(late_accept | late_answer)


def public_answers(unit: Unit) -> FeedbackQuerySet:
    """Answered items whose sender allowed publishing, sent to `unit` or answered by it (an
    item escalated from a commune shows on the commune's page and on the province's), newest
    answer first; show category, text and answer only, never the sender."""
    sent_here = FeedbackTransition.objects.filter(action=FeedbackAction.SUBMIT, to_unit=unit)
    return (
        Feedback.objects.select_related("category", "unit")
        .filter(Q(unit=unit) | Q(pk__in=sent_here.values("feedback_id")))
        .filter(public=True, state__in=[S.ANSWERED, S.CLOSED])
        .order_by("-answered_at", "-pk")
    )


# --- citizens' screens (sending, following an item, public answers) --------------------------
# (Imports local to these helpers: several people append to this module at once.)


def access_attachment(user: AnyUser, attachment_id: int) -> tuple[FeedbackAttachment, Feedback]:
    """The FeedbackAttachment and its item, if `user` may read the item (its sender, or someone
    who handles it); Http404 otherwise, exactly as for the item itself."""
    attachment = get_object_or_404(FeedbackAttachment, pk=attachment_id)
    return attachment, access_feedback(user, attachment.feedback_id)


def send_provinces() -> Any:
    """The provinces of the structure in force, to choose where feedback goes."""
    from congdong.units.queries import current_structure, provinces

    structure = current_structure()
    return provinces(structure) if structure else Unit.objects.none()


def send_communes(province_id: int | None) -> Any:
    """The communes (wards, special zones) under a province of the structure in force, by
    name; none for anything else."""
    from congdong.units.models import Level

    province = send_provinces().filter(pk=province_id).first() if province_id else None
    if province is None:
        return Unit.objects.none()
    return (
        Unit.objects.in_subtree(province)
        .filter(level=Level.COMMUNE)
        .select_related("parent")
        .order_by("name", "pk")
    )


def send_target(unit_id: int | None) -> Unit | None:
    """The unit feedback is being written to, if it is one of the structure in force."""
    from congdong.units.queries import current_structure

    structure = current_structure()
    if not unit_id or structure is None:
        return None
    return Unit.objects.standard().filter(pk=unit_id, structure=structure).first()


def open_page_of(unit: Unit) -> Any:
    """The unit's open public page (to link back to it), or None."""
    from congdong.pages.models import Page, PageStatus

    return Page.objects.filter(unit=unit, status=PageStatus.ACTIVE).first()


# --- staff handling: the queue, deadlines, lateness, the unit above -----------------------------

# States whose deadline is the answer (accept_due is met once accepted).
ANSWER_STATES = (S.ACCEPTED, S.ASSIGNED, S.REOPENED)


def with_due(items: FeedbackQuerySet) -> FeedbackQuerySet:
    """Items annotated with `due`, the deadline they wait on now (None: nothing is due), and
    sorted nearest deadline first, items with none last (newest first among them)."""
    from django.db.models import Case, DateTimeField, F, When

    due = Case(
        When(state=S.RECEIVED, then=F("accept_due")),
        When(state__in=ANSWER_STATES, then=F("answer_due")),
        default=None,
        output_field=DateTimeField(),
    )
    return items.annotate(due=due).order_by(F("due").asc(nulls_last=True), "-updated_at", "-pk")


def deadline_of(item: Feedback) -> datetime.datetime | None:
    """The deadline `item` waits on in its state: accepting, answering, or none."""
    if item.state == S.RECEIVED:
        return item.accept_due
    if item.state in ANSWER_STATES:
        return item.answer_due
    return None


def state_counts(items: FeedbackQuerySet) -> dict[str, int]:
    """Items per state (every state present, zeros included), in one query."""
    from django.db.models import Count

    found = dict(items.order_by().values_list("state").annotate(n=Count("pk")))
    return {state: found.get(state, 0) for state in S.values}


def top_units(user: AnyUser) -> list[Unit]:
    """The units at the top of the subtrees where `user` handles feedback, in tree order (the
    roots for a superuser)."""
    return scope_units(user, Permission.HANDLE_FEEDBACK)[1]


def overdue_below(user: AnyUser, now: datetime.datetime | None = None) -> FeedbackQuerySet:
    """Overdue items addressed to units strictly below the units where `user` has a handling
    role: what the unit above is told about (and may take up, having HANDLE_FEEDBACK there)."""
    return with_due(within(overdue(now), handling_scope(user), strictly=True))


def handlers_above(unit: Unit) -> tuple[Unit | None, list[int]]:
    """The nearest unit above `unit` where someone handles feedback, and the ids of those
    active people (officers and admins placed on that unit itself). (None, []) at the top."""
    nearest_id, users = nearest_holders(unit, HANDLING_ROLES, above=True)
    return (Unit.objects.get(pk=nearest_id) if nearest_id else None), users


def handlers_at(unit: Unit) -> list[int]:
    """Ids of the active people whose queue an item of `unit` lands in: those handling
    feedback placed on `unit` itself, or, if it has nobody, on the nearest unit above that has
    someone. Never a sibling's (their role covers another subtree) and, while the unit has its
    own officers, not every admin above it either."""
    return nearest_holders(unit, HANDLING_ROLES)[1]


def queue_units(user: AnyUser, selected: int | None = None) -> list[Unit]:
    """Units to filter the queue by: the tops of `user`'s subtrees and the units just below
    them, and, when one is `selected` (within those subtrees), the way down to it and the
    units just below it. Never a unit outside the subtrees, so the list stays short."""
    where, tops = scope_units(user, Permission.HANDLE_FEEDBACK)
    if not tops:
        return []
    units = within(Unit.objects.all(), where, field="")
    wanted = Q(pk__in=[top.pk for top in tops]) | Q(parent__in=tops)
    chosen = units.filter(pk=selected).first() if selected else None
    if chosen is not None:
        steps = [chosen.path[: i * Unit.steplen] for i in range(1, chosen.depth + 1)]
        wanted |= Q(path__in=steps) | Q(parent=chosen)
    return list(units.filter(wanted).order_by("path"))


def within_handling(user: AnyUser, unit_id: int | None) -> Unit | None:
    """The unit, if it is in one of the subtrees where `user` handles feedback."""
    if not unit_id:
        return None
    unit = Unit.objects.standard().filter(pk=unit_id).first()
    if unit is None or not handling_scope(user).covers(unit):
        return None
    return unit


def transfer_targets(item: Feedback, text: str = "", limit: int = 30) -> list[Unit]:
    """Units an item may be transferred to: by default its unit's siblings and the unit
    above (the wrong commune's neighbours); with `text`, units of the same structure whose
    name matches. Never its own unit."""
    units = Unit.objects.standard().filter(structure_id=item.unit.structure_id)
    if text.strip():
        found = units.search(text).order_by("depth", "path")[:limit]
    elif item.unit.parent_id is not None:
        found = units.filter(Q(parent_id=item.unit.parent_id) | Q(pk=item.unit.parent_id))
        found = found.order_by("depth", "name")
    else:
        found = units.filter(parent=item.unit).order_by("name")
    return [unit for unit in found if unit.pk != item.unit_id]
