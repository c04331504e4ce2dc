"""Writes to the handbook and the experience board.

check_* validates and authorises and changes nothing; do_* writes (and records the transition).
Each function takes an optional `now` (an aware datetime): tests and the demo pass a fixed time.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from congdong.accounts.models import Membership, User
from congdong.accounts.queries import AnyUser
from congdong.core.clock import now_or_given
from congdong.core.errors import ActionError, Refusals
from congdong.core.text import line, plain
from congdong.core.workflow import move as workflow
from congdong.core.workflow.graph import StateGraph
from congdong.core.write_path import checked_then_done
from congdong.handbook.models import (
    BOARD_STATES,
    HANDBOOK_STATES,
    BoardKind,
    BoardPost,
    BoardReply,
    BoardState,
    HandbookPage,
    HandbookRevision,
    PageKind,
    RevisionState,
)
from congdong.handbook.queries import (
    access_handbook_editor,
    access_handbook_page,
    access_post_to_answer,
    access_revision_to_decide,
    require_staff,
)
from congdong.units.models import Unit

MAX_PAGE_TITLE = HandbookPage._meta.get_field("title").max_length  # 200
MAX_PAGE_BODY = HandbookRevision._meta.get_field("body").max_length  # 100,000
MAX_NOTE = HandbookRevision._meta.get_field("note").max_length  # 300
MAX_POST_TITLE = BoardPost._meta.get_field("title").max_length  # 200
MAX_POST_BODY = BoardPost._meta.get_field("body").max_length  # 5,000
MIN_POST_BODY = 20
MAX_REPLY = BoardReply._meta.get_field("body").max_length  # 3,000
MAX_DECISION_NOTE = 2000
MIN_REASON = 5
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _text(value: str | None, field: str, label: str, least: int, most: int) -> str:
    """Plain text between `least` and `most` characters, or an error naming the field."""
    text = plain(value)
    if len(text) < least:
        if least <= 1:
            raise ActionError(_("%(label)s is required.") % {"label": label}, field=field)
        raise ActionError(
            _("%(label)s needs at least %(min)d characters.") % {"label": label, "min": least},
            field=field,
        )
    if len(text) > most:
        raise ActionError(
            _("%(label)s has at most %(max)d characters (now %(count)d).")
            % {"label": label, "max": most, "count": len(text)},
            field=field,
        )
    return text


def _decision(
    graph: StateGraph,
    current: str,
    decision: str,
    note: str,
    *,
    choose: str,
    decided: str,
    why: str,
    refused: str = "",
) -> tuple[str, str]:
    """A person's decision on a version or a proposal: the state it moves to and its note, or
    an error. `decision` must be one of the moves out of the graph's start (`choose`
    otherwise), allowed from `current` (`decided` otherwise), not `refused` for another reason,
    and with a note of at least MIN_REASON characters where the graph wants a reason (`why`
    otherwise)."""
    if decision not in graph.next_states(str(graph.start)):
        refusals = Refusals()  # a missing choice and a bad note are told together
        with refusals:
            raise ActionError(choose, field="decision")
        with refusals:
            _text(note, "note", _("The note"), 0, MAX_DECISION_NOTE)
        refusals.raise_any()
    if not graph.allowed_for_person(current, decision):
        raise ActionError(decided, field="decision")
    if refused:
        raise ActionError(refused, field="decision")
    if (current, decision) in graph.needs_reason and len(plain(note)) < MIN_REASON:
        raise ActionError(why, field="note")
    return decision, _text(note, "note", _("The note"), 0, MAX_DECISION_NOTE)


# --- handbook -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageText:
    title: str
    body: str
    note: str


def _page_text(title: str | None, body: str | None, note: str | None) -> PageText:
    # The body is Markdown: kept as typed (line breaks matter), only control characters go.
    # Every field's problem is told at once.
    refusals = Refusals()
    with refusals:
        clean_title = _text(title, "title", _("The title"), 3, MAX_PAGE_TITLE)
    with refusals:
        clean_body = _text(body, "body", _("The text"), 1, MAX_PAGE_BODY)
    with refusals:
        clean_note = _text(note, "note", _("The note on what changed"), 0, MAX_NOTE)
    refusals.raise_any()
    return PageText(title=clean_title, body=clean_body, note=clean_note)


@dataclass(frozen=True)
class NewPage:
    slug: str
    kind: PageKind
    order: int
    text: PageText
    author: User | None
    now: datetime.datetime


def check_create_page(
    user: AnyUser,
    slug: str,
    title: str,
    body: str,
    kind: str = PageKind.GUIDE,
    order: int = 0,
    note: str = "",
    now: datetime.datetime | None = None,
) -> NewPage:
    access_handbook_editor(user)
    slug = line(slug).lower()
    refusals = Refusals()  # every field's problem told at once
    with refusals:
        if not SLUG.match(slug) or len(slug) > 80:
            raise ActionError(
                _(
                    "The address uses lower-case letters without accents, digits and hyphens "
                    "(at most 80), e.g. huong-dan-van-hanh."
                ),
                field="slug",
            )
        if HandbookPage.objects.filter(slug=slug).exists():
            raise ActionError(_("A handbook page already has this address."), field="slug")
    with refusals:
        if kind not in PageKind.values:
            raise ActionError(
                _("Choose whether the page is a regulation or a guide."), field="kind"
            )
    with refusals:
        if not 0 <= int(order) <= 1000:
            raise ActionError(_("The order is a number from 0 to 1000."), field="order")
    with refusals:
        text = _page_text(title, body, note)
    refusals.raise_any()
    return NewPage(slug, PageKind(kind), int(order), text, user, now_or_given(now))


def do_create_page(new: NewPage) -> HandbookPage:
    with transaction.atomic():
        try:
            page = HandbookPage.objects.create(
                slug=new.slug,
                title=new.text.title,
                kind=new.kind,
                order=new.order,
                created_at=new.now,
                updated_at=new.now,
            )
        except IntegrityError:
            raise ActionError(
                _("A handbook page already has this address."), field="slug"
            ) from None
        HandbookRevision.objects.create(
            page=page,
            number=1,
            title=new.text.title,
            body=new.text.body,
            note=new.text.note,
            author=new.author,
            created_at=new.now,
            state=RevisionState.PROPOSED,
        )
    return page


def create_page(user: AnyUser, slug: str, title: str, body: str, **options) -> HandbookPage:
    """A new handbook page with its first version, proposed (central admins only): staff read
    it once another central admin publishes it."""
    return do_create_page(check_create_page(user, slug, title, body, **options))


@dataclass(frozen=True)
class Edit:
    page: HandbookPage
    number: int  # of the new revision
    text: PageText
    author: User
    now: datetime.datetime


def check_edit_page(
    user: AnyUser,
    slug: str,
    title: str,
    body: str,
    note: str = "",
    base: int | None = None,
    now: datetime.datetime | None = None,
) -> Edit:
    """`base` is the revision the editor started from: if someone saved since, the edit is
    refused rather than silently overwriting their text."""
    access_handbook_editor(user)
    page = access_handbook_page(user, slug)
    latest = page.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    if base is not None and base != latest:
        raise ActionError(
            _(
                "Someone saved this page meanwhile (revision %(number)d). Reload it, then "
                "make your change again."
            )
            % {"number": latest}
        )
    text = _page_text(title, body, note)
    current = page.revisions.filter(number=latest).first()
    if current is not None and (current.title, current.body) == (text.title, text.body):
        raise ActionError(_("Nothing changed: the title and the text are as saved."), field="body")
    return Edit(page, latest + 1, text, user, now_or_given(now))


def do_edit_page(edit: Edit) -> HandbookRevision:
    """A new version, proposed: staff keep reading the published one until another central
    admin publishes it (the page's text is never overwritten)."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                revision = HandbookRevision.objects.create(
                    page=edit.page,
                    number=edit.number,
                    title=edit.text.title,
                    body=edit.text.body,
                    note=edit.text.note,
                    author=edit.author,
                    created_at=edit.now,
                    state=RevisionState.PROPOSED,
                )
        except IntegrityError:
            # Two editors saving at once: the unique (page, number) lets only one through.
            raise ActionError(
                _("Someone saved this page meanwhile. Reload it, then make your change again.")
            ) from None
    return revision


