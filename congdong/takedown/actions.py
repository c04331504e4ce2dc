"""The one write path of takedown requests: intake, act (hide the content), refuse.

Each public function checks (`check_*`: validate and authorise, raising `ActionError` with a
message for the person, nothing changed) then does (`do_*`). The content itself is hidden
through the posts' and comments' own moves, so their history, public copies and caches follow.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congdong.accounts.models import User
from congdong.accounts.queries import AnyUser
from congdong.core.casework import rules as casework
from congdong.core.casework.rules import check_movable, refusal, written
from congdong.core.errors import ActionError, Refusals
from congdong.core.text import line, plain
from congdong.core.workflow.move import move, record_start
from congdong.engagement.actions import comments as comment_actions
from congdong.engagement.models import Comment, CommentState
from congdong.posts import actions as post_actions
from congdong.posts.models import Post, PostState
from congdong.takedown import notices, queries
from congdong.takedown.models import (
    TAKEDOWN_STATES,
    TakedownRequest,
    TakedownState,
    TargetKind,
)
from congdong.units.models import Unit

S = TakedownState
# Posts an authority can have seen on a page.
SHOWN_POST_STATES = frozenset({PostState.PUBLISHED, PostState.HIDDEN, PostState.ARCHIVED})
MAX_NOTE = 2000
# What the posts' and comments' own moves keep as the reason they were hidden.
HIDE_REASON_MAX = 500


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _text(fields: Mapping[str, Any], name: str, limit: int) -> str:
    value = fields.get(name)
    text = line(str(value)) if value is not None else ""
    if len(text) > limit:
        raise ActionError(
            _("At most %(max)d characters.") % {"max": limit},
            field=name,
        )
    return text


def _note(text: str | None, field: str, empty: str) -> str:
    return written(text, field, empty, MAX_NOTE)


def deadline(received_at: datetime.datetime, times: float = 1) -> datetime.datetime:
    """`received_at` plus TAKEDOWN_HOURS (times `times`) of wall-clock time (the graph's)."""
    late = TAKEDOWN_STATES.deadline(S.RECEIVED, "late")
    return late.due(received_at, late.length() * times)


# --- intake -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Intake:
    authority: str
    reference: str
    contact: str
    legal_basis: str
    target: queries.Target
    unit: Unit
    received_at: datetime.datetime
    now: datetime.datetime


def _target_id(value: Any) -> int:
    try:
        number = int(str(value).strip().lstrip("#"))
    except (TypeError, ValueError):
        raise ActionError(
            _("Give the number of the post or comment (digits only)."), field="target_id"
        ) from None
    if number <= 0:
        raise ActionError(
            _("Give the number of the post or comment (digits only)."), field="target_id"
        )
    return number


def _intake_target(actor: AnyUser, fields: Mapping[str, Any]) -> tuple[queries.Target, Unit]:
    """The post or comment a request is about, on a page of a unit `actor` handles."""
    kind = fields.get("target_kind") or ""
    if kind not in TargetKind.values:
        raise ActionError(
            _("Choose whether the request is about a post or a comment."), field="target_kind"
        )
    number = _target_id(fields.get("target_id"))
    target = queries.find_target(kind, number)
    if target is None:
        message = (
            _("There is no post number %(number)d. Check the number in the request.")
            if kind == TargetKind.POST
            else _("There is no comment number %(number)d. Check the number in the request.")
        )
        raise ActionError(message % {"number": number}, field="target_id")
    unit = target.page.unit
    if not queries.can_handle(actor, unit):
        raise ActionError(
            _(
                "This content is on the page of %(unit)s, outside the units you moderate. "
                "Pass the request to that unit or to the unit above it."
            )
            % {"unit": unit.full_name},
            field="target_id",
            status=403,
        )
    if kind == TargetKind.POST and target.obj.state not in SHOWN_POST_STATES:
        # Never published: the authority cannot have seen it, and nothing in the posts' graph
        # stops a scheduled post (its approvers decide that), so it is not taken in here.
        raise ActionError(
            _("Post number %(number)d has not been published; check the number in the request.")
            % {"number": number},
            field="target_id",
        )
    return target, unit


def check_intake(
    actor: AnyUser, fields: Mapping[str, Any], now: datetime.datetime | None = None
) -> Intake:
    """A request with its body, reference and legal basis, about a post or comment of a page
    whose unit `actor` moderates or runs (on it or above); received no later than now."""
    now = _now(now)
    # Every field is checked before any refusal is told: the form shows them all at once.
    refusals = Refusals()
    authority = _text(fields, "authority", 300)
    with refusals:
        if not authority:
            raise ActionError(_("Name the body that sent the request."), field="authority")
    reference = _text(fields, "reference", 100)
    with refusals:
        if not reference:
            raise ActionError(
                _("Give the reference number of the request document."), field="reference"
            )
    contact = _text(fields, "contact", 300)
    legal_basis = plain(fields.get("legal_basis"))
    with refusals:
        if not legal_basis:
            raise ActionError(
                _("Give the legal basis the body cites (e.g. Decree 147/2024/NĐ-CP, Article 23)."),
                field="legal_basis",
            )
        if len(legal_basis) > 2000:
            raise ActionError(_("At most %(max)d characters.") % {"max": 2000}, field="legal_basis")
    with refusals:
        target, unit = _intake_target(actor, fields)
    received_at = fields.get("received_at") or now
    with refusals:
        if received_at > now:
            raise ActionError(
                _("The request cannot be received in the future."), field="received_at"
            )
    refusals.raise_any()
    return Intake(authority, reference, contact, legal_basis, target, unit, received_at, now)


def do_intake(actor: User, intake: Intake) -> TakedownRequest:
    with transaction.atomic():
        item = TakedownRequest.objects.create(
            authority=intake.authority,
            reference=intake.reference,
            contact=intake.contact,
            legal_basis=intake.legal_basis,
            target_kind=intake.target.kind,
            target_id=intake.target.obj.pk,
            target_snapshot=intake.target.text,
            target_url=intake.target.url,
            unit=intake.unit,
            state=S.RECEIVED,
            received_at=intake.received_at,
            due_at=TAKEDOWN_STATES.deadline(S.RECEIVED, "late").due(intake.received_at),
            alarm_central_at=TAKEDOWN_STATES.deadline(S.RECEIVED, "very_late").due(
                intake.received_at
            ),
            recorded_by=actor,
            created_at=intake.now,
        )
        received = record_start(item, by=actor, at=intake.now)
        notices.tell_received(item, received)
    return item


def intake(
    actor: AnyUser, fields: Mapping[str, Any], now: datetime.datetime | None = None
) -> TakedownRequest:
    """Record an authority's request; its deadline is TAKEDOWN_HOURS after `received_at`."""
    return do_intake(actor, check_intake(actor, fields, now))


# --- decisions --------------------------------------------------------------------------------


Decision = casework.Decision[TakedownRequest]


def _check_decision(
    actor: AnyUser, request_id: int, to: TakedownState, note: str, now: datetime.datetime
) -> Decision:
    item = queries.access_takedown(actor, request_id)
    check_movable(TAKEDOWN_STATES, item, to, _("This request was already decided (%(state)s)."))
    return Decision(item, to, note, now)


def _decide(actor: User, d: Decision, changes: dict[str, Any]) -> TakedownRequest:
    # Conditional update: of two moderators (or two clicks) only one decides.
    move(
        d.item,
        d.to,
        by=actor,
        reason=d.note,
        at=d.now,
        changes={"decided_at": d.now, "decided_by": actor, **changes},
        changed=_("The request changed meanwhile; reload and try again."),
    )
    return d.item


def _hide_reason(item: TakedownRequest) -> str:
    reason = _("Removed at the request of %(body)s (no. %(ref)s)") % {
        "body": item.authority,
        "ref": item.reference,
    }
    return reason[:HIDE_REASON_MAX]


def _hide_content(actor: User, item: TakedownRequest) -> str:
    """Hide the content through its own write path; returns what happened, for the record."""
    reason = _hide_reason(item)
    if item.target_kind == TargetKind.POST:
        post = Post.objects.select_related("page").filter(pk=item.target_id).first()
        if post is None:
            return _("The post no longer exists.")
        if post.state != PostState.PUBLISHED:
            return _("The post was not public (%(state)s); nothing to hide.") % {
                "state": PostState(post.state).label
            }
        post_actions.do_move(actor, post_actions.check_move(post, PostState.HIDDEN, reason))
        return _("The post was hidden from the page.")
    comment = Comment.objects.standard().filter(pk=item.target_id).first()
    if comment is None:
        return _("The comment no longer exists.")
    if comment.state in (CommentState.HIDDEN, CommentState.DELETED):
        return _("The comment was already not shown (%(state)s).") % {
            "state": CommentState(comment.state).label
        }
    comment_actions.do_move(actor, comment_actions.check_move(comment, CommentState.HIDDEN, reason))
    return _("The comment was hidden from the page.")


def check_act(
    actor: AnyUser, request_id: int, note: str, now: datetime.datetime | None = None
) -> Decision:
    note = _note(note, "note", _("Write down what was done (at least 5 characters)."))
    return _check_decision(actor, request_id, S.ACTIONED, note, _now(now))


def do_act(actor: User, d: Decision) -> TakedownRequest:
    with transaction.atomic():
        done = _hide_content(actor, d.item)
        recorded = f"{done}\n{d.note}"
        item = _decide(actor, Decision(d.item, d.to, recorded, d.now), {"action_taken": recorded})
        # The page's own staff learn that content left their page, once this is committed.
        request_id, actor_id = item.pk, actor.pk
        transaction.on_commit(lambda: notices.tell_page_staff(request_id, actor_id, at=d.now))
        return item


def act(
    actor: AnyUser, request_id: int, note: str, now: datetime.datetime | None = None
) -> TakedownRequest:
    """Hide the content (post or comment) and record what was done."""
    return do_act(actor, check_act(actor, request_id, note, now))


def check_refuse(
    actor: AnyUser, request_id: int, reason: str, now: datetime.datetime | None = None
) -> Decision:
    return _check_decision(actor, request_id, S.REFUSED, refusal(reason, MAX_NOTE), _now(now))


def do_refuse(actor: User, d: Decision) -> TakedownRequest:
    with transaction.atomic():
        return _decide(actor, d, {"refuse_reason": d.note})


def refuse(
    actor: AnyUser, request_id: int, reason: str, now: datetime.datetime | None = None
) -> TakedownRequest:
    """Refuse the request with its legal reason; the content stays as it is."""
    return do_refuse(actor, check_refuse(actor, request_id, reason, now))
