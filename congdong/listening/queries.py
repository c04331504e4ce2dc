"""Reads of the channels' comments and messages, and the `access_*` helpers for the inbox.

Who reads the inbox: the page's operators (editors of its unit or above, its co-admins) and the
moderators of its unit or above — within their own subtrees only: outside them a page's inbox
does not exist (404), inside without the right it is refused with the reason (403).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from congdong.accounts.queries import AnyUser, can, require_scope, scopes
from congdong.accounts.roles import Permission
from congdong.channels.models import ChannelKind, ChannelLink
from congdong.channels.queries import INBOX_READERS, reads_unit_inbox
from congdong.listening.models import (
    ChannelMessage,
    MessageQuerySet,
    MessageState,
    RefusalReason,
    WebhookRefusal,
)
from congdong.pages.models import Page
from congdong.pages.queries import can_operate, sees_page
from congdong.units.models import Unit
from congdong.units.queries import get_unit

INBOX_SIZE = 50


def reads_inbox(user: AnyUser, page: Page) -> bool:
    return can_operate(user, page) or can(user, page.unit, Permission.MODERATE)


def access_inbox_page(user: AnyUser, page_id: int) -> Page:
    """The page whose channels' comments and messages `user` reads."""
    page = Page.objects.standard().filter(pk=page_id).first()
    if page is None or not sees_page(user, page):
        raise Http404
    if not reads_inbox(user, page):
        raise PermissionDenied(
            _("Only the page's operators and moderators read what people write to %(page)s.")
            % {"page": page.name}
        )
    return page


def access_inbox_unit(user: AnyUser, unit_id: int) -> Unit:
    """A unit whose subtree's inbox `user` reads: they write posts or moderate there."""
    unit = get_unit(unit_id)
    require_scope(user, unit)
    if not reads_unit_inbox(user, unit):
        raise PermissionDenied(
            _("Only editors and moderators read what people write to the pages of %(unit)s.")
            % {"unit": unit.full_name}
        )
    return unit


def access_message(user: AnyUser, message_id: int) -> ChannelMessage:
    """A message of a page in `user`'s scope; Http404 otherwise (each action checks its own
    right: operate to answer, moderate to hide)."""
    message = ChannelMessage.objects.standard().filter(pk=message_id).first()
    if message is None or not sees_page(user, message.page):
        raise Http404
    return message


def inbox(
    *,
    page: Page | None = None,
    unit: Unit | None = None,
    platform: str = "",
    limit: int = INBOX_SIZE,
) -> list[ChannelMessage]:
    """The latest comments and messages of one page, or of every page of a subtree."""
    qs: MessageQuerySet = (
        ChannelMessage.objects.standard().kept().exclude(state=MessageState.REMOVED)
    )
    if page is not None:
        qs = qs.filter(page=page)
    elif unit is not None:
        qs = qs.in_subtree(unit)
    if platform in ChannelKind.values:
        qs = qs.filter(platform=platform)
    rows = list(
        qs.prefetch_related("actions", "actions__actor").order_by("-sent_at", "-pk")[:limit]
    )
    return rows


def mark_rights(user: AnyUser, rows: list[ChannelMessage]) -> None:
    """Set `can_answer` (operate the page) and `can_hide` (moderate its unit) on each row, from
    two queries whatever the number of pages: the user's roles and their page-only grants."""
    from congdong.pages.models import PageOperator

    if not user.is_authenticated:
        for row in rows:
            row.can_answer = row.can_hide = False
        return
    held = scopes(user, INBOX_READERS)
    operated = set(PageOperator.objects.filter(user=user).values_list("page_id", flat=True))
    for row in rows:
        unit = row.page.unit
        row.can_answer = row.page_id in operated or held[Permission.EDIT_POSTS].covers(unit)
        row.can_hide = held[Permission.MODERATE].covers(unit)


def current_link(kind: str, external_id: str) -> ChannelLink | None:
    """The link that makes a Facebook Page / Zalo OA an official channel now, if any."""
    return (
        ChannelLink.objects.current()
        .filter(kind=kind, external_id=external_id)
        .select_related("page")
        .first()
    )


def texts_in(unit: Unit, start: datetime.datetime, end: datetime.datetime):
    """(platform, author id, text) of the messages to the pages of `unit`'s subtree sent in
    [start, end), newest first: for the people's situation keywords, which keep only counts."""
    return (
        ChannelMessage.objects.in_subtree(unit)
        .kept()
        .filter(sent_at__gte=start, sent_at__lt=end)
        .exclude(state=MessageState.REMOVED)
        .order_by("-sent_at", "-pk")
    )


def refusals(days: int = 7, today: datetime.date | None = None) -> dict[str, dict[str, int]]:
    """Refused webhook calls of the last `days` days: {platform: {reason: count}}."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=days - 1)
    out: dict[str, dict[str, int]] = {}
    rows = (
        WebhookRefusal.objects.filter(day__gte=since)
        .values("platform", "reason")
        .annotate(n=Sum("count"))
        .order_by("platform", "reason")
    )
    for row in rows:
        out.setdefault(row["platform"], {})[row["reason"]] = int(row["n"] or 0)
    return out


def refusal_lines(days: int = 7) -> list[str]:
    """The refusals as lines for people (health view, `congdong channels check`)."""
    found = refusals(days)
    if not found:
        return [_("Webhooks: no call refused in the last %(days)s days.") % {"days": days}]
    lines = []
    for platform, reasons in found.items():
        told = ", ".join(
            f"{RefusalReason(reason).label}: {n}" for reason, n in sorted(reasons.items())
        )
        lines.append(
            _("Webhooks from %(platform)s refused in the last %(days)s days — %(reasons)s")
            % {"platform": ChannelKind(platform).label, "days": days, "reasons": told}
        )
    return lines
