"""Writes to citizen feedback: sending, and every move of the handling graph (`FEEDBACK_STATES`).

check_* validates and authorises and changes nothing; do_* writes and records the transition.
Every move is a conditional UPDATE on the state, unit and officer the actor saw, so two officers
clicking at once cannot both move an item. Each function takes an optional `now` (an aware
datetime): tests and the demo pass a fixed time instead of freezing the clock.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from congdong.accounts.models import User
from congdong.accounts.queries import AnyUser
from congdong.core import public_cache, versions
from congdong.core.clock import now_or_given
from congdong.core.errors import ActionError, CitizenAccountNeeded, Refusals
from congdong.core.text import line, plain
from congdong.core.uploads import Kind as UploadKind
from congdong.core.uploads import sniff
from congdong.core.workflow.move import move as workflow_move
from congdong.core.workflow.move import record_start
from congdong.core.write_path import checked_then_done
from congdong.engagement.actions.eligibility import check_can_engage
from congdong.feedback import notices
from congdong.feedback.models import (
    ACCEPT_DEADLINE,
    ACTION_FROM,
    ANSWER_DEADLINE,
    ANSWER_WITHOUT_ASSIGNING,
    FEEDBACK_STATES,
    ITEMS_VERSION,
    AccessKind,
    AttachmentKind,
    Category,
    Feedback,
    FeedbackAccess,
    FeedbackAction,
    FeedbackAttachment,
    FeedbackState,
    FeedbackTransition,
    RejectReason,
    landing,
)
from congdong.feedback.queries import (
    access_feedback_to_handle,
    access_own_feedback,
    can_handle,
    may_answer,
)
from congdong.pages.models import Page
from congdong.posts.media import clean_pdf, clean_picture, display_name
from congdong.privacy.consents import record_consent
from congdong.privacy.models import Channel, ConsentPurpose
from congdong.units.models import Unit
from congdong.units.queries import current_structure

S = FeedbackState
A = FeedbackAction
MAX_TEXT = Feedback._meta.get_field("text").max_length  # 5,000 characters
MIN_TEXT = 10
MAX_ANSWER = 10_000
MAX_REASON = 2_000
MIN_REASON = 5
MAX_FILES = 5
MAX_PLACE = Feedback._meta.get_field("place").max_length
# Tracking codes: no 0/O, 1/I/L or U/V look-alikes, so a code read over the phone is typed right.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
CODE_LENGTH = 6  # 29^6 ≈ 595 million a year: collisions stay rare at any plausible volume
CODE_TRIES = 5


def new_code(year: int) -> str:
    """A fresh random tracking code such as "PA-2026-7K3QXM"."""
    return f"PA-{year}-" + "".join(secrets.choice(CODE_ALPHABET) for _n in range(CODE_LENGTH))


def clean_reason(text: str | None, field: str = "reason") -> str:
    """A reason the other party reads: at least 5 characters, at most 2,000."""
    reason = plain(text)
    if len(reason) < MIN_REASON:
        raise ActionError(_("Say why (at least 5 characters)."), field=field)
    if len(reason) > MAX_REASON:
        raise ActionError(
            _("A reason has at most %(max)d characters.") % {"max": MAX_REASON}, field=field
        )
    return reason


# --- sending --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Location:
    """Where the problem is: a point (both coordinates), a place in words, or both."""

    latitude: Decimal | None = None
    longitude: Decimal | None = None
    place: str = ""


@dataclass(frozen=True)
class CleanFile:
    kind: AttachmentKind
    content: Any  # a ContentFile under a random name
    original_name: str
    size: int


@dataclass(frozen=True)
class Submission:
    citizen: User
    unit: Unit
    category: Category
    text: str
    public: bool
    urgent: bool
    location: Location
    files: list[CleanFile]
    now: datetime.datetime
    accept_due: datetime.datetime
    answer_due: datetime.datetime
    channel: str = Channel.WEB  # where the consent was given
    ip: str | None = None


def clean_location(location: Location | Mapping[str, Any] | None) -> Location:
    """Coordinates checked to be a point on Earth (given together, at most 6 decimals); the
    place as one line of at most 200 characters."""
    if location is None:
        return Location()
    if isinstance(location, Location):
        raw = {"lat": location.latitude, "lng": location.longitude, "place": location.place}
    else:
        raw = {
            "lat": location.get("lat", location.get("latitude")),
            "lng": location.get("lng", location.get("longitude")),
            "place": location.get("place", ""),
        }
    place = line(str(raw["place"] or ""))
    if len(place) > MAX_PLACE:
        raise ActionError(
            _("The place has at most %(max)d characters.") % {"max": MAX_PLACE}, field="place"
        )
    lat, lng = raw["lat"], raw["lng"]
    if lat in (None, "") and lng in (None, ""):
        return Location(place=place)
    bad = ActionError(
        _("The location must be given as latitude and longitude in degrees."), field="location"
    )
    try:
        latitude, longitude = Decimal(str(lat).strip()), Decimal(str(lng).strip())
    except (InvalidOperation, ValueError):
        raise bad from None
    # NaN and infinities would slip past (or break) the range check.
    if not (latitude.is_finite() and longitude.is_finite()):
        raise bad
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise bad
    step = Decimal("0.000001")
    return Location(latitude.quantize(step), longitude.quantize(step), place)


def clean_files(files: Sequence[UploadedFile]) -> list[CleanFile]:
    """Up to five pictures (re-encoded JPEGs) or PDF documents, told apart by content; one bad
    file refuses them all, naming it."""
    if len(files) > MAX_FILES:
        raise ActionError(
            _("Attach at most %(max)d pictures or PDF documents; you chose %(n)d.")
            % {"max": MAX_FILES, "n": len(files)},
            field="files",
        )
    out = []
    for upload in files:
        upload.seek(0)
        is_pdf = sniff(upload.read(16)) == UploadKind.PDF  # by content (core/uploads.py)
        upload.seek(0)
        if is_pdf:
            document = clean_pdf(upload)
            out.append(
                CleanFile(
                    AttachmentKind.PDF, document.content, document.original_name, document.size
                )
            )
        else:
            picture = clean_picture(upload)
            out.append(
                CleanFile(
                    AttachmentKind.PICTURE,
                    picture.content,
                    display_name(upload.name, "anh.jpg"),
                    picture.content.size,
                )
            )
    return out


def _deadlines(
    start: datetime.datetime, urgent: bool
) -> tuple[datetime.datetime, datetime.datetime]:
    """The graph's accept and answer deadlines of an item sent (or transferred) at `start`."""
    accept = settings.FEEDBACK_URGENT_ACCEPT_HOURS if urgent else None
    return ACCEPT_DEADLINE.due(start, accept), ANSWER_DEADLINE.due(start)


