"""`notify()`: the one way an app tells people something, and the instant delivery by SMS and
email of the kinds that cannot wait for the daily digest (`INSTANT_KINDS`).

The bell's rows are written in the caller's transaction, with the state change they tell: a
rolled-back change tells nobody, and a change is told once per person (the row's `key` is
unique per recipient, so a retried action or sweep adds nothing). The SMS and email go after
the commit, from ids, by a task (with a broker) or the worker's sweep (without one, as in the
laptop demo); each row is claimed by a conditional UPDATE of `delivered_at`, so a retried task
or the sweep never sends it twice. Who may be told is the caller's business: the
apps pick recipients with their own `access_*` rules (congdong.feedback.notices,
congdong.privacy.notices).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from unidecode import unidecode

from congdong.accounts.models import User
from congdong.accounts.sms import get_backend
from congdong.core.links import absolute_url
from congdong.engagement.models import (
    INSTANT_KINDS,
    Notification,
    NotificationKind,
    NotificationSettings,
)

logger = logging.getLogger(__name__)
# The sweep sends what a lost task left behind, but not news older than this: a worker that was
# down for days must not wake everyone with stale messages (they are in the bell).
DELIVER_WINDOW = datetime.timedelta(days=1)
DELIVER_BATCH = 500


def notify(
    recipients: Iterable[int],
    kind: NotificationKind,
    *,
    at: datetime.datetime,
    key: str = "",
    feedback_id: int | None = None,
    data_request_id: int | None = None,
    takedown_id: int | None = None,
    case_id: int | None = None,
    post_id: int | None = None,
    comment_id: int | None = None,
    channel_link_id: int | None = None,
) -> int:
    """Put a notification of `kind` about the item given (`feedback_id`, …) in the bell of each
    of `recipients` (user ids), once per `key` (the state change told; without one, the caller
    makes each call once, e.g. by a claimed row); the instant kinds also go by SMS and email
    after the commit. Returns how many people were addressed (those told before are skipped
    silently). The one way any app writes a notification: one INSERT however many are told."""
    ids = sorted(set(recipients))
    if not ids:
        return 0
    instant = kind in INSTANT_KINDS
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=user_id,
                kind=kind,
                key=key,
                feedback_id=feedback_id,
                data_request_id=data_request_id,
                takedown_id=takedown_id,
                case_id=case_id,
                post_id=post_id,
                comment_id=comment_id,
                channel_link_id=channel_link_id,
                created_at=at,
                deliver=instant,
            )
            for user_id in ids
        ],
        ignore_conflicts=True,  # told already: a retry
    )
    if instant:
        transaction.on_commit(lambda: _enqueue(key, ids))
    return len(ids)


def _enqueue(key: str, recipients: list[int]) -> None:
    from congdong.engagement.tasks import deliver_notifications

    if settings.CELERY_TASK_ALWAYS_EAGER:
        # Without a broker, .delay() would send inside the request (or, in the demo's build,
        # print hundreds of old SMS): the embedded worker's sweep sends them instead.
        return
    ids = list(
        Notification.objects.filter(
            key=key, recipient_id__in=recipients, deliver=True, delivered_at=None
        ).values_list("pk", flat=True)
    )
    if not ids:
        return
    try:
        deliver_notifications.delay(ids)
    except Exception:
        # The broker is down, or (without one) the sending failed: the rows wait for the sweep.
        logger.warning("notifications %s: not sent now; the sweep will send them", ids)


# --- delivery -----------------------------------------------------------------------------------


def link(item: Notification) -> str:
    """Where the notification leads its recipient: the sender's own page of the item, or the
    handling screen for staff."""
    if item.feedback_id:
        if item.feedback.citizen_id == item.recipient_id:
            return reverse("feedback:item", args=[item.feedback_id])
        return reverse("feedback:staff-item", args=[item.feedback_id])
    if item.data_request_id:
        if item.data_request.citizen_id == item.recipient_id:
            return reverse("privacy:mine") + f"#request-{item.data_request_id}"
        return reverse("privacy:staff-detail", args=[item.data_request_id])
    if item.takedown_id:
        return reverse("takedown:detail", args=[item.takedown_id])
    return reverse("engagement:notifications")


def _channels(user: User, row: NotificationSettings | None) -> tuple[str | None, str | None]:
    """(phone, email) to tell `user` at once, by their settings: only a verified number and a
    confirmed address; None where the channel is off or has no such address."""
    if not user.is_active:
        return None, None
    sms_on = row.instant_sms if row else True
    email_on = row.instant_email if row else True
    phone = user.phone if sms_on and user.phone and user.phone_verified_at else None
    email = row.email if email_on and row and row.email and row.email_verified_at else None
    return phone, email


def _send(item: Notification, now: datetime.datetime) -> bool:
    """Send one notification through its recipient's channels; True if it went anywhere."""
    row = NotificationSettings.objects.filter(user_id=item.recipient_id).first()
    phone, email = _channels(item.recipient, row)
    if not (phone or email):
        return False
    # Citizens read Vietnamese; a worker has no request to take the language from.
    with translation.override("vi"):
        context = {"item": item, "url": absolute_url(link(item))}
        text = " ".join(
            render_to_string("engagement/notifications/instant_text.txt", context).split()
        )
        if email:
            send_mail(
                f"congdong: {text}"[:150],
                render_to_string("engagement/notifications/instant_email.txt", context),
                None,
                [email],
            )
        if phone:
            # Without diacritics, like the code and digest SMS: GSM-7 fits 160 characters in a
            # segment where Vietnamese letters (UCS-2) fit 70, and every phone shows it.
            get_backend().send(phone, unidecode(f"congdong: {text} {context['url']}"))
    return True


