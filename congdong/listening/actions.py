"""The one write path of listening: turn stored webhook events into messages (the worker),
answer and hide messages through the platform (staff), and log staff reads of citizens' text.

`check_*` validates and authorises, `do_*` writes. A platform call is made here and now with
the clients' timeouts; when it fails the person is told why in plain words and the failure is
kept as an action row (nothing else changes).
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congdong.accounts.queries import AnyUser, require_permission
from congdong.accounts.roles import Permission
from congdong.channels.actions import mark_token_bad
from congdong.channels.clients import facebook, zalo
from congdong.channels.models import ChannelKind, ChannelLink, TokenState
from congdong.core.errors import ActionError
from congdong.listening import queries
from congdong.listening.models import (
    MESSAGE_STATES,
    ActionKind,
    ActionOutcome,
    ChannelMessage,
    ChannelMessageAccess,
    ChannelMessageAction,
    EventState,
    MessageKind,
    MessageState,
    Platform,
    WebhookEvent,
)
from congdong.pages.queries import can_operate

log = logging.getLogger("congdong.listening")

# A claim older than this was left by a worker that died: the event goes back to waiting.
CLAIM_STALE = datetime.timedelta(minutes=5)
BATCH = 500
# Raw webhook bodies are kept this long after processing (for tracing a platform's delivery).
KEEP_EVENTS_DAYS = 30
MAX_ANSWER = 2000
ZALO_TEXTS = frozenset({"user_send_text"})
ZALO_FOLLOWS = frozenset({"follow", "unfollow"})


# -------------------------------------------------------------------- the worker's part


def release_stale_claims(now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    return WebhookEvent.objects.filter(
        state=EventState.PROCESSING, claimed_at__lt=now - CLAIM_STALE
    ).update(state=EventState.PENDING, claimed_at=None)


def process_pending(batch: int = BATCH) -> int:
    """The sweep: process waiting webhook events, oldest first; returns how many it finished.

    Each event is claimed by a conditional UPDATE (waiting → processing), so two workers never
    process one event; a message is unique by its platform id, so an event processed twice
    (a worker killed after writing) still makes one message."""
    release_stale_claims()
    ids = list(
        WebhookEvent.objects.filter(state=EventState.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)[:batch]
    )
    done = 0
    for pk in ids:
        now = timezone.now()
        claimed = WebhookEvent.objects.filter(pk=pk, state=EventState.PENDING).update(
            state=EventState.PROCESSING, claimed_at=now
        )
        if claimed:
            process_event(pk)
            done += 1
    return done


def process_event(event_id: int) -> WebhookEvent:
    """Turn one claimed event into messages of the linked page; finish it with a note."""
    event = WebhookEvent.objects.get(pk=event_id)
    try:
        data = json.loads(event.body)
        if event.platform == Platform.FACEBOOK:
            made, note = _facebook(event, data)
        else:
            made, note = _zalo(event, data)
        state = EventState.DONE if made else EventState.IGNORED
    except Exception as exc:  # a malformed event must not stop the sweep
        log.exception("webhook event %s failed", event_id)
        state, note = EventState.FAILED, f"{type(exc).__name__}: {exc}"
    WebhookEvent.objects.filter(pk=event_id, state=EventState.PROCESSING).update(
        state=state, processed_at=timezone.now(), note=note[:300]
    )
    event.refresh_from_db()
    return event


def _when(value: Any, default: datetime.datetime) -> datetime.datetime:
    """A platform time: seconds or milliseconds since the epoch, or ISO 8601."""
    if value in (None, ""):
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        try:
            parsed = datetime.datetime.fromisoformat(str(value).replace("+0000", "+00:00"))
        except ValueError:
            return default
        return parsed if parsed.tzinfo else timezone.make_aware(parsed, datetime.UTC)
    if number > 10**11:  # milliseconds (Zalo)
        number /= 1000
    return datetime.datetime.fromtimestamp(number, tz=datetime.UTC)


def _add(link: ChannelLink, event: WebhookEvent, **fields: Any) -> bool:
    """A message of the link's page, once: False when its platform id is known already."""
    try:
        with transaction.atomic():
            ChannelMessage.objects.create(
                page_id=link.page_id,
                link=link,
                event=event,
                received_at=event.received_at,
                **fields,
            )
    except IntegrityError:
        return False
    return True