def _local_midnight(now: datetime.datetime) -> datetime.datetime:
    zone = timezone.get_default_timezone()
    return datetime.datetime.combine(timezone.localdate(now, zone), datetime.time.min, zone)


def check_daily_limit(citizen: User, now: datetime.datetime) -> None:
    """ActionError (429) once the citizen has sent FEEDBACK_DAILY_LIMIT items today."""
    limit = settings.FEEDBACK_DAILY_LIMIT
    sent = Feedback.objects.filter(
        citizen=citizen, created_at__gte=_local_midnight(now), created_at__lte=now
    ).count()
    if sent >= limit:
        raise ActionError(
            _("You can send at most %(limit)d feedback items a day. Please try again tomorrow.")
            % {"limit": limit},
            status=429,
        )


def check_submit(
    citizen: AnyUser,
    unit_id: int,
    category_id: int,
    text: str,
    public: bool,
    consent: bool,
    urgent: bool = False,
    location: Location | Mapping[str, Any] | None = None,
    files: Sequence[UploadedFile] = (),
    now: datetime.datetime | None = None,
    channel: str = Channel.WEB,
    ip: str | None = None,
) -> Submission:
    """A phone-verified citizen under the daily limit sends well-formed feedback to a unit of
    the structure in force, having agreed to the processing of their personal data."""
    now = now_or_given(now)
    user = check_can_engage(citizen)
    if not user.is_citizen:
        raise CitizenAccountNeeded()
    # Every field is checked before any refusal is told: the citizen corrects all at once.
    refusals = Refusals()
    unit = Unit.objects.standard().filter(pk=unit_id).first()
    structure = current_structure(timezone.localdate(now))
    with refusals:
        if unit is None or structure is None or unit.structure_id != structure.pk:
            raise ActionError(_("Choose the unit to send your feedback to."), field="unit")
    category = Category.objects.filter(pk=category_id, active=True).first()
    with refusals:
        if category is None:
            raise ActionError(_("Choose a category from the list."), field="category")
    body = plain(text)
    with refusals:
        if len(body) < MIN_TEXT:
            raise ActionError(
                _("Describe the matter in at least %(min)d characters.") % {"min": MIN_TEXT},
                field="text",
            )
        if len(body) > MAX_TEXT:
            raise ActionError(
                _("Feedback has at most %(max)d characters; this has %(n)d.")
                % {"max": MAX_TEXT, "n": len(body)},
                field="text",
            )
    with refusals:
        if not consent:
            raise ActionError(
                _(
                    "Agree to the processing of your personal data for handling this feedback "
                    "(Law 91/2025/QH15) to send it."
                ),
                field="consent",
            )
    with refusals:
        where = clean_location(location)
    with refusals:
        cleaned = clean_files(list(files))
    refusals.raise_any()
    # The daily limit (429) is told once the input is right: it is no field's fault.
    check_daily_limit(user, now)
    accept_due, answer_due = _deadlines(now, bool(urgent))
    return Submission(
        user,
        unit,
        category,
        body,
        bool(public),
        bool(urgent),
        where,
        cleaned,
        now,
        accept_due,
        answer_due,
        channel,
        ip,
    )


