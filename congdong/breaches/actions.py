"""The one write path of the breach register: record, mark the authority notified, close.

Each public function checks (`check_*`: validate and authorise, raising `ActionError` with a
message for the person, nothing changed) then does (`do_*`: write the row and its transition).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congdong.accounts.models import User
from congdong.accounts.queries import AnyUser, can
from congdong.accounts.roles import Permission
from congdong.breaches import queries
from congdong.breaches.models import BREACH_STATES, Breach, BreachState
from congdong.core.casework.rules import Decision, check_movable
from congdong.core.errors import ActionError, Refusals
from congdong.core.text import plain
from congdong.core.workflow import move as workflow
from congdong.core.workflow.move import record_start
from congdong.units.models import Unit

S = BreachState
MAX_SUBJECTS = 200_000_000  # more people than the country has: a typing error


def deadline(discovered_at: datetime.datetime) -> datetime.datetime:
    """`discovered_at` plus BREACH_NOTICE_HOURS of wall-clock time (72 by the law): the
    deadline of the graph's `recorded` state."""
    return BREACH_STATES.deadline(S.RECORDED).due(discovered_at)


def _text(fields: Mapping[str, Any], name: str, limit: int, empty: str, least: int = 1) -> str:
    text = plain(str(fields.get(name) or ""))
    if len(text) < least:
        raise ActionError(empty, field=name)
    if len(text) > limit:
        raise ActionError(_("At most %(max)d characters.") % {"max": limit}, field=name)
    return text


def _moment(value: Any, name: str) -> datetime.datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, datetime.datetime):
        raise ActionError(
            _("Write the time as day/month/year hour:minute, e.g. 07/03/2026 22:00."), field=name
        )
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


# --- recording ----------------------------------------------------------------------------


@dataclass(frozen=True)
class NewBreach:
    unit: Unit
    values: dict[str, Any]
    now: datetime.datetime


def check_record(
    actor: AnyUser, fields: Mapping[str, Any], now: datetime.datetime | None = None
) -> NewBreach:
    """A breach of a unit where `actor` protects personal data, discovered no later than now."""
    now = now or timezone.now()
    try:
        unit_id = int(fields.get("unit_id") or 0)
    except (TypeError, ValueError):
        unit_id = 0
    unit = Unit.objects.standard().filter(pk=unit_id).first() if unit_id > 0 else None
    # Every field is checked before any refusal is told: the form shows them all (issue 16.9).
    refusals = Refusals()
    with refusals:
        if unit is None:
            raise ActionError(_("Choose the unit where the breach happened."), field="unit_id")
        if not can(actor, unit, Permission.PROTECT_DATA):
            raise ActionError(
                _("You do not handle personal data protection at %(unit)s.")
                % {"unit": unit.full_name},
                field="unit_id",
                status=403,
            )
    discovered_at = now
    with refusals:
        discovered_at = _moment(fields.get("discovered_at"), "discovered_at") or now
        if discovered_at > now:
            raise ActionError(
                _("The breach cannot be discovered in the future."), field="discovered_at"
            )
    occurred_at = None
    with refusals:
        occurred_at = _moment(fields.get("occurred_at"), "occurred_at")
        if occurred_at is not None and occurred_at > discovered_at:
            raise ActionError(
                _("The breach cannot have happened after it was discovered."), field="occurred_at"
            )
    subjects = fields.get("subjects_count")
    with refusals:
        if subjects in ("", None):
            subjects = None
        else:
            try:
                subjects = int(subjects)
            except (TypeError, ValueError):
                raise ActionError(
                    _("Give the number of people affected in digits."), field="subjects_count"
                ) from None
            if not 0 <= subjects <= MAX_SUBJECTS:
                raise ActionError(
                    _("Give the number of people affected in digits."), field="subjects_count"
                )
    texts = {
        "description": (5000, _("Describe what happened (at least 10 characters)."), 10),
        "data_categories": (
            2000,
            _("Say which kinds of personal data are concerned (e.g. full names, phone numbers)."),
            1,
        ),
        "consequences": (3000, _("Describe the likely consequences for the people."), 1),
        "measures": (3000, _("Say what was done and what is planned to limit the harm."), 1),
        "contact": (
            300,
            _("Name the person the authority can contact (name, position, phone)."),
            1,
        ),
    }
    values: dict[str, Any] = {
        "discovered_at": discovered_at,
        "occurred_at": occurred_at,
        "subjects_count": subjects,
    }
    for name, (limit, empty, least) in texts.items():
        with refusals:
            values[name] = _text(fields, name, limit, empty, least=least)
    refusals.raise_any()
    assert unit is not None  # refused above otherwise
    return NewBreach(unit, values, now)


