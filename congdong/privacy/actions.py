"""The one write path of personal data: consents given and withdrawn, the citizen's
self-service (download, correct, delete the account), and requests with their 2-working-day
deadline, answered by the data protection officers of the central unit.

Each public function checks (`check_*`: validate and authorise, raising `ActionError` or
`PermissionDenied` with a message for the person, nothing changed) then does (`do_*`).
Self-service acts are recorded as requests born answered, so the register is complete.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from congdong.accounts.actions import citizens
from congdong.accounts.models import User
from congdong.accounts.queries import AnyUser
from congdong.audit.models import Via
from congdong.audit.record import record
from congdong.audit.targets import Found
from congdong.core.casework import rules as casework
from congdong.core.casework.rules import check_movable, refusal, written
from congdong.core.errors import ActionError, CitizenAccountNeeded, Refusals
from congdong.core.text import fold, line, plain
from congdong.core.workflow.models import Transition
from congdong.core.workflow.move import move, record_start
from congdong.privacy import erasure, export, notices, queries
from congdong.privacy.consents import record_consent
from congdong.privacy.digest import digest_settings
from congdong.privacy.models import (
    REQUEST_STATES,
    Channel,
    ConsentPurpose,
    ConsentRecord,
    DataRequest,
    DigestChoice,
    RequestKind,
    RequestState,
)

S = RequestState
MIN_TEXT = 10
MAX_TEXT = DataRequest._meta.get_field("text").max_length  # 3,000 characters
MAX_ANSWER = 5000
# Requests a citizen may have waiting at once: enough for any real need, not a flood.
MAX_OPEN_REQUESTS = 5
# Typed to confirm the deletion, compared without accents or case ("XÓA", "xoa").
DELETE_WORD = "xoa"


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def check_citizen(user: AnyUser) -> User:
    """The signed-in citizen. A locked account keeps its data rights: no engagement check."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in with your mobile number first."))
    if not user.is_citizen:
        raise CitizenAccountNeeded()
    if not user.is_active:
        raise PermissionDenied(_("This account no longer exists."))
    return user


def deadline(received_at: datetime.datetime) -> datetime.datetime:
    """`received_at` plus PRIVACY_REQUEST_WORKING_DAYS whole working days of the office
    calendar (weekends, public holidays and the admins' days off skipped): a request received
    on Friday at 14:00 is due on Tuesday at 14:00. The deadline of the graph's `received`."""
    return REQUEST_STATES.deadline(S.RECEIVED).due(received_at)


def _receive(
    citizen: User, kind: RequestKind, how: str, now: datetime.datetime, **more: Any
) -> tuple[DataRequest, Transition]:
    """A citizen's request, received `now` through `how` with its deadline, and its first
    history row (the start of its graph)."""
    item = DataRequest.objects.create(
        citizen=citizen,
        kind=kind,
        state=S.RECEIVED,
        how=how,
        received_at=now,
        due_at=deadline(now),
        **more,
    )
    return item, record_start(item, by=citizen, at=now)


def _self_service(
    citizen: User, kind: RequestKind, done: str, how: str, now: datetime.datetime
) -> DataRequest:
    """A request the citizen fulfilled themself: received and answered at once, by them."""
    item, _received = _receive(citizen, kind, how, now, self_service=True)
    move(
        item,
        S.ANSWERED,
        by=citizen,
        reason=done,
        at=now,
        changes={"answer": done, "answered_at": now},
    )
    return item


# --- consents -----------------------------------------------------------------------------------


def check_signup_consent(consent: bool) -> None:
    """Consent to the privacy policy is required to open an account (Law 91/2025, art. 9)."""
    if not consent:
        raise ActionError(
            _(
                "Tick the box to agree to the processing of your personal data under the "
                "privacy policy; without it we cannot open your account."
            ),
            field="consent",
        )


def do_signup_consents(
    user: User,
    *,
    digest: bool = False,
    how: str = Channel.WEB,
    ip: str | None = None,
    now: datetime.datetime | None = None,
) -> list[ConsentRecord]:
    """Record the account's consent (and the optional digest's, turning the SMS digest on)."""
    now = _now(now)
    with transaction.atomic():
        made = [record_consent(user, ConsentPurpose.ACCOUNT, now=now, how=how, ip=ip)]
        if digest:
            digest_settings().save(user, DigestChoice.SMS, "")
            made.append(record_consent(user, ConsentPurpose.DIGEST, now=now, how=how, ip=ip))
    return made


@dataclass(frozen=True)
class DigestConsent:
    citizen: User
    digest: str
    email: str
    now: datetime.datetime


