"""Reads for the bell: unread notifications, and for staff what waits on them (computed on read,
from the same queries as the approver's queue and the campaign tasks, so it cannot drift)."""

from __future__ import annotations

from dataclasses import dataclass

from congdong.accounts.queries import AnyUser
from congdong.campaigns.queries import open_tasks
from congdong.engagement.models import Notification
from congdong.posts.queries import approval_queue, revision_queue

# Counts stop here ("99+"): the bell is on every page and must not count a million rows.
COUNT_CAP = 100


@dataclass(frozen=True)
class StaffItems:
    approvals: int  # posts and revisions waiting for this user's decision
    tasks: int  # open campaign tasks on pages they run

    @property
    def total(self) -> int:
        return self.approvals + self.tasks


NO_STAFF_ITEMS = StaffItems(0, 0)


@dataclass(frozen=True)
class Bell:
    unread: int
    staff: StaffItems = NO_STAFF_ITEMS
    # False: nothing counted yet (the menu of a page: the bell fragment counts).
    counted: bool = True

    @property
    def total(self) -> int:
        return self.unread + self.staff.total

    @property
    def shown(self) -> str:
        """The badge's text."""
        return f"{COUNT_CAP - 1}+" if self.total >= COUNT_CAP else str(self.total)


def unread_count(user: AnyUser) -> int:
    """Unread notifications of `user`, counted up to COUNT_CAP (one query)."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at=None)[:COUNT_CAP].count()


def recent(user: AnyUser, limit: int = 50) -> list[Notification]:
    """The newest notifications of `user`, with what they point to (one query)."""
    if not user.is_authenticated:
        return []
    return list(
        Notification.objects.filter(recipient=user)
        .with_subjects()
        .order_by("-created_at", "-pk")[:limit]
    )


def staff_items(user: AnyUser) -> StaffItems:
    """Posts and revisions waiting for `user`'s approval and open campaign tasks on the pages
    they run; nothing for citizens (no query)."""
    if not user.is_authenticated or user.is_citizen:
        return NO_STAFF_ITEMS
    approvals = len(approval_queue(user, limit=COUNT_CAP)) + len(
        revision_queue(user, limit=COUNT_CAP)
    )
    return StaffItems(approvals=approvals, tasks=len(open_tasks(user, limit=COUNT_CAP)))


# The bell in the menu of a page: counted by the fragment it loads (see context.py).
UNCOUNTED = Bell(unread=0, counted=False)


def bell(user: AnyUser) -> Bell:
    """What the bell shows: one query for a citizen; for staff, also what waits on them."""
    return Bell(unread=unread_count(user), staff=staff_items(user))
