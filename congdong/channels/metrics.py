"""Which Graph API insights metric gives each of our figures, per Graph API version.

Facebook renames and retires Page metrics every few months (CHANNELS.md: 14 Mar 2024,
15 Jun 2025, 15 Nov 2025, 15 Jun 2026), and **one retired metric fails a whole request** with
(#100). So the metric asked for is read from this map for the configured Graph version and the
day asked about, never written in the importer; a metric Facebook refuses anyway is dropped
by the client (`GraphClient.insights`), recorded as a `MetricStop` ("Facebook stopped reporting
X on <date>"), and the other figures are still imported.

Our figures (`OURS`) are those of DESIGN.md §4 a platform can give:
followers (a level at the end of each day), posts, views (impressions), viewers (distinct
people on that day — not additive across days, pages or platforms) and engagement.
Facebook has no insights metric for a Page's posts: they are counted from its feed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

FOLLOWERS, POSTS, VIEWS, VIEWERS, ENGAGEMENT = (
    "followers",
    "posts",
    "views",
    "viewers",
    "engagement",
)
OURS = (FOLLOWERS, POSTS, VIEWS, VIEWERS, ENGAGEMENT)
LABELS = {
    FOLLOWERS: _("followers"),
    POSTS: _("posts"),
    VIEWS: _("views"),
    VIEWERS: _("viewers"),
    ENGAGEMENT: _("engagement"),
}
# What each platform can report: Zalo gives follower totals and each article's views and
# shares (the OA API's article list), no distinct viewers.
REPORTED = {
    "facebook": frozenset(OURS),
    "zalo": frozenset({FOLLOWERS, POSTS, VIEWS, ENGAGEMENT}),
}


@dataclass(frozen=True)
class GraphMetric:
    """One Graph metric standing for one of ours, valid for the days before `retired`."""

    ours: str
    name: str
    retired: datetime.date | None = None


def _d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


# Page metrics as Facebook documents them for each version (its changelog and deprecation
# notices). A version inherits the map of the one before it unless it says otherwise; the
# retirement dates hold for every version ("deprecated for all versions").
_V19 = (
    GraphMetric(FOLLOWERS, "page_fans", retired=_d("2025-11-15")),
    GraphMetric(VIEWS, "page_impressions", retired=_d("2025-11-15")),
    GraphMetric(VIEWERS, "page_impressions_unique", retired=_d("2025-06-15")),
    GraphMetric(ENGAGEMENT, "page_post_engagements"),
)
_V21 = (
    GraphMetric(FOLLOWERS, "page_follows"),
    GraphMetric(VIEWS, "page_media_view"),
    GraphMetric(VIEWERS, "page_total_media_view_unique"),
    GraphMetric(ENGAGEMENT, "page_post_engagements"),
)
MAP: dict[str, tuple[GraphMetric, ...]] = {
    "v19.0": _V19,
    "v20.0": _V19,
    "v21.0": _V21,
    "v22.0": _V21,
    "v23.0": _V21,
    "v24.0": _V21,
}


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.lstrip("v").split(".") if part.isdigit())


def for_version(version: str) -> tuple[GraphMetric, ...]:
    """The map of `version`: its own, or that of the latest version before it we know."""
    if version in MAP:
        return MAP[version]
    known = sorted((v for v in MAP if _key(v) <= _key(version)), key=_key)
    return MAP[known[-1]] if known else MAP[min(MAP, key=_key)]


def graph_metrics(version: str, on: datetime.date) -> dict[str, str]:
    """Our figure → the Graph metric to ask `version` for in a request made on `on` (metrics
    retired by then left out: a retired metric fails for every day asked about)."""
    return {
        metric.ours: metric.name
        for metric in for_version(version)
        if metric.retired is None or on < metric.retired
    }


def ours_of(version: str, name: str) -> str | None:
    """Which of our figures the Graph metric `name` stands for in `version`."""
    return next((m.ours for m in for_version(version) if m.name == name), None)