def _notifications():
    return Notification.objects.select_related(
        "recipient",
        "feedback__unit",
        "feedback__category",
        "data_request",
        "takedown__unit",
    )


def deliver(ids: Iterable[int], now: datetime.datetime | None = None) -> int:
    """Send each notification of `ids` not sent yet; returns how many went out.

    Each is claimed first (a conditional UPDATE of `delivered_at`): a second worker, a retried
    task or the sweep sends nothing twice. What goes out is not repeated in the digest. A
    failed send gives the claim back, for the sweep to try again.
    """
    now = now or timezone.now()
    sent = 0
    for item in _notifications().filter(pk__in=list(ids), deliver=True, delivered_at=None):
        claimed = Notification.objects.filter(pk=item.pk, delivered_at=None).update(
            delivered_at=now
        )
        if not claimed or item.created_at < now - DELIVER_WINDOW:
            continue  # sent by another worker; or stale news, left to the bell
        try:
            went = _send(item, now)
        except Exception:
            logger.exception("notification %s could not be sent", item.pk)
            Notification.objects.filter(pk=item.pk, delivered_at=now).update(delivered_at=None)
            continue
        if went:
            sent += 1
            Notification.objects.filter(pk=item.pk, digested_at=None).update(digested_at=now)
    return sent


def settle(now: datetime.datetime | None = None) -> int:
    """Mark every notification still to send as sent, without sending it; returns how many.

    For history written after the fact (the demo's weeks of feedback): it is in the bell, and
    nobody is to get an SMS about it now."""
    return Notification.objects.filter(deliver=True, delivered_at=None).update(
        delivered_at=now or timezone.now()
    )


def deliver_pending(now: datetime.datetime | None = None, batch: int = DELIVER_BATCH) -> int:
    """The sweep: send what a lost task left behind (from the last day); returns how many."""
    now = now or timezone.now()
    ids = list(
        Notification.objects.filter(
            Q(deliver=True, delivered_at=None),
            created_at__gte=now - DELIVER_WINDOW,
            created_at__lte=now,
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:batch]
    )
    return deliver(ids, now) if ids else 0