def edit_page(user: AnyUser, slug: str, title: str, body: str, **options) -> HandbookRevision:
    """Save a new version of a page, proposed (central admins only)."""
    return do_edit_page(check_edit_page(user, slug, title, body, **options))


@dataclass(frozen=True)
class VersionDecision:
    revision: HandbookRevision
    actor: User
    to: RevisionState
    note: str
    now: datetime.datetime


def _move_decided(
    subject: HandbookRevision | BoardPost,
    decision: VersionDecision | Decision,
    *,
    changed: str,
    changes: dict[str, Any] | None = None,
    record: dict[str, Any] | None = None,
) -> None:
    """Move a version or a proposal as `decision` says, noting on it who decided, when and
    why. Conditional on the state the actor saw: two people deciding at once, one wins."""
    workflow.move(
        subject,
        decision.to,
        by=decision.actor,
        reason=decision.note,
        at=decision.now,
        changes={
            "decided_by": decision.actor,
            "decided_at": decision.now,
            "decision_note": decision.note,
            **(changes or {}),
        },
        record=record,
        changed=changed,
    )


def check_decide_version(
    user: AnyUser,
    slug: str,
    number: int,
    decision: str,
    note: str = "",
    now: datetime.datetime | None = None,
) -> VersionDecision:
    """Publish a proposed version or send it back with a reason: a central admin who wrote
    none of its text (`access_revision_to_decide`)."""
    revision = access_revision_to_decide(user, slug, number)
    current = RevisionState(revision.state)
    newer = (
        decision == RevisionState.PUBLISHED
        and revision.page.revisions.filter(
            number__gt=revision.number, state=RevisionState.PUBLISHED
        ).exists()
    )
    to, text = _decision(
        HANDBOOK_STATES,
        current,
        decision,
        note,
        choose=_("Choose: publish or send back."),
        decided=_("This version was already decided: %(state)s.") % {"state": current.label},
        refused=(
            _("A newer version of this page is already published; this one cannot replace it.")
            if newer
            else ""
        ),
        why=_("Say why the version is sent back (at least 5 characters)."),
    )
    return VersionDecision(revision, user, RevisionState(to), text, now_or_given(now))