def _facebook(event: WebhookEvent, data: dict[str, Any]) -> tuple[int, str]:
    made, notes = 0, []
    for entry in data.get("entry") or []:
        page_id = str(entry.get("id") or "")
        link = queries.current_link(ChannelKind.FACEBOOK, page_id)
        if link is None:
            notes.append(f"no current link for Facebook Page {page_id}")
            continue
        for change in entry.get("changes") or []:
            value = change.get("value") or {}
            if change.get("field") != "feed" or value.get("item") != "comment":
                notes.append(f"{change.get('field')}/{value.get('item')}: not kept")
                continue
            comment_id = str(value.get("comment_id") or "")
            author = value.get("from") or {}
            verb = value.get("verb")
            found = ChannelMessage.objects.filter(
                platform=Platform.FACEBOOK, external_id=comment_id
            )
            if verb == "add":
                if str(author.get("id")) == page_id:
                    notes.append("the Page's own comment")  # our answers come back this way
                    continue
                post_id = str(value.get("post_id") or "")
                if _add(
                    link,
                    event,
                    platform=Platform.FACEBOOK,
                    kind=MessageKind.COMMENT,
                    external_id=comment_id,
                    parent_id=str(value.get("parent_id") or post_id),
                    post_id=post_id,
                    author_id=str(author.get("id") or ""),
                    author_name=str(author.get("name") or "")[:200],
                    text=str(value.get("message") or "")[:8000],
                    sent_at=_when(
                        value.get("created_time") or entry.get("time"), event.received_at
                    ),
                ):
                    made += 1
            elif verb == "edited":
                # An erased message stays erased.
                made += found.kept().update(text=str(value.get("message") or "")[:8000])
            elif verb == "remove":
                made += found.update(state=MessageState.REMOVED)
            elif verb in ("hide", "unhide"):
                to = MessageState.HIDDEN if verb == "hide" else MessageState.VISIBLE
                made += found.exclude(state=MessageState.REMOVED).update(state=to)
            else:
                notes.append(f"verb {verb}: not kept")
    return made, "; ".join(notes) or f"{made} comment(s)"


def _zalo(event: WebhookEvent, data: dict[str, Any]) -> tuple[int, str]:
    from congdong.listening.intake import zalo_oa_id

    name = str(data.get("event_name") or "")
    oa_id = zalo_oa_id(data)
    if name in ZALO_FOLLOWS:
        # No follower count is kept per OA yet (figures in come from the daily import).
        return 0, f"{name}: follower counts are not kept yet"
    if name not in ZALO_TEXTS:
        return 0, f"{name}: not kept"
    link = queries.current_link(ChannelKind.ZALO, oa_id)
    if link is None:
        return 0, f"no current link for Zalo OA {oa_id}"
    message = data.get("message") or {}
    sender = data.get("sender") or {}
    made = _add(
        link,
        event,
        platform=Platform.ZALO,
        kind=MessageKind.MESSAGE,
        external_id=str(message.get("msg_id") or event.event_key),
        author_id=str(sender.get("id") or ""),
        author_name=str(sender.get("display_name") or sender.get("name") or "")[:200],
        text=str(message.get("text") or "")[:8000],
        sent_at=_when(data.get("timestamp"), event.received_at),
    )
    return int(made), "1 message" if made else "message known already"


def prune_events(now: datetime.datetime | None = None, days: int = KEEP_EVENTS_DAYS) -> int:
    """Delete finished webhook events older than `days`: their bodies hold what people wrote,
    which the messages keep; failed ones stay for a person to look at."""
    since = (now or timezone.now()) - datetime.timedelta(days=days)
    deleted, _ = WebhookEvent.objects.filter(
        state__in=(EventState.DONE, EventState.IGNORED), received_at__lt=since
    ).delete()
    return deleted