def do_submit(submission: Submission) -> Feedback:
    """Store the item (received, at the unit chosen) and its files, and record the sending.

    The citizen's row is locked while counting today's items, so parallel sends cannot slip
    past the daily limit together.
    """
    s = submission
    stored: list[FieldFile] = []
    try:
        with transaction.atomic():
            User.objects.select_for_update().filter(pk=s.citizen.pk).first()
            check_daily_limit(s.citizen, s.now)
            item = _create_with_code(s)
            for clean in s.files:
                attachment = FeedbackAttachment(
                    feedback=item,
                    kind=clean.kind,
                    original_name=clean.original_name,
                    size=clean.size,
                )
                attachment.file.save(clean.content.name, clean.content, save=False)
                stored.append(attachment.file)
                attachment.save()
            versions.bump(ITEMS_VERSION)  # the people's situation is made afresh
            sent = record_start(
                item,
                by=s.citizen,
                at=s.now,
                record={"action": A.SUBMIT, "from_unit": s.unit, "to_unit": s.unit},
            )
            notices.tell_move(item, sent)
            # The citizen's consent register (congdong.privacy) holds this item's consent too.
            record_consent(
                s.citizen,
                ConsentPurpose.FEEDBACK,
                now=s.now,
                how=s.channel,
                ip=s.ip,
                reference=item.code,
                version=settings.FEEDBACK_CONSENT_VERSION,
            )
    except BaseException:
        for file in stored:  # rolled back: the rows are gone, so are their files
            file.storage.delete(file.name)
        raise
    return item


def _create_with_code(s: Submission) -> Feedback:
    for _try in range(CODE_TRIES):
        try:
            with transaction.atomic():  # a savepoint: a taken code does not spoil the rest
                return Feedback.objects.create(
                    code=new_code(timezone.localdate(s.now).year),
                    citizen=s.citizen,
                    unit=s.unit,
                    category=s.category,
                    text=s.text,
                    latitude=s.location.latitude,
                    longitude=s.location.longitude,
                    place=s.location.place,
                    public=s.public,
                    consent_at=s.now,
                    consent_version=settings.FEEDBACK_CONSENT_VERSION,
                    urgent=s.urgent,
                    accept_due=s.accept_due,
                    answer_due=s.answer_due,
                    created_at=s.now,
                    updated_at=s.now,
                )
        except IntegrityError:
            continue
    raise ActionError(_("The feedback could not be saved; please try again."))


submit = checked_then_done(
    check_submit,
    do_submit,
    name="submit",
    doc="""Send feedback to a unit; returns the item with its tracking code and deadlines.
    `channel` and `ip` say where the consent to process the sender's data was given.""",
)


# --- moves ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    item: Feedback
    action: FeedbackAction
    to: FeedbackState
    now: datetime.datetime
    reason: str = ""
    to_unit: Unit | None = None  # escalate, transfer
    officer: User | None = None  # assign
    changes: dict[str, Any] = field(default_factory=dict)  # other columns set with the move