def do_record(actor: User, new: NewBreach) -> Breach:
    with transaction.atomic():
        item = Breach.objects.create(
            unit=new.unit,
            state=S.RECORDED,
            notice_due_at=deadline(new.values["discovered_at"]),
            recorded_by=actor,
            created_at=new.now,
            **new.values,
        )
        record_start(item, by=actor, at=new.now)
    return item


def record(
    actor: AnyUser, fields: Mapping[str, Any], now: datetime.datetime | None = None
) -> Breach:
    """Record a breach; the authority must be notified by BREACH_NOTICE_HOURS after its
    discovery."""
    return do_record(actor, check_record(actor, fields, now))


# --- moves --------------------------------------------------------------------------------


Move = Decision[Breach]


def _check_move(actor: AnyUser, breach_id: int, to: BreachState) -> Breach:
    item = queries.access_breach(actor, breach_id)
    check_movable(BREACH_STATES, item, to, _("This breach is already %(state)s."))
    return item


def check_notify(
    actor: AnyUser,
    breach_id: int,
    reference: str,
    notified_at: datetime.datetime | None = None,
    late_reason: str = "",
    now: datetime.datetime | None = None,
) -> Move:
    """The notice was sent: its number, when (default now), and past the deadline, why late."""
    now = now or timezone.now()
    item = _check_move(actor, breach_id, S.NOTIFIED)
    fields = {"reference": reference, "late_reason": late_reason}
    reference = _text(fields, "reference", 100, _("Give the number of the notice that was sent."))
    when = _moment(notified_at, "notified_at") or now
    if when > now:
        raise ActionError(_("The notice cannot be sent in the future."), field="notified_at")
    if when < item.discovered_at:
        raise ActionError(
            _("The notice cannot be sent before the breach was discovered."), field="notified_at"
        )
    reason = ""
    if when > item.notice_due_at:
        reason = _text(
            fields,
            "late_reason",
            2000,
            _(
                "The notice was sent after the %(hours)d-hour deadline: give the reason for the "
                "delay (at least 5 characters)."
            )
            % {"hours": settings.BREACH_NOTICE_HOURS},
            least=5,
        )
    changes = {"notified_at": when, "notice_reference": reference, "late_reason": reason}
    return Move(item, S.NOTIFIED, reason, now, changes)


def check_close(
    actor: AnyUser, breach_id: int, note: str, now: datetime.datetime | None = None
) -> Move:
    now = now or timezone.now()
    item = _check_move(actor, breach_id, S.CLOSED)
    note = _text(
        {"note": note},
        "note",
        2000,
        _("Say how the breach was dealt with (at least 5 characters).")
        if item.state == S.NOTIFIED
        else _(
            "Say why the authority is not notified, e.g. no personal data was concerned "
            "(at least 5 characters)."
        ),
        least=5,
    )
    return Move(item, S.CLOSED, note, now, {"closed_at": now})


def do_move(actor: User, move: Move) -> Breach:
    # Conditional update: of two officers (or two clicks) only one moves it.
    workflow.move(
        move.item,
        move.to,
        by=actor,
        reason=move.note,
        at=move.now,
        changes=move.changes,
        changed=_("The breach changed meanwhile; reload and try again."),
    )
    return move.item


def notify(actor: AnyUser, breach_id: int, reference: str, **kwargs: Any) -> Breach:
    """Mark the authority notified (the notice itself is drafted by congdong.breaches.notice)."""
    return do_move(actor, check_notify(actor, breach_id, reference, **kwargs))


def close(
    actor: AnyUser, breach_id: int, note: str, now: datetime.datetime | None = None
) -> Breach:
    return do_move(actor, check_close(actor, breach_id, note, now))