def check_give_digest(
    user: AnyUser, digest: str, email: str = "", now: datetime.datetime | None = None
) -> DigestConsent:
    citizen = check_citizen(user)
    if digest == DigestChoice.NONE:
        raise ActionError(_("Choose SMS or email for the digest."), field="digest")
    citizen, digest, email = digest_settings().check(citizen, digest, email)
    return DigestConsent(citizen, digest, email, _now(now))


def do_give_digest(
    c: DigestConsent, how: str = Channel.WEB, ip: str | None = None
) -> ConsentRecord:
    with transaction.atomic():
        digest_settings().save(c.citizen, c.digest, c.email)
        current = ConsentRecord.objects.active().filter(
            user=c.citizen, purpose=ConsentPurpose.DIGEST
        )
        if current.exists():  # already given: the channel changed, the consent stands
            return current.get()
        return record_consent(c.citizen, ConsentPurpose.DIGEST, now=c.now, how=how, ip=ip)


def give_digest(
    user: AnyUser, digest: str, email: str = "", how: str = Channel.WEB, ip: str | None = None
) -> ConsentRecord:
    """Agree to the daily digest by SMS or email and turn it on."""
    return do_give_digest(check_give_digest(user, digest, email), how, ip)


@dataclass(frozen=True)
class Withdrawal:
    consent: ConsentRecord
    now: datetime.datetime


def check_withdraw(
    user: AnyUser, consent_id: int, now: datetime.datetime | None = None
) -> Withdrawal:
    citizen = check_citizen(user)
    consent = ConsentRecord.objects.filter(pk=consent_id, user=citizen).first()
    if consent is None:
        raise Http404
    if not consent.active:
        raise ActionError(_("This consent was already withdrawn."))
    if consent.purpose == ConsentPurpose.ACCOUNT:
        raise ActionError(
            _(
                "Your account cannot exist without this consent: to withdraw it, delete your "
                "account."
            )
        )
    if consent.purpose == ConsentPurpose.FEEDBACK:
        raise ActionError(
            _(
                "Feedback already sent is handled to the end and kept as the record the law "
                "requires; send a request if you object to how it is processed."
            )
        )
    return Withdrawal(consent, _now(now))


def do_withdraw(w: Withdrawal, how: str = Channel.WEB) -> ConsentRecord:
    """Withdraw and stop what the consent allowed (the digest: turned off, the email erased)."""
    consent = w.consent
    with transaction.atomic():
        moved = ConsentRecord.objects.filter(pk=consent.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=w.now, withdrawn_how=how
        )
        if not moved:
            raise ActionError(_("This consent was already withdrawn."))
        if consent.purpose == ConsentPurpose.DIGEST:
            digest_settings().stop(consent.user_id)
        _self_service(
            consent.user,
            RequestKind.WITHDRAW,
            _("Consent withdrawn: %(purpose)s.")
            % {"purpose": ConsentPurpose(consent.purpose).label},
            how,
            w.now,
        )
    consent.withdrawn_at, consent.withdrawn_how = w.now, how
    return consent


def withdraw(user: AnyUser, consent_id: int, how: str = Channel.WEB) -> ConsentRecord:
    """Withdraw one of the citizen's optional consents."""
    return do_withdraw(check_withdraw(user, consent_id), how)


def set_digest(
    user: AnyUser, digest: str, email: str = "", how: str = Channel.WEB, ip: str | None = None
) -> None:
    """The citizen's digest setting as chosen on the notification settings: choosing SMS or email
    gives the digest consent, choosing none withdraws it, so the register always matches."""
    if digest != DigestChoice.NONE:
        give_digest(user, digest, email, how, ip)
        return
    citizen = check_citizen(user)
    current = ConsentRecord.objects.active().filter(user=citizen, purpose=ConsentPurpose.DIGEST)
    consent = current.first()
    if consent is not None:
        withdraw(citizen, consent.pk, how)
    else:
        digest_settings().save(citizen, DigestChoice.NONE, "")


# --- correct --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Correction:
    citizen: User
    full_name: str
    date_of_birth: datetime.date
    now: datetime.datetime


