"""Reads of citizen feedback and the `access_*` helpers deciding who may see or handle an item.

Political opinion is sensitive data (Decree 356/2025): an item is seen only by its sender and
by those who handle feedback for its unit (HANDLE_FEEDBACK on the unit or a unit above it:
feedback officers and unit admins). Everyone else gets Http404, so that not even the existence
of an item leaks to an officer of another unit.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from congdong.accounts.models import Membership, User
from congdong.accounts.queries import AnyUser, can
from congdong.accounts.roles import ROLE_PERMISSIONS, Permission
from congdong.feedback.models import (
    Category,
    Feedback,
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


def handling_paths(user: AnyUser) -> list[str]:
    """Tree paths of the units at the top of the subtrees where `user` handles feedback."""
    if not user.is_authenticated:
        return []
    paths = sorted(
        Membership.objects.filter(user=user, role__in=HANDLING_ROLES).values_list(
            "unit__path", flat=True
        )
    )
    tops: list[str] = []
    for path in paths:
        if not any(path.startswith(top) for top in tops):
            tops.append(path)
    return tops


def to_handle(user: AnyUser) -> FeedbackQuerySet:
    """Every item `user` may handle: addressed to a unit in one of their subtrees."""
    items = Feedback.objects.standard()
    if user.is_authenticated and user.is_superuser:
        return items
    paths = handling_paths(user)
    if not paths:
        return items.none()
    where = Q()
    for path in paths:
        where |= Q(unit__path__startswith=path)
    return items.filter(where)


def sent_by(user: AnyUser) -> FeedbackQuerySet:
    """The items `user` sent, newest first."""
    if not user.is_authenticated:
        return Feedback.objects.none()
    return Feedback.objects.standard().filter(citizen=user)


def _item_or_404(feedback_id: int) -> Feedback:
    item = Feedback.objects.standard().filter(pk=feedback_id).first()
    if item is None:
        raise Http404
    return item


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
    """Answered items of `unit` whose sender allowed publishing, newest answer first; show
    category, text and answer only, never the sender."""
    return (
        Feedback.objects.select_related("category", "unit")
        .filter(unit=unit, public=True, state__in=[S.ANSWERED, S.CLOSED])
        .order_by("-answered_at", "-pk")
    )