def check_move(
    item: Feedback,
    action: FeedbackAction,
    now: datetime.datetime | None,
    reason: str = "",
) -> Move:
    """`action` may start from the item's state, and its reason is given when the graph needs
    one. Authorisation is the caller's (an `access_*` helper)."""
    current = FeedbackState(item.state)
    to = landing(action, current)
    if current not in ACTION_FROM[action] or not FEEDBACK_STATES.allowed_for_person(current, to):
        raise ActionError(
            _("Feedback that is %(state)s cannot be %(action)s.")
            % {"state": current.label, "action": action.label},
            field="state",
        )
    if (current, to) in FEEDBACK_STATES.needs_reason:
        reason = clean_reason(reason)
    return Move(item, action, to, now_or_given(now), reason)


def do_move(actor: User | None, move: Move) -> Feedback:
    """Make the move if nobody moved the item meanwhile, and record it."""
    item, now = move.item, move.now
    to_unit = move.to_unit or item.unit
    values: dict[str, Any] = {"updated_at": now, **move.changes}
    if move.to_unit is not None:
        values["unit"] = move.to_unit
    if move.officer is not None:
        values["assigned_to"] = move.officer
    with transaction.atomic():
        # Conditional update on what the actor saw (its state, unit and officer): a second
        # click, or another officer's move in between, changes nothing and is told so.
        made = workflow_move(
            item,
            move.to,
            by=actor,
            reason=move.reason,
            at=now,
            changes=values,
            guard={"unit_id": item.unit_id, "assigned_to_id": item.assigned_to_id},
            record={
                "action": move.action,
                "from_unit": item.unit,
                "to_unit": to_unit,
                "officer": move.officer,
            },
            changed=_("The feedback changed meanwhile; reload and try again."),
        )
        versions.bump(ITEMS_VERSION)  # the people's situation is made afresh
        notices.tell_move(item, made)
        if item.public and move.action in (A.ANSWER, A.REOPEN):
            # The answer appears on (or leaves) pages that anonymous visitors read from the
            # shared cache: the page of the unit that answers and the page of the unit it was
            # sent to (see queries.public_answers).
            sent_to = FeedbackTransition.objects.filter(feedback=item, action=A.SUBMIT)
            units = {to_unit.pk, *sent_to.values_list("to_unit_id", flat=True)}
            public_cache.pages_changed(
                Page.objects.filter(unit_id__in=units).values_list("pk", flat=True)
            )
    for name, value in values.items():
        setattr(item, name, value)
    return item


def accept(actor: AnyUser, feedback_id: int, now: datetime.datetime | None = None) -> Feedback:
    """The unit takes the item on: within its scope, not a duplicate."""
    item = access_feedback_to_handle(actor, feedback_id)
    return do_move(actor, check_move(item, A.ACCEPT, now))


def check_reject(
    actor: AnyUser,
    feedback_id: int,
    reason_kind: str,
    text: str,
    now: datetime.datetime | None = None,
) -> Move:
    item = access_feedback_to_handle(actor, feedback_id)
    refusals = Refusals()  # the choice and the text are both told in one submit
    with refusals:
        if reason_kind not in RejectReason.values:
            raise ActionError(
                _("Choose why the feedback is rejected: out of scope, duplicate, or spam."),
                field="reason_kind",
            )
    with refusals:
        move = check_move(item, A.REJECT, now, text)
    refusals.raise_any()
    return Move(
        item, A.REJECT, move.to, move.now, move.reason, changes={"reject_reason": reason_kind}
    )


def reject(
    actor: AnyUser,
    feedback_id: int,
    reason_kind: str,
    text: str,
    now: datetime.datetime | None = None,
) -> Feedback:
    """Refuse a received item as out of scope, a duplicate or spam, with a text the citizen
    reads (≥ 5 characters)."""
    return do_move(actor, check_reject(actor, feedback_id, reason_kind, text, now))


def check_assign(
    actor: AnyUser, feedback_id: int, officer_id: int, now: datetime.datetime | None = None
) -> Move:
    item = access_feedback_to_handle(actor, feedback_id)
    move = check_move(item, A.ASSIGN, now)
    officer = User.objects.filter(pk=officer_id, is_active=True).first()
    if officer is None or not can_handle(officer, item.unit):
        raise ActionError(
            _("Choose a feedback officer of %(unit)s.") % {"unit": item.unit.place_name},
            field="officer",
        )
    if item.state == S.ASSIGNED and item.assigned_to_id == officer.pk:
        raise ActionError(
            _("The feedback is already assigned to %(name)s.") % {"name": str(officer)},
            field="officer",
        )
    return Move(item, A.ASSIGN, move.to, move.now, officer=officer)


