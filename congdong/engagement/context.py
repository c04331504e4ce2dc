"""Template context for every page: the bell of the signed-in user."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from congdong.engagement import notifications


def bell(request: HttpRequest) -> dict[str, Any]:
    """`bell` (a `notifications.Bell`) for the menu, None for anonymous visitors.

    The menu's bell is rendered uncounted and fetches its counts with htmx as the page loads
    (`engagement:bell`: session, user and count, three queries for a citizen; more for staff,
    whose approval queue and campaign tasks are counted too). Counting inline would add a
    query to every signed-in page, and public pages have a tested budget of 8 queries that
    they already use. Views that show counts (the list, the fragment) pass their own `bell`,
    which hides this one. Lazy, so a page that does not show the bell reads nothing.
    """

    def compute() -> notifications.Bell | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return notifications.UNCOUNTED

    return {"bell": SimpleLazyObject(compute)}
