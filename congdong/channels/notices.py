"""Telling a unit's admins that a channel's token expired or lost a permission.

The notification machinery lives in engagement (a layer above channels); it is imported inside
the function so that channels' models stay importable on their own. The token row's
`notified_state` (set by a conditional UPDATE in the same transaction, see actions._go_bad)
makes each move to a bad state tell once.
"""

from __future__ import annotations

import datetime

from congdong.channels.models import ChannelLink, TokenState
from congdong.channels.queries import admins_of


def tell_admins(link_id: int, state: str, *, at: datetime.datetime) -> int:
    from congdong.engagement.actions.notify import notify
    from congdong.engagement.models import NotificationKind

    link = ChannelLink.objects.select_related("page__unit").get(pk=link_id)
    kind = (
        NotificationKind.CHANNEL_EXPIRED
        if state == TokenState.EXPIRED
        else NotificationKind.CHANNEL_PERMISSION
    )
    return notify(admins_of(link.page.unit), kind, at=at, channel_link_id=link.pk)
