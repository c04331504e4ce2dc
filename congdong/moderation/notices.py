"""What moderation tells people, in their bell: the author of reported content (hidden after
reports, kept, removed, their account locked, their appeal decided), the reporters (their
report decided) and the moderators of the subtree (official content reported: urgent). Each
notification points to its case; the author's link is their case page (/cong-dan/vi-pham/).

The actions call `after_commit`: notifications are written once the decision is committed,
from ids (a rolled-back decision tells nobody), through engagement's `notify()` (one INSERT
per kind told).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db import transaction

from congdong.engagement.actions.notify import notify
from congdong.engagement.models import NotificationKind
from congdong.moderation.models import Case, CaseState, Lock, LockKind, Report
from congdong.moderation.queries import moderators_of

K = NotificationKind


def after_commit(tell: Callable[..., int], *ids: int, at: datetime.datetime) -> None:
    """Run `tell(*ids, at=at)` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: tell(*ids, at=at))


def _tell(recipients: list[int], kind: NotificationKind, case: Case, at: datetime.datetime) -> int:
    return notify(
        recipients,
        kind,
        at=at,
        case_id=case.pk,
        post_id=case.post_id or (case.comment.post_id if case.comment_id else None),
        comment_id=case.comment_id,
    )


def _case(case_id: int) -> Case | None:
    return Case.objects.select_related("comment", "unit").filter(pk=case_id).first()


def tell_author(case_id: int, kind: NotificationKind, *, at: datetime.datetime) -> int:
    """One notification of `kind` to the author of the case's item."""
    case = _case(case_id)
    if case is None:
        return 0
    return _tell([case.author_id], kind, case, at)


def hidden(case_id: int, *, at: datetime.datetime) -> int:
    return tell_author(case_id, K.CONTENT_HIDDEN, at=at)


def decided(case_id: int, *, at: datetime.datetime) -> int:
    """The author (kept or removed, and the lock the removal brought, if any) and every
    reporter of the case (a short notice of the outcome)."""
    case = _case(case_id)
    if case is None:
        return 0
    removed = case.state != CaseState.KEPT
    told = _tell([case.author_id], K.CONTENT_REMOVED if removed else K.CONTENT_KEPT, case, at)
    lock = Lock.objects.filter(strike__case=case).first() if removed else None
    if lock is not None:
        kind = K.LOCK_PERMANENT if lock.kind == LockKind.PERMANENT else K.LOCK_TEMPORARY
        told += _tell([case.author_id], kind, case, at)
    reporters = Report.objects.filter(case=case).values_list("reporter_id", flat=True)
    return told + _tell([r for r in reporters if r != case.author_id], K.REPORT_DECIDED, case, at)


def urgent(case_id: int, *, at: datetime.datetime) -> int:
    """The moderators of the item's unit and of the units above it: official content reached
    the threshold of reports and waits, still shown, first in their queue."""
    case = _case(case_id)
    if case is None:
        return 0
    return _tell(moderators_of(case.unit), K.REPORTS_URGENT, case, at)


def appeal_decided(case_id: int, *, at: datetime.datetime) -> int:
    return tell_author(case_id, K.APPEAL_DECIDED, at=at)
