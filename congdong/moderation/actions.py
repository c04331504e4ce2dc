"""The one write path of moderation: report, decide (keep or remove, one or many), strike and
lock, appeal and decide the appeal. Items are hidden and shown through the write paths of
comments and posts, so their own history rows are written too; every decision on a case is a
`CaseTransition` row."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from congdong.accounts.models import User
from congdong.accounts.queries import AnyUser
from congdong.core import ratelimit
from congdong.core.errors import ActionError, Refusals
from congdong.core.text import line, plain
from congdong.core.workflow import move as workflow
from congdong.core.workflow.move import record_start
from congdong.engagement.actions import comments as comment_actions
from congdong.engagement.actions.eligibility import check_can_engage
from congdong.engagement.models import Comment, CommentState
from congdong.engagement.queries import access_public_post
from congdong.moderation import notices, queries
from congdong.moderation.models import (
    CASE_STATES,
    Appeal,
    AppealState,
    Case,
    CaseState,
    CaseTransition,
    Lock,
    LockKind,
    ModerationAccess,
    ModerationAccessKind,
    Report,
    ReportReason,
    Strike,
)
from congdong.moderation.rules import Thresholds, lock_due
from congdong.posts import actions as post_actions
from congdong.posts.models import Post, PostState

MAX_TEXT = Report._meta.get_field("text").max_length
MAX_REASON = 500  # characters of a decision's reason
MAX_APPEAL = Appeal._meta.get_field("text").max_length


def _words(text: str | None) -> str:
    return line(text)


# --- reports ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewReport:
    reporter: User
    item: Post | Comment
    item_key: str
    reason: ReportReason
    text: str


def check_report(actor: AnyUser, kind: str, item_id: int, reason: str, text: str = "") -> NewReport:
    """A verified, active citizen reports a published post or a visible comment, with a
    reason (and words of their own for "other"), once per item."""
    user = check_can_engage(actor)
    if kind == "comment":
        item: Post | Comment = queries.reportable_comment(item_id)
        key = queries.comment_key(item.pk)
    elif kind == "post":
        item = access_public_post(item_id)
        key = queries.post_key(item.pk)
    else:
        raise ActionError(_("Only posts and comments can be reported."), field="kind")
    text = _words(text)
    refusals = Refusals()  # every field's problem told at once
    with refusals:
        if reason not in ReportReason.values:
            raise ActionError(_("Choose why you report it."), field="reason")
    with refusals:
        if reason == ReportReason.OTHER and not text:
            raise ActionError(_("Say in a few words what is wrong."), field="text")
        if len(text) > MAX_TEXT:
            raise ActionError(_("At most %(max)d characters.") % {"max": MAX_TEXT}, field="text")
    refusals.raise_any()
    author_id = item.author_id
    if author_id == user.pk:
        raise ActionError(_("You cannot report what you wrote yourself."))
    if Report.objects.filter(reporter=user, item_key=key).exists():
        raise ActionError(_("You have already reported this; moderators will review it."))
    return NewReport(user, item, key, ReportReason(reason), text)


def _open_case(item: Post | Comment, key: str, now: datetime.datetime) -> Case:
    case = Case.objects.select_for_update().filter(item_key=key, state=CaseState.OPEN).first()
    if case is not None:
        return case
    is_post = isinstance(item, Post)
    case = Case.objects.create(
        item_key=key,
        post=item if is_post else None,
        comment=None if is_post else item,
        unit=queries.unit_of_item(item),
        author_id=item.author_id,
        opened_at=now,
    )
    record_start(case, at=now)
    return case


def _hide(item: Post | Comment, reason: str, actor: User | None) -> None:
    """Hide the item through its own write path (its history row says why)."""
    if isinstance(item, Comment):
        item.refresh_from_db(fields=["state"])
        if item.state in (CommentState.VISIBLE, CommentState.HELD):
            move = comment_actions.check_move(item, CommentState.HIDDEN, reason)
            comment_actions.do_move(actor, move)
    else:
        item.refresh_from_db(fields=["state"])
        if item.state == PostState.PUBLISHED:
            post_actions.do_move(actor, post_actions.check_move(item, PostState.HIDDEN, reason))


def _show(item: Post | Comment, actor: User) -> None:
    item.refresh_from_db(fields=["state"])
    if isinstance(item, Comment):
        if item.state == CommentState.HIDDEN:
            comment_actions.do_move(actor, comment_actions.check_move(item, CommentState.VISIBLE))
    elif item.state == PostState.HIDDEN:
        post_actions.do_move(actor, post_actions.check_move(item, PostState.PUBLISHED))


def _threshold_reached(
    item: Post | Comment, case: Case, reporters: int, now: datetime.datetime
) -> None:
    """Enough distinct people reported `item`: official content becomes urgent (once: a
    conditional UPDATE, so of two reports crossing the threshold at once one tells the
    moderators); anything else is hidden until a moderator reviews it."""
    if queries.is_official(item):
        if Case.objects.filter(pk=case.pk, urgent_at__isnull=True).update(urgent_at=now):
            notices.after_commit(notices.urgent, case.pk, at=now)
    elif case.auto_hidden_at is None:
        reason = _("Hidden after %(n)d reports, until a moderator reviews it.") % {"n": reporters}
        _hide(item, reason, None)
        Case.objects.filter(pk=case.pk).update(auto_hidden_at=now)
        notices.after_commit(notices.hidden, case.pk, at=now)


def do_report(new: NewReport, now: datetime.datetime | None = None) -> Report:
    """Record the report on the item's open case; at the threshold of distinct reporters the
    item is hidden until a moderator reviews it — unless it is content of a verified unit page,
    which reports alone never hide: the case becomes urgent and the moderators of the subtree
    are told (a province's campaign post must not vanish because three accounts said so)."""
    now = now or timezone.now()
    ratelimit.hit("report", new.reporter.pk, settings.MODERATION_REPORT_LIMIT, 60, _("reports"))
    try:
        with transaction.atomic():
            case = _open_case(new.item, new.item_key, now)
            report = Report.objects.create(
                case=case,
                item_key=new.item_key,
                reporter=new.reporter,
                reason=new.reason,
                text=new.text,
                created_at=now,
            )
            # Counted in the database: two reports at once both count.
            reporters = case.reports.count()
            Case.objects.filter(pk=case.pk).update(reporters=reporters)
            if reporters >= settings.MODERATION_HIDE_AFTER:
                _threshold_reached(new.item, case, reporters, now)
    except IntegrityError:
        # The same person's second report racing the first: the unique constraint refused it.
        raise ActionError(_("You have already reported this; moderators will review it.")) from None
    return report


def report(
    actor: AnyUser,
    kind: str,
    item_id: int,
    reason: str,
    text: str = "",
    now: datetime.datetime | None = None,
) -> Report:
    return do_report(check_report(actor, kind, item_id, reason, text), now)


# --- decisions --------------------------------------------------------------------------------


class Decision:
    KEEP = "keep"
    REMOVE = "remove"


def check_decide(actor: AnyUser, case_id: int, decision: str, reason: str = "") -> Case:
    """A moderator of the item's unit (or above) keeps or removes a case waiting for review;
    a removal says why (the author sees it)."""
    case = queries.access_case_to_decide(actor, case_id)
    if not actor.is_active:
        raise PermissionDenied(_("Your account is locked; it cannot do this."))
    if case.author_id == actor.pk:
        # Four eyes: nobody keeps (or removes) what they wrote themselves.
        raise PermissionDenied(
            _("You wrote this content, so you cannot decide on it: another moderator must.")
        )
    reason = _words(reason)
    if decision not in (Decision.KEEP, Decision.REMOVE):
        refusals = Refusals()  # a missing choice and a too long reason are told together
        with refusals:
            raise ActionError(_("Choose to keep or to remove."), field="decision")
        with refusals:
            if len(reason) > MAX_REASON:
                raise ActionError(
                    _("At most %(max)d characters.") % {"max": MAX_REASON}, field="reason"
                )
        refusals.raise_any()
    to = CaseState.KEPT if decision == Decision.KEEP else CaseState.REMOVED
    if not CASE_STATES.allowed(case.state, to):
        raise ActionError(
            _("This case was already decided (%(state)s).") % {"state": CaseState(case.state).label}
        )
    if (case.state, to) in CASE_STATES.needs_reason and len(reason) < 5:
        raise ActionError(_("Say why (at least 5 characters)."), field="reason")
    if len(reason) > MAX_REASON:
        raise ActionError(_("At most %(max)d characters.") % {"max": MAX_REASON}, field="reason")
    case.decision_to = to
    case.decision_reason = reason
    return case


def _move_case(
    case: Case, to: CaseState, actor: User | None, reason: str, now: datetime.datetime
) -> None:
    workflow.move(
        case,
        to,
        by=actor,
        reason=reason,
        at=now,
        changes={"decided_at": now, "decided_by": actor, "reason": reason},
        changed=_("The case changed meanwhile; reload and try again."),
    )


def do_decide(actor: User, case: Case, now: datetime.datetime | None = None) -> Case:
    now = now or timezone.now()
    to, reason = case.decision_to, case.decision_reason
    with transaction.atomic():
        _move_case(case, to, actor, reason, now)
        if to == CaseState.KEPT:
            if case.auto_hidden_at is not None:
                _show(case.item, actor)
        else:
            _hide(case.item, reason, actor)
            _strike(case, now)
        # The author, the lock the strike brought (if any) and the reporters.
        notices.after_commit(notices.decided, case.pk, at=now)
    return case


def decide(
    actor: AnyUser,
    case_id: int,
    decision: str,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> Case:
    return do_decide(actor, check_decide(actor, case_id, decision, reason), now)


def decide_many(
    actor: AnyUser,
    case_ids: Iterable[int],
    decision: str,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> tuple[list[Case], list[tuple[int, str]]]:
    """The bulk action of the queue: each case decided on its own (one refused does not stop
    the others). Returns the cases decided and (id, message) of those refused."""
    done: list[Case] = []
    refused: list[tuple[int, str]] = []
    for case_id in dict.fromkeys(case_ids):
        try:
            done.append(decide(actor, case_id, decision, reason, now))
        except ActionError as exc:
            refused.append((case_id, str(exc.message)))
        except Http404:
            # Out of the moderator's subtree: said the same way as a case that does not exist.
            refused.append((case_id, _("Case %(id)d was not found.") % {"id": case_id}))
        except PermissionDenied as exc:
            # In the subtree but not theirs to decide (a locked account, their own content).
            refused.append((case_id, str(exc)))
    return done, refused


# --- strikes and locks ------------------------------------------------------------------------


def _strike(case: Case, now: datetime.datetime) -> Strike:
    """A strike for the author of a confirmed violation, and the lock it brings, if any."""
    strike = Strike.objects.create(user_id=case.author_id, case=case, at=now)
    times = list(
        Strike.objects.filter(user_id=case.author_id, revoked_at__isnull=True).values_list(
            "at", flat=True
        )
    )
    locks = Lock.objects.filter(user_id=case.author_id, lifted_at__isnull=True)
    temporary = locks.filter(kind=LockKind.TEMPORARY).count()
    last = locks.order_by("-starts_at").values_list("starts_at", flat=True).first()
    due = lock_due(times, temporary, now, last_lock_at=last, rules=Thresholds.from_settings())
    if due is not None:
        Lock.objects.create(
            user_id=case.author_id,
            kind=due.kind,
            strike=strike,
            starts_at=now,
            ends_at=due.ends_at,
            reason=due.reason,
        )
    return strike


# --- appeals ----------------------------------------------------------------------------------


def check_appeal(actor: AnyUser, case_id: int, text: str) -> tuple[Case, str]:
    """The author appeals a removal once, in their own words."""
    case = queries.access_own_case(actor, case_id)
    if case.state != CaseState.REMOVED:
        raise ActionError(_("Only a removal can be appealed."))
    if Appeal.objects.filter(case=case).exists():
        raise ActionError(_("You have already appealed this decision."))
    text = plain(text)
    if len(text) < 10:
        raise ActionError(_("Explain your appeal (at least 10 characters)."), field="text")
    if len(text) > MAX_APPEAL:
        raise ActionError(_("At most %(max)d characters.") % {"max": MAX_APPEAL}, field="text")
    return case, text


def do_appeal(actor: User, case: Case, text: str, now: datetime.datetime | None = None) -> Appeal:
    try:
        with transaction.atomic():
            item = Appeal.objects.create(
                case=case, author=actor, text=text, created_at=now or timezone.now()
            )
            record_start(item, by=actor, at=item.created_at)
            return item
    except IntegrityError:
        raise ActionError(_("You have already appealed this decision.")) from None


def appeal(actor: AnyUser, case_id: int, text: str, now: datetime.datetime | None = None) -> Appeal:
    # Even a locked account may appeal: the appeal is how a wrong lock is undone.
    return do_appeal(actor, *check_appeal(actor, case_id, text), now=now)


def check_decide_appeal(actor: AnyUser, appeal_id: int, reason: str) -> tuple[Appeal, str]:
    """A pending appeal `actor` may decide (a moderator of the unit above, not who removed),
    with the reason of the decision."""
    item = queries.access_appeal_to_decide(actor, appeal_id)
    reason = _words(reason)
    if item.state != AppealState.PENDING:
        raise ActionError(_("This appeal was already decided."))
    if len(reason) < 5:
        raise ActionError(_("Say why (at least 5 characters)."), field="reason")
    if len(reason) > MAX_REASON:
        raise ActionError(_("At most %(max)d characters.") % {"max": MAX_REASON}, field="reason")
    return item, reason


def decide_appeal(
    actor: AnyUser,
    appeal_id: int,
    overturn: bool,
    reason: str,
    now: datetime.datetime | None = None,
) -> Appeal:
    """A moderator of the unit above upholds the removal, or overturns it: the item is shown
    again, the strike no longer counts and a lock it brought is lifted."""
    item, reason = check_decide_appeal(actor, appeal_id, reason)
    return do_decide_appeal(actor, item, overturn, reason, now)


def do_decide_appeal(
    actor: User,
    item: Appeal,
    overturn: bool,
    reason: str,
    now: datetime.datetime | None = None,
) -> Appeal:
    now = now or timezone.now()
    state = AppealState.OVERTURNED if overturn else AppealState.UPHELD
    with transaction.atomic():
        workflow.move(
            item,
            state,
            by=actor,
            reason=reason,
            at=now,
            expected_from=AppealState.PENDING,
            changes={"decided_at": now, "decided_by": actor, "reason": reason},
            changed=_("This appeal was already decided."),
        )
        case = Case.objects.standard().get(pk=item.case_id)
        if overturn:
            _move_case(case, CaseState.OVERTURNED, actor, reason, now)
            _show(case.item, actor)
            Strike.objects.filter(case=case).update(revoked_at=now)
            Lock.objects.filter(strike__case=case, lifted_at__isnull=True).update(lifted_at=now)
        else:
            # The case stays removed; the decision on the appeal is in its history too.
            CaseTransition.objects.create(
                case=case,
                from_state=case.state,
                to_state=case.state,
                actor=actor,
                reason=_("Appeal upheld: %(reason)s") % {"reason": reason},
                at=now,
            )
        notices.after_commit(notices.appeal_decided, case.pk, at=now)
    item.refresh_from_db()
    return item


# --- staff reading citizens' private text -------------------------------------------------------


def log_accesses(
    user: AnyUser,
    cases: Iterable[Case],
    kind: ModerationAccessKind,
    ip: str | None = None,
    now: datetime.datetime | None = None,
) -> None:
    """Record that staff member `user` was shown citizens' private text about `cases` (the
    reports' details, or the appeal): one row per case, one insert (issue 15.3, as
    `feedback.actions.log_accesses`)."""
    if not user.is_authenticated:
        return
    at = now or timezone.now()
    ModerationAccess.objects.bulk_create(
        ModerationAccess(case=case, user=user, kind=kind, ip=ip, at=at) for case in cases
    )


def shows_report_text(case: Case) -> bool:
    """Whether a case carries a reporter's free-text details (those with none need no row)."""
    return any(r.text for r in getattr(case, "report_list", []))


def log_queue_shown(user: AnyUser, cases: Iterable[Case], ip: str | None = None) -> None:
    """Record that the review queue showed `user` these cases: the reporters' details are
    citizens' private text, so one access row per case that carries any (page and API alike)."""
    log_accesses(user, [c for c in cases if shows_report_text(c)], ModerationAccessKind.REPORTS, ip)
