"""The overdue alarm for citizens' personal data requests not answered in 2 working days.

The row is the truth: `overdue_at` is set by a conditional UPDATE, so a rerun, a late run or
two workers never raise the same alarm twice. The alarm is an email to the data protection
officers of the central unit who have an address, and a warning in the log; the staff queue
shows the request as overdue from then on.
"""

from __future__ import annotations

import datetime
import logging

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from congdong.accounts.models import User
from congdong.core.links import absolute_url
from congdong.privacy import queries
from congdong.privacy.models import OPEN_STATES, DataRequest

logger = logging.getLogger(__name__)
BATCH = 500


def notify_overdue(now: datetime.datetime | None = None, batch: int = BATCH) -> int:
    """Mark the requests past their deadline at `now` not yet marked; returns how many."""
    now = now or timezone.now()
    due = list(
        DataRequest.objects.filter(state__in=OPEN_STATES, due_at__lt=now, overdue_at__isnull=True)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)[:batch]
    )
    marked = []
    for request_id in due:
        claimed = DataRequest.objects.filter(
            pk=request_id, state__in=OPEN_STATES, overdue_at__isnull=True
        ).update(overdue_at=now)
        if claimed:  # answered or marked meanwhile otherwise
            marked.append(request_id)
    if not marked:
        return 0
    items = list(DataRequest.objects.filter(pk__in=marked).order_by("due_at", "pk"))
    logger.warning("personal data requests overdue: %s", ", ".join(item.code for item in items))
    emails = list(
        User.objects.filter(pk__in=queries.central_officers())
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if emails:
        with translation.override("vi"):
            subject = render_to_string("privacy/overdue_email_subject.txt", {"count": len(items)})
            url = absolute_url(reverse("privacy:staff-list"))
            body = render_to_string("privacy/overdue_email.txt", {"items": items, "url": url})
        send_mail(" ".join(subject.split()), body, None, emails, fail_silently=True)
    return len(items)
