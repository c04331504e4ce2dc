"""Importing a linked channel's figures is insights' work (`insights.channel_import`: it stores
insights' per-day figures, and insights stands above channels). `congdong channels import`
reaches it through `import_link`, which InsightsConfig.ready() fills in, as accounts fills in
`core.security.key_owner`."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Protocol

from django.utils import timezone

from congdong.channels.models import ChannelLink

# Told after each stored stretch of days: the link, the first and last day, the days stored.
Progress = Callable[[ChannelLink, datetime.date, datetime.date, int], None]


class Outcome(Protocol):
    """What one link's import did, as far as the command tells it."""

    stopped: list[str]  # Graph metrics Facebook refused
    error: str  # in words, for people

    @property
    def ok(self) -> bool: ...


class ImportLink(Protocol):
    def __call__(
        self,
        link_id: int,
        *,
        since: datetime.date | None = None,
        until: datetime.date | None = None,
        progress: Progress | None = None,
    ) -> Outcome: ...


# Set by InsightsConfig.ready(); None only where insights is not installed.
import_link: ImportLink | None = None


def yesterday() -> datetime.date:
    """The last day whose figures are complete: imports stop there (today is not over)."""
    return timezone.localdate() - datetime.timedelta(days=1)