def assign(
    actor: AnyUser, feedback_id: int, officer_id: int, now: datetime.datetime | None = None
) -> Feedback:
    """Give an accepted (or reopened) item to an officer who handles feedback for its unit;
    an assigned item may be handed to another officer."""
    return do_move(actor, check_assign(actor, feedback_id, officer_id, now))


def check_answer(
    actor: AnyUser, feedback_id: int, text: str, now: datetime.datetime | None = None
) -> Move:
    item = access_feedback_to_handle(actor, feedback_id)
    move = check_move(item, A.ANSWER, now)
    if not may_answer(actor, item):
        raise ActionError(
            _(
                "Only the officer who accepted the feedback may answer it before it is "
                "assigned: assign it to an officer first."
            ),
            field="state",
        )
    body = plain(text)
    if len(body) < MIN_TEXT:
        raise ActionError(
            _("Write the answer in at least %(min)d characters.") % {"min": MIN_TEXT},
            field="answer",
        )
    if len(body) > MAX_ANSWER:
        raise ActionError(
            _("An answer has at most %(max)d characters.") % {"max": MAX_ANSWER}, field="answer"
        )
    changes = {"answer": body, "answered_at": move.now, "answered_by": actor}
    # Answered without an assignment (by the officer who accepted it): the answer makes them
    # its officer, in the item and in the history row.
    officer = actor if item.state in ANSWER_WITHOUT_ASSIGNING else None
    return Move(item, A.ANSWER, move.to, move.now, body, changes=changes, officer=officer)


def answer(
    actor: AnyUser, feedback_id: int, text: str, now: datetime.datetime | None = None
) -> Feedback:
    """Answer an assigned item: by its officer, or anyone else who handles feedback for its
    unit (a colleague, an admin above); or an accepted one, by the officer who accepted it
    (`queries.may_answer`). The text is also kept in the history."""
    return do_move(actor, check_answer(actor, feedback_id, text, now))


def check_escalate(
    actor: AnyUser, feedback_id: int, reason: str, now: datetime.datetime | None = None
) -> Move:
    item = access_feedback_to_handle(actor, feedback_id)
    parent = item.unit.parent
    if parent is None:
        raise ActionError(_("This unit has no unit above it to escalate to."))
    move = check_move(item, A.ESCALATE, now, reason)
    return Move(
        item,
        A.ESCALATE,
        move.to,
        move.now,
        move.reason,
        to_unit=parent,
        changes={"assigned_to": None},
    )


def escalate(
    actor: AnyUser, feedback_id: int, reason: str, now: datetime.datetime | None = None
) -> Feedback:
    """Send the item up to the parent unit, saying why; the parent now handles it and the
    unit below no longer sees it. Deadlines are kept: the citizen's wait goes on."""
    return do_move(actor, check_escalate(actor, feedback_id, reason, now))


def check_transfer(
    actor: AnyUser,
    feedback_id: int,
    to_unit_id: int,
    reason: str,
    now: datetime.datetime | None = None,
) -> Move:
    item = access_feedback_to_handle(actor, feedback_id)
    target = Unit.objects.standard().filter(pk=to_unit_id).first()
    if target is None or target.structure_id != item.unit.structure_id:
        raise ActionError(_("Choose the unit to transfer the feedback to."), field="unit")
    if target.pk == item.unit_id:
        raise ActionError(
            _("The feedback is already at %(unit)s.") % {"unit": target.place_name},
            field="unit",
        )
    move = check_move(item, A.TRANSFER, now, reason)
    accept_due, answer_due = _deadlines(move.now, item.urgent)
    changes = {"assigned_to": None, "accept_due": accept_due, "answer_due": answer_due}
    return Move(item, A.TRANSFER, move.to, move.now, move.reason, to_unit=target, changes=changes)


def transfer(
    actor: AnyUser,
    feedback_id: int,
    to_unit_id: int,
    reason: str,
    now: datetime.datetime | None = None,
) -> Feedback:
    """Send a received or accepted item to the unit it concerns (the right commune), saying
    why. It arrives there received, with deadlines counted from now."""
    return do_move(actor, check_transfer(actor, feedback_id, to_unit_id, reason, now))