def check_correct(
    user: AnyUser,
    full_name: str,
    date_of_birth: datetime.date | None,
    now: datetime.datetime | None = None,
) -> Correction:
    """The same rules as at sign-up; the phone number is not changed here."""
    citizen = check_citizen(user)
    refusals = Refusals()  # both fields told at once (issue 16.9)
    name = line(full_name)
    with refusals:
        if len(name) < 2 or len(name) > 150 or any(ch.isdigit() for ch in name):
            raise ActionError(_("Enter your full name as on your ID card."), field="full_name")
    today = timezone.localdate()
    with refusals:
        if date_of_birth is None or date_of_birth > today or date_of_birth.year < today.year - 120:
            raise ActionError(_("Enter a valid date of birth."), field="date_of_birth")
    refusals.raise_any()
    if name == citizen.full_name and date_of_birth == citizen.date_of_birth:
        raise ActionError(
            _("These are already your details: nothing to correct."), field="full_name"
        )
    return Correction(citizen, name, date_of_birth, _now(now))


def do_correct(c: Correction, how: str = Channel.WEB) -> User:
    citizen = c.citizen
    changed = []
    if c.full_name != citizen.full_name:
        changed.append(_("full name"))
    if c.date_of_birth != citizen.date_of_birth:
        changed.append(_("date of birth"))
    with transaction.atomic():
        citizens.do_correct_identity(citizen, c.full_name, c.date_of_birth)
        _self_service(
            citizen,
            RequestKind.CORRECT,
            _("Corrected by you: %(fields)s.") % {"fields": ", ".join(changed)},
            how,
            c.now,
        )
    return citizen


def correct(
    user: AnyUser, full_name: str, date_of_birth: datetime.date | None, how: str = Channel.WEB
) -> User:
    """Correct the citizen's full name and date of birth."""
    return do_correct(check_correct(user, full_name, date_of_birth), how)


# The audit log's action for an officer's reading of a data request (GET: not recorded by
# the audit middleware, which records writes).
READ_ACTION = "privacy:read-request"


# --- officers reading a request ----------------------------------------------------------------


def log_read(user: AnyUser, item: DataRequest, ip: str | None, api: bool = False) -> None:
    """A data protection officer was shown the request with the citizen's text and name: one
    row of the audit log (the access record for data requests; feedback has its own,
    `feedback.actions.log_access`). Lists show no text and are not logged."""
    if not user.is_authenticated or item.citizen_id == user.pk:
        return
    record(
        action=READ_ACTION,
        actor=user,
        ip=ip,
        via=Via.API if api else Via.WEB,
        method="GET",
        target=Found(DataRequest._meta.model_name, str(item.pk), item.code),
    )


# --- download -------------------------------------------------------------------------------


def download(user: AnyUser, how: str = Channel.WEB, now: datetime.datetime | None = None) -> bytes:
    """The citizen's data as a ZIP of JSON files with a README; the download is recorded."""
    citizen = check_citizen(user)
    now = _now(now)
    with transaction.atomic():
        _self_service(
            citizen, RequestKind.ACCESS, _("Copy of your data downloaded (ZIP)."), how, now
        )
    return export.build_zip(citizen, now)


# --- delete the account -----------------------------------------------------------------------


@dataclass(frozen=True)
class Erasure:
    citizen: User
    now: datetime.datetime


def check_delete(
    user: AnyUser, understood: bool, word: str, now: datetime.datetime | None = None
) -> Erasure:
    citizen = check_citizen(user)
    refusals = Refusals()  # both confirmations told at once
    with refusals:
        if not understood:
            raise ActionError(
                _("Tick the box to confirm you understand what is erased and what is kept."),
                field="understood",
            )
    with refusals:
        if fold(word) != DELETE_WORD:
            raise ActionError(_("Type XÓA to confirm."), field="word")
    refusals.raise_any()
    now = _now(now)
    erasure.check(citizen, now)  # what the other apps refuse (a locked account: moderation)
    return Erasure(citizen, now)


def do_delete(e: Erasure, how: str = Channel.WEB) -> DataRequest:
    """De-identify the account and erase what the law does not require us to keep.

    Erased: name, phone, date of birth, email; follows, reactions, notifications and their
    settings, the referral code, one-time codes and API tokens; comments are deleted (their
    author's move) and their text erased, except comments under a moderation case or a
    takedown request, kept hidden as evidence. Kept, attached to the de-identified account:
    feedback sent (the handling record), moderation reports, strikes and locks, shares and
    referrals (page figures), consents and this register. See docs/privacy.md.
    """
    citizen, now = e.citizen, e.now
    with transaction.atomic():
        item = _self_service(
            citizen, RequestKind.DELETE, _("Account deleted by you; data de-identified."), how, now
        )
        ConsentRecord.objects.filter(user=citizen, withdrawn_at__isnull=True).update(
            withdrawn_at=now, withdrawn_how=how
        )
        # Each app erases its own rows (engagement: the comments, follows, reactions, ...),
        # then the account is de-identified.
        erasure.erase(citizen, now)
        citizens.erase_citizen(citizen, now)
    return item