def do_decide_version(decision: VersionDecision) -> HandbookRevision:
    revision, now = decision.revision, decision.now
    with transaction.atomic():
        _move_decided(
            revision, decision, changed=_("The version was decided meanwhile; reload the page.")
        )
        if decision.to == RevisionState.PUBLISHED:
            # The page's title is the one staff read: the published version's.
            HandbookPage.objects.filter(pk=revision.page_id).update(
                title=revision.title, updated_at=now
            )
            revision.page.title, revision.page.updated_at = revision.title, now
    revision.decision_note = decision.note
    return revision


decide_version = checked_then_done(
    check_decide_version,
    do_decide_version,
    name="decide_version",
    doc="""Publish a proposed handbook version (staff read it from then on) or send it back
    with a reason; never by someone who wrote it.""",
)


# --- experience board -----------------------------------------------------------------------


@dataclass(frozen=True)
class NewPost:
    author: User
    unit: Unit
    kind: BoardKind
    title: str
    body: str
    now: datetime.datetime


def check_create_post(
    user: AnyUser,
    unit_id: int | None,
    kind: str,
    title: str,
    body: str,
    now: datetime.datetime | None = None,
) -> NewPost:
    """A post is tagged with a unit where the author holds a role themselves."""
    require_staff(user)
    membership = (
        Membership.objects.select_related("unit").filter(user=user, unit_id=unit_id).first()
        if unit_id
        else None
    )
    refusals = Refusals()  # every field's problem told at once
    with refusals:
        if membership is None:
            raise ActionError(_("Choose one of the units where you hold a role."), field="unit")
    with refusals:
        if kind not in BoardKind.values:
            raise ActionError(
                _("Choose what you share: an experience, a difficulty or a proposal."),
                field="kind",
            )
    with refusals:
        clean_title = _text(title, "title", _("The title"), 5, MAX_POST_TITLE)
    with refusals:
        clean_body = _text(body, "body", _("The text"), MIN_POST_BODY, MAX_POST_BODY)
    refusals.raise_any()
    return NewPost(
        author=user,
        unit=membership.unit,
        kind=BoardKind(kind),
        title=clean_title,
        body=clean_body,
        now=now_or_given(now),
    )


