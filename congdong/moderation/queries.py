"""Reads of moderation and the `access_*` helpers: a moderator sees and decides the cases of
units in their subtree only (MODERATE on the item's unit or above); an appeal is decided by a
moderator of the unit above the item's (the central unit's own moderators at the top)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from congdong.accounts.models import Membership, User
from congdong.accounts.queries import AnyUser, Scope, can, scope, within
from congdong.accounts.roles import ROLE_PERMISSIONS, Permission
from congdong.engagement.models import Comment, CommentState
from congdong.moderation.models import (
    Appeal,
    AppealState,
    Case,
    CaseState,
    Lock,
)
from congdong.pages.models import PageStatus
from congdong.posts.models import Post, PostState
from congdong.units.models import Unit

MODERATING_ROLES = [r for r, perms in ROLE_PERMISSIONS.items() if Permission.MODERATE in perms]


def post_key(post_id: int) -> str:
    return f"p{post_id}"


def comment_key(comment_id: int) -> str:
    return f"c{comment_id}"


def moderated_scope(user: AnyUser) -> Scope:
    """Where `user` moderates (everywhere for a superuser)."""
    return scope(user, Permission.MODERATE)


def queue(user: AnyUser, limit: int = 200) -> list[Case]:
    """Open cases in `user`'s subtrees: the urgent ones first (official content reported, in
    the order they became urgent), then the most reported; each with `.report_list`."""
    cases = within(Case.objects.standard().filter(state=CaseState.OPEN), moderated_scope(user))
    cases = cases.order_by(F("urgent_at").asc(nulls_last=True), "-reporters", "opened_at", "pk")
    rows = list(cases.prefetch_related("reports", "reports__reporter")[:limit])
    for case in rows:
        case.report_list = list(case.reports.all())
    return rows


def appeals_to_decide(user: AnyUser, limit: int = 200) -> list[Appeal]:
    """Pending appeals `user` may decide (see `may_decide_appeal`)."""
    where = moderated_scope(user)
    if not where:
        return []
    rows = (
        Appeal.objects.select_related("case", "case__unit", "case__unit__parent", "author")
        .select_related("case__post", "case__comment")
        .filter(state=AppealState.PENDING)
        .order_by("created_at", "pk")
    )
    rows = within(rows, where, field="case__unit")
    return [a for a in rows[: limit * 2] if may_decide_appeal(user, a)][:limit]


def may_decide_appeal(user: AnyUser, appeal: Appeal) -> bool:
    """A moderator of the unit above the item's (the central unit: its own moderators), who
    did not make the decision appealed against."""
    case = appeal.case
    # Nor the author of the content (four eyes): a moderator above does not judge their own.
    if user.is_authenticated and user.pk in (case.decided_by_id, case.author_id):
        return False
    above = case.unit.parent if case.unit.depth > 1 else case.unit
    return can(user, above, Permission.MODERATE)


def _case_or_404(case_id: int) -> Case:
    return get_object_or_404(Case.objects.standard(), pk=case_id)


def access_case_to_decide(user: AnyUser, case_id: int) -> Case:
    """The case, if `user` moderates its unit or a unit above; out of scope it does not exist."""
    case = _case_or_404(case_id)
    if not can(user, case.unit, Permission.MODERATE):
        raise Http404
    return case


def access_own_case(user: AnyUser, case_id: int) -> Case:
    """A case about `user`'s own content (to read it and appeal)."""
    case = _case_or_404(case_id)
    if not user.is_authenticated or case.author_id != user.pk:
        raise Http404
    return case


def access_appeal_to_decide(user: AnyUser, appeal_id: int) -> Appeal:
    appeal = get_object_or_404(
        Appeal.objects.select_related("case", "case__unit", "case__unit__parent"), pk=appeal_id
    )
    if not can(user, appeal.case.unit, Permission.MODERATE) and not may_decide_appeal(user, appeal):
        raise Http404
    if not may_decide_appeal(user, appeal):
        raise PermissionDenied(
            _(
                "An appeal is decided by a moderator of the unit above who neither decided "
                "first nor wrote the content."
            )
        )
    return appeal


def reportable_comment(comment_id: int) -> Comment:
    """A visible comment (not the page's own answer) on a published post; else Http404."""
    return get_object_or_404(
        Comment.objects.standard(),
        pk=comment_id,
        state=CommentState.VISIBLE,
        as_page=False,
        post__state=PostState.PUBLISHED,
        post__page__status=PageStatus.ACTIVE,
    )


def active_lock(user: User, now: datetime.datetime | None = None) -> Lock | None:
    """The lock in force on the account at `now`, if any (permanent ones first)."""
    now = now or timezone.now()
    return (
        Lock.objects.filter(user=user, lifted_at__isnull=True, starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .order_by("kind", "-starts_at")  # "permanent" < "temporary": permanent first
        .first()
    )


def cases_about(user: AnyUser) -> list[Case]:
    """Cases about the user's content, newest first, with their appeal if any: the decided
    ones and those hidden by reports while waiting for review (the author was told of them;
    an item reported but still shown is not the author's business until it is decided)."""
    if not user.is_authenticated:
        return []
    return list(
        Case.objects.standard()
        .select_related("appeal")
        .filter(author=user)
        .exclude(state=CaseState.OPEN, auto_hidden_at__isnull=True)
        .order_by(F("decided_at").desc(nulls_first=True), "-opened_at", "-pk")[:100]
    )


def history(case: Case) -> list:
    return list(case.transitions.select_related("actor"))


def is_official(item: Post | Comment) -> bool:
    """Content of a verified unit page — its posts, and the answers it gives in its own name —
    which citizens' reports alone never hide (it goes to the moderators as urgent instead)."""
    post = item if isinstance(item, Post) else item.post
    if isinstance(item, Comment) and not item.as_page:
        return False
    return post.page.verified


def moderators_of(unit: Unit) -> list[int]:
    """Active accounts that moderate `unit`: MODERATE on it or on a unit above it."""
    steps = [unit.path[: i * Unit.steplen] for i in range(1, unit.depth + 1)]
    return sorted(
        set(
            Membership.objects.filter(
                unit__path__in=steps, role__in=MODERATING_ROLES, user__is_active=True
            ).values_list("user_id", flat=True)
        )
    )


def unit_of_item(item: Post | Comment) -> Unit:
    post = item if isinstance(item, Post) else item.post
    return post.page.unit