def erase_old_messages(now: datetime.datetime | None = None, days: int | None = None) -> int:
    """People's data past its keeping time (`settings.CHANNEL_MESSAGES_RETENTION_DAYS` after
    it was sent): each message's text, author name and author platform id erased (the row
    stays: the reads and answers of the audit trail point at it), and every webhook body
    received before then deleted, whatever its state (a failed one too). Returns how many
    messages were erased."""
    now = now or timezone.now()
    keep = settings.CHANNEL_MESSAGES_RETENTION_DAYS if days is None else days
    before = now - datetime.timedelta(days=keep)
    with transaction.atomic():
        erased = ChannelMessage.objects.filter(sent_at__lt=before, erased_at__isnull=True).update(
            text="", author_name="", author_id="", erased_at=now
        )
        WebhookEvent.objects.filter(received_at__lt=before).delete()
    if erased:
        log.info("erased %s channel messages sent before %s", erased, before.date())
    return erased


# ------------------------------------------------------------------------- staff reads


def log_accesses(
    user: AnyUser,
    messages: Iterable[ChannelMessage],
    ip: str | None = None,
    now: datetime.datetime | None = None,
) -> None:
    """Record that staff member `user` was shown the text of `messages`: one row per message,
    one insert (issue 15.3, as `feedback.actions.log_accesses`)."""
    if not user.is_authenticated:
        return
    at = now or timezone.now()
    ChannelMessageAccess.objects.bulk_create(
        ChannelMessageAccess(message=m, user=user, ip=ip, at=at) for m in messages
    )


# ---------------------------------------------------------------------- answer and hide


def _note_refused_token(link: ChannelLink, exc: Exception) -> None:
    """A platform refusing the page's token moves the token as a check would (the health view
    and the one notice to the unit's admins follow), as deliveries do."""
    token = getattr(link, "token", None)
    if token is None:
        return
    detail = f"{type(exc).__name__}: {exc}"[:300]
    if isinstance(exc, facebook.TokenExpired | zalo.InvalidToken):
        mark_token_bad(token.pk, TokenState.EXPIRED, detail, [])
    elif isinstance(exc, facebook.PermissionMissing | zalo.PermissionMissing):
        mark_token_bad(
            token.pk, TokenState.PERMISSION_LOST, detail, [getattr(exc, "permission", "") or ""]
        )


def _platform_error(link: ChannelLink, exc: Exception) -> str:
    """What to tell a person when the platform refused or did not answer."""
    name = ChannelKind(link.kind).label
    if isinstance(exc, facebook.TokenExpired | zalo.InvalidToken):
        return _(
            "%(channel)s refused the page's access: it expired. Connect the channel again."
        ) % {"channel": name}
    if isinstance(exc, facebook.PermissionMissing | zalo.PermissionMissing):
        return _(
            "%(channel)s says a permission is missing (%(detail)s): connect the channel again "
            "and allow answering and hiding comments."
        ) % {"channel": name, "detail": getattr(exc, "permission", None) or str(exc)[:120]}
    if isinstance(exc, facebook.RateLimited | zalo.RateLimited):
        return _("%(channel)s is limiting calls right now: try again in a few minutes.") % {
            "channel": name
        }
    if isinstance(exc, facebook.Timeout | zalo.Timeout):
        return _(
            "%(channel)s did not answer in time. Check on the platform before trying again: "
            "the answer may have gone through."
        ) % {"channel": name}
    return _("%(channel)s could not do it: %(detail)s") % {
        "channel": name,
        "detail": str(exc)[:200],
    }


def _token(link: ChannelLink) -> str:
    token = getattr(link, "token", None)
    if link.unlinked_at is not None:
        raise ActionError(_("This channel is no longer linked to the page."))
    if token is None or not token.access_token or token.state != TokenState.VALID:
        raise ActionError(
            _("congdong has no working access to %(channel)s: connect it again.")
            % {"channel": link.name or link.url}
        )
    return token.access_token


@dataclass(frozen=True)
class Answer:
    message: ChannelMessage
    text: str