def do_create_post(new: NewPost) -> BoardPost:
    return BoardPost.objects.create(
        unit=new.unit,
        author=new.author,
        kind=new.kind,
        title=new.title,
        body=new.body,
        state=BoardState.OPEN,
        created_at=new.now,
        updated_at=new.now,
    )


create_post = checked_then_done(
    check_create_post,
    do_create_post,
    name="create_post",
    doc="Share an experience, a difficulty or a proposal with the levels above.",
)


@dataclass(frozen=True)
class NewReply:
    post: BoardPost
    unit: Unit
    author: User
    body: str
    now: datetime.datetime


def check_reply(
    user: AnyUser, post_id: int, body: str, now: datetime.datetime | None = None
) -> NewReply:
    post, unit = access_post_to_answer(user, post_id)
    text = _text(body, "body", _("The answer"), 2, MAX_REPLY)
    return NewReply(post, unit, user, text, now_or_given(now))


def do_reply(new: NewReply) -> BoardReply:
    with transaction.atomic():
        reply = BoardReply.objects.create(
            post=new.post, author=new.author, unit=new.unit, body=new.body, created_at=new.now
        )
        BoardPost.objects.filter(pk=new.post.pk).update(updated_at=new.now)
    return reply


def reply(user: AnyUser, post_id: int, body: str, now: datetime.datetime | None = None):
    """An answer from staff of a unit above the post's unit."""
    return do_reply(check_reply(user, post_id, body, now))


@dataclass(frozen=True)
class Decision:
    post: BoardPost
    unit: Unit
    actor: User
    to: BoardState
    note: str
    now: datetime.datetime


def check_decide(
    user: AnyUser,
    post_id: int,
    decision: str,
    note: str = "",
    now: datetime.datetime | None = None,
) -> Decision:
    post, unit = access_post_to_answer(user, post_id)
    if post.author_id == user.pk:
        # Four eyes: whoever wrote a proposal never decides on it, even from a unit above.
        raise PermissionDenied(
            _("You wrote this proposal, so you cannot decide on it: staff above must decide.")
        )
    if post.kind != BoardKind.PROPOSAL:
        raise ActionError(_("Only proposals are accepted or not accepted."), field="decision")
    current = BoardState(post.state)
    to, text = _decision(
        BOARD_STATES,
        current,
        decision,
        note,
        choose=_("Choose: accepted or not accepted."),
        decided=_("This proposal was already decided: %(state)s.") % {"state": current.label},
        why=_("Say why the proposal is not accepted (at least 5 characters)."),
    )
    return Decision(post, unit, user, BoardState(to), text, now_or_given(now))


def do_decide(decision: Decision) -> BoardPost:
    post, now = decision.post, decision.now
    with transaction.atomic():
        _move_decided(
            post,
            decision,
            changes={"updated_at": now},
            record={"unit": decision.unit},
            changed=_("The proposal was decided meanwhile; reload the page."),
        )
    return post


def decide(
    user: AnyUser,
    post_id: int,
    decision: str,
    note: str = "",
    now: datetime.datetime | None = None,
) -> BoardPost:
    """Mark a proposal accepted or not accepted (with a reason), once, from a unit above."""
    return do_decide(check_decide(user, post_id, decision, note, now))
