"""A unit's figures per source (congdong, Facebook, Zalo) and their total, as the dashboard,
the API and the exports show them.

The total adds what adds up: posts, views, engagement, followers (accounts and platform
followers counted apart; one person following on two platforms counts twice). Distinct
viewers do not: a platform's viewers are the sum of its daily distinct viewers, and congdong's
reach is a union of its own sketches, so the total states its viewers as "not de-duplicated"
(`VIEWERS_NOTE`) and never adds them to congdong's reach.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from congdong.channels import metrics
from congdong.channels.queries import not_reported_now
from congdong.insights import figures
from congdong.insights.figures import Period
from congdong.insights.models import Source
from congdong.units.models import Unit

# The figures each source row shows: our key → the figure's key.
SHOWN = ("followers", "posts", "impressions", "engagement", "viewers")
LABELS = {
    "followers": _("Followers"),
    "posts": _("Posts"),
    "impressions": _("Views"),
    "engagement": _("Engagement"),
    "viewers": _("Viewers (platform, per day)"),
}
VIEWERS_NOTE = _(
    "Unique viewers cannot be de-duplicated across platforms: a platform's viewers are the "
    "sum of its daily distinct viewers, not distinct people, and they are never added to "
    "congdong's reach. Facebook's “viewers” are not 2022's “reach”."
)
# Our key → the channels' name of the same figure.
CHANNEL_FIGURE = {"impressions": metrics.VIEWS}
# A platform that does not report a figure shows "—", not 0.
REPORTED = {
    Source.SITE: frozenset({"followers", "posts", "impressions", "engagement"}),
    Source.FACEBOOK: frozenset(SHOWN),
    Source.ZALO: frozenset({"followers", "posts", "impressions", "engagement"}),
}


@dataclass
class SourceRow:
    """One source's figures ("total": all sources). Cached with the dashboard's figures for
    every reader, so it holds no text: `label` is translated when read."""

    source: str
    figures: dict[str, int | None]

    @property
    def label(self) -> str:
        if self.source == "total":
            return str(_("All sources"))
        return str(Source(self.source).label)

    @property
    def cells(self) -> list[tuple[str, int | None]]:
        """(figure key, value) in the order of SHOWN."""
        return [(key, self.figures[key]) for key in SHOWN]


def columns() -> list[tuple[str, str]]:
    return [(key, str(LABELS[key])) for key in SHOWN]


def rows(unit: Unit, period: Period, own: bool = False) -> tuple[list[SourceRow], SourceRow]:
    """Each source's figures of the subtree (or its own page) over the period, and the total
    of the additive ones (its viewers: the platforms' sum, to be shown with VIEWERS_NOTE)."""
    out = []
    for source, found in figures.by_source(unit, period, own=own):
        gone = not_reported_now(source) if source != Source.SITE else frozenset()
        shown: dict[str, int | None] = {}
        for key in SHOWN:
            value = int(found.get(key, 0))
            # A figure the platform stopped giving shows "—" where nothing of it was imported,
            # and what was imported before, if anything.
            stopped = CHANNEL_FIGURE.get(key, key) in gone and not value
            shown[key] = None if key not in REPORTED[source] or stopped else value
        out.append(SourceRow(source, shown))
    total = {key: _sum([row.figures[key] for row in out]) for key in SHOWN}
    return out, SourceRow("total", total)


def _sum(values: list[int | None]) -> int | None:
    """What the sources report, added; None ("—") where none of them reports the figure."""
    given = [value for value in values if value is not None]
    return sum(given) if given else None