def delete_account(
    user: AnyUser, understood: bool, word: str, how: str = Channel.WEB
) -> DataRequest:
    """Delete the citizen's account (see `do_delete` for what is erased and kept)."""
    return do_delete(check_delete(user, understood, word), how)


# --- requests -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewRequest:
    citizen: User
    kind: RequestKind
    text: str
    now: datetime.datetime


def check_submit(
    user: AnyUser, kind: str, text: str, now: datetime.datetime | None = None
) -> NewRequest:
    citizen = check_citizen(user)
    refusals = Refusals()  # both fields told at once (issue 16.9)
    with refusals:
        if kind not in RequestKind.values:
            raise ActionError(_("Choose what your request is about."), field="kind")
    body = plain(text)
    with refusals:
        if len(body) < MIN_TEXT:
            raise ActionError(
                _("Describe your request in at least %(min)d characters.") % {"min": MIN_TEXT},
                field="text",
            )
        if len(body) > MAX_TEXT:
            raise ActionError(
                _("At most %(max)d characters; this has %(n)d.")
                % {"max": MAX_TEXT, "n": len(body)},
                field="text",
            )
    refusals.raise_any()
    if DataRequest.objects.open().filter(citizen=citizen).count() >= MAX_OPEN_REQUESTS:
        raise ActionError(
            _(
                "You already have %(n)d requests waiting for an answer; wait for them to be "
                "answered before sending another."
            )
            % {"n": MAX_OPEN_REQUESTS},
            status=429,
        )
    return NewRequest(citizen, RequestKind(kind), body, _now(now))


def do_submit(new: NewRequest, how: str = Channel.WEB) -> DataRequest:
    with transaction.atomic():
        item, received = _receive(new.citizen, new.kind, how, new.now, text=new.text)
        notices.tell_move(item, received)
    return item


def submit(user: AnyUser, kind: str, text: str, how: str = Channel.WEB) -> DataRequest:
    """Send a request about one's personal data; it is answered within the deadline."""
    return do_submit(check_submit(user, kind, text), how)


Decision = casework.Decision[DataRequest]


def _check_decision(
    actor: AnyUser, request_id: int, to: RequestState, note: str, now: datetime.datetime | None
) -> Decision:
    item = queries.access_data_request(actor, request_id)
    check_movable(
        REQUEST_STATES, item, to, _("This request is %(state)s; it cannot be moved that way.")
    )
    return Decision(item, to, note, _now(now))


def _decide(actor: User, d: Decision) -> DataRequest:
    item = d.item
    values: dict = {"handled_by": actor}
    if d.to in (S.ANSWERED, S.REFUSED):
        values |= {"answer": d.note, "answered_at": d.now}
    with transaction.atomic():
        # Conditional update: of two officers (or two clicks) only one moves the request.
        made = move(
            item,
            d.to,
            by=actor,
            reason=d.note,
            at=d.now,
            changes=values,
            changed=_("The request changed meanwhile; reload and try again."),
        )
        notices.tell_move(item, made)
    return item


def check_take(actor: AnyUser, request_id: int, now: datetime.datetime | None = None) -> Decision:
    return _check_decision(actor, request_id, S.IN_PROGRESS, "", now)


def take(actor: AnyUser, request_id: int, now: datetime.datetime | None = None) -> DataRequest:
    """An officer starts handling the request."""
    return _decide(actor, check_take(actor, request_id, now))


def check_reply(
    actor: AnyUser,
    request_id: int,
    to: RequestState,
    text: str,
    now: datetime.datetime | None = None,
) -> Decision:
    """Answering (`to` answered) or refusing (refused, with the legal reason): what the
    citizen reads."""
    if to == S.REFUSED:
        note = refusal(text, MAX_ANSWER)
    else:
        empty = _("Write the answer the citizen reads (at least 5 characters).")
        note = written(text, "answer", empty, MAX_ANSWER)
    return _check_decision(actor, request_id, to, note, now)


def answer(
    actor: AnyUser, request_id: int, text: str, now: datetime.datetime | None = None
) -> DataRequest:
    """Answer the request; the citizen reads the answer on their data page."""
    return _decide(actor, check_reply(actor, request_id, S.ANSWERED, text, now))


def refuse(
    actor: AnyUser, request_id: int, reason: str, now: datetime.datetime | None = None
) -> DataRequest:
    """Refuse the request with its legal reason, which the citizen reads."""
    return _decide(actor, check_reply(actor, request_id, S.REFUSED, reason, now))