def check_answer(actor: AnyUser, message_id: int, text: str) -> Answer:
    message = queries.access_message(actor, message_id)
    if not can_operate(actor, message.page):
        raise PermissionDenied(
            _("You are not an operator of the page %(page)s.") % {"page": message.page.name}
        )
    text = (text or "").strip()
    if not text:
        raise ActionError(_("Write the answer first."), field="text")
    if len(text) > MAX_ANSWER:
        raise ActionError(
            _("An answer holds at most %(n)s characters.") % {"n": MAX_ANSWER}, field="text"
        )
    if message.state == MessageState.REMOVED:
        raise ActionError(_("Its author removed this comment: it cannot be answered."))
    if message.erased_at is not None:
        raise ActionError(_("This message is past its keeping time and was erased."))
    return Answer(message, text)


def do_answer(actor: AnyUser, answer: Answer) -> ChannelMessageAction:
    """Answer as the page on the platform (Facebook: a reply to the comment; Zalo: a
    consultation message to the sender); the answer is kept as an action row."""
    message = answer.message
    link = ChannelLink.objects.standard().get(pk=message.link_id)
    token = _token(link)
    at = timezone.now()
    try:
        if message.platform == Platform.FACEBOOK:
            with facebook.GraphClient.from_settings() as graph:
                external_id = graph.reply(message.external_id, token, answer.text)
        else:
            with zalo.ZaloClient.from_settings() as oa:
                external_id = oa.send_text(token, user_id=message.author_id, text=answer.text)
    except (facebook.GraphError, zalo.ZaloError) as exc:
        ChannelMessageAction.objects.create(
            message=message,
            kind=ActionKind.ANSWER,
            text=answer.text,
            actor=actor if actor.is_authenticated else None,
            at=at,
            outcome=ActionOutcome.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:300],
        )
        _note_refused_token(link, exc)
        raise ActionError(_platform_error(link, exc), status=502) from exc
    return ChannelMessageAction.objects.create(
        message=message,
        kind=ActionKind.ANSWER,
        text=answer.text,
        actor=actor,
        at=at,
        outcome=ActionOutcome.DONE,
        external_id=external_id,
    )


def answer(actor: AnyUser, message_id: int, text: str) -> ChannelMessageAction:
    return do_answer(actor, check_answer(actor, message_id, text))


def check_hide(actor: AnyUser, message_id: int, hidden: bool) -> ChannelMessage:
    message = queries.access_message(actor, message_id)
    require_permission(actor, message.page.unit, Permission.MODERATE)
    if message.platform != Platform.FACEBOOK:
        raise ActionError(_("Zalo has no way to hide a message sent to an OA."))
    to = MessageState.HIDDEN if hidden else MessageState.VISIBLE
    if not MESSAGE_STATES.allowed(message.state, to):
        raise ActionError(
            _("This comment is already hidden.")
            if hidden and message.state == MessageState.HIDDEN
            else _("This comment cannot be changed any more.")
        )
    return message


def do_hide(actor: AnyUser, message: ChannelMessage, hidden: bool) -> ChannelMessageAction:
    """Hide (or show again) a comment on Facebook; the state follows once Facebook agrees."""
    link = ChannelLink.objects.standard().get(pk=message.link_id)
    token = _token(link)
    at = timezone.now()
    kind = ActionKind.HIDE if hidden else ActionKind.SHOW
    try:
        with facebook.GraphClient.from_settings() as graph:
            graph.hide(message.external_id, token, hidden=hidden)
    except facebook.GraphError as exc:
        ChannelMessageAction.objects.create(
            message=message,
            kind=kind,
            actor=actor,
            at=at,
            outcome=ActionOutcome.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:300],
        )
        _note_refused_token(link, exc)
        raise ActionError(_platform_error(link, exc), status=502) from exc
    with transaction.atomic():
        ChannelMessage.objects.filter(pk=message.pk, state=message.state).update(
            state=MessageState.HIDDEN if hidden else MessageState.VISIBLE
        )
        return ChannelMessageAction.objects.create(
            message=message, kind=kind, actor=actor, at=at, outcome=ActionOutcome.DONE
        )


def hide(actor: AnyUser, message_id: int, hidden: bool = True) -> ChannelMessageAction:
    return do_hide(actor, check_hide(actor, message_id, hidden), hidden)