def check_reopen(
    citizen: AnyUser, feedback_id: int, reason: str, now: datetime.datetime | None = None
) -> Move:
    item = access_own_feedback(citizen, feedback_id)
    move = check_move(item, A.REOPEN, now, reason)
    days = settings.FEEDBACK_REOPEN_DAYS
    if item.answered_at is None or move.now > item.answered_at + datetime.timedelta(days=days):
        raise ActionError(
            _("Feedback can be reopened only within %(days)d days of its answer.") % {"days": days}
        )
    answer_due = ANSWER_DEADLINE.due(move.now)
    changes = {"closed_at": None, "answer_due": answer_due, "assigned_to": None}
    return Move(item, A.REOPEN, move.to, move.now, move.reason, changes=changes)


def reopen(
    citizen: AnyUser, feedback_id: int, reason: str, now: datetime.datetime | None = None
) -> Feedback:
    """The sender, unsatisfied with the answer, reopens it within FEEDBACK_REOPEN_DAYS days,
    saying why; the unit assigns it again and has a fresh answer deadline."""
    return do_move(citizen, check_reopen(citizen, feedback_id, reason, now))


def close(citizen: AnyUser, feedback_id: int, now: datetime.datetime | None = None) -> Feedback:
    """The sender is satisfied with the answer: the item is closed now (they may still reopen
    it within FEEDBACK_REOPEN_DAYS days of the answer)."""
    item = access_own_feedback(citizen, feedback_id)
    move = check_move(item, A.CLOSE, now)
    return do_move(citizen, Move(item, A.CLOSE, move.to, move.now, changes={"closed_at": move.now}))


# --- the worker -----------------------------------------------------------------------------


def close_answered(now: datetime.datetime | None = None) -> int:
    """Close every item answered FEEDBACK_CLOSE_AFTER_DAYS days ago or more and not reopened;
    returns how many this call closed.

    The worker's only move. Safe to run from several workers at once and again after a crash:
    each item is claimed by a conditional UPDATE (answered → closed) and its transition is
    recorded with no actor.
    """
    now = now_or_given(now)
    cutoff = now - datetime.timedelta(days=settings.FEEDBACK_CLOSE_AFTER_DAYS)
    due = (
        Feedback.objects.filter(state=S.ANSWERED, answered_at__lte=cutoff)
        .order_by("answered_at", "pk")
        .values_list("pk", "unit_id")
    )
    closed = 0
    for item_id, unit_id in list(due):
        item = Feedback.objects.filter(pk=item_id).first()
        if item is None:
            continue
        with transaction.atomic():
            try:
                made = workflow_move(
                    item,
                    S.CLOSED,
                    expected_from=S.ANSWERED,
                    automatic=True,
                    at=now,
                    changes={"closed_at": now, "updated_at": now},
                    record={"action": A.CLOSE, "from_unit_id": unit_id, "to_unit_id": unit_id},
                )
            except ActionError:  # reopened or closed meanwhile
                continue
            versions.bump(ITEMS_VERSION)
            notices.tell_move(item, made)
            closed += 1
    return closed


def log_access(
    user: AnyUser,
    item: Feedback,
    kind: AccessKind = AccessKind.VIEW,
    ip: str | None = None,
    now: datetime.datetime | None = None,
) -> None:
    """Record that staff member `user` read the individual item (Decree 356/2025). The sender
    reading their own item is not logged: it is their own data."""
    if not user.is_authenticated or item.citizen_id == user.pk:
        return
    FeedbackAccess.objects.create(feedback=item, user=user, kind=kind, ip=ip, at=now_or_given(now))


def log_accesses(
    user: AnyUser,
    items: list[Feedback],
    kind: AccessKind = AccessKind.LIST,
    ip: str | None = None,
    now: datetime.datetime | None = None,
) -> None:
    """`log_access` for every item of a list returned with its text (one row each, one
    insert): a list that shows citizens' texts is as many readings."""
    if not user.is_authenticated:
        return
    at = now_or_given(now)
    FeedbackAccess.objects.bulk_create(
        FeedbackAccess(feedback=item, user=user, kind=kind, ip=ip, at=at)
        for item in items
        if item.citizen_id != user.pk
    )
