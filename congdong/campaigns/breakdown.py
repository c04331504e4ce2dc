"""How the units below follow a campaign: one row per child unit of a focus unit (the provinces
for a central campaign, the communes for a province's), with targets, done, pending, late, at
risk, % done and the median and 90th percentile of the time to publish; drill down to a child.

Three queries whatever the number of units: the counts grouped by branch, the publish times of
the done targets (percentiles are read from them in Python: SQLite has no percentile), and the
child units themselves; plus one for the breadcrumbs and one for a focus given by id.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from congdong.accounts.queries import Scope, within
from congdong.campaigns.models import Campaign, CampaignTarget, TargetStatus
from congdong.core.numbers import format_percent
from congdong.units.models import Unit

# ?sap-xep=<key> (or -<key>, descending) on the page and `sort` in the API.
SORT_KEYS = ("unit", "targets", "done", "pending", "late", "at_risk", "percent", "median", "p90")


@dataclass(frozen=True)
class Clock:
    """Where the campaign stands in its time: late (deadline passed) or at risk (less than
    `share` of the time from launch to deadline left). Every target shares the deadline, so
    a page not done yet is late, at risk, or neither, by the campaign's clock."""

    at_risk_from: datetime.datetime | None
    deadline: datetime.datetime | None
    now: datetime.datetime
    share: float

    @classmethod
    def of(cls, campaign: Campaign, now: datetime.datetime | None = None) -> Clock:
        share = settings.CAMPAIGN_AT_RISK_SHARE
        deadline, launched = campaign.deadline, campaign.launched_at
        at_risk_from = None
        if deadline is not None and launched is not None:
            at_risk_from = deadline - (deadline - launched) * share
        return cls(at_risk_from, deadline, now or timezone.now(), share)

    @property
    def late(self) -> bool:
        return self.deadline is not None and self.now > self.deadline

    @property
    def at_risk(self) -> bool:
        return not self.late and self.at_risk_from is not None and self.now >= self.at_risk_from


def percentile(sorted_values: list[datetime.timedelta], p: float) -> datetime.timedelta | None:
    """Nearest-rank percentile (p in 0..100) of ascending values; None for none."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass
class UnitRow:
    unit: Unit
    own_page: bool = False  # the focus unit's own page, not a branch below it
    targets: int = 0
    done: int = 0
    late: int = 0
    at_risk: int = 0
    median: datetime.timedelta | None = None
    p90: datetime.timedelta | None = None

    @property
    def pending(self) -> int:
        return self.targets - self.done

    @property
    def percent(self) -> float:
        return round(100 * self.done / self.targets, 1) if self.targets else 0.0

    @property
    def drillable(self) -> bool:
        return not self.own_page and not self.unit.is_leaf()


@dataclass
class Breakdown:
    campaign: Campaign
    focus: Unit
    trail: list[Unit]  # from the campaign's unit down to the focus, for breadcrumbs
    clock: Clock
    sort: str
    rows: list[UnitRow] = field(default_factory=list)
    total: UnitRow | None = None


def focus_of(campaign: Campaign, part: Scope, unit_id: int | None) -> Unit:
    """The unit whose children are the rows: the campaign's unit by default; a unit below it
    that the viewer sees (in `part`, or above a part of it), else Http404."""
    if unit_id is None:
        return campaign.unit
    unit = Unit.objects.filter(
        pk=unit_id, path__startswith=campaign.unit.path, depth__gte=campaign.unit.depth
    ).first()
    if unit is None:
        raise Http404
    if not part.meets(unit):
        raise Http404
    return unit


def _sorted(rows: list[UnitRow], sort: str) -> tuple[list[UnitRow], str]:
    key = sort.removeprefix("-")
    if key not in SORT_KEYS:
        key, sort = "unit", "unit"
    descending = sort.startswith("-")
    if key == "unit":
        return sorted(rows, key=lambda r: r.unit.path, reverse=descending), sort
    present = [r for r in rows if getattr(r, key) is not None]
    absent = [r for r in rows if getattr(r, key) is None]  # no time yet: always last
    present.sort(key=lambda r: (getattr(r, key), r.unit.path), reverse=descending)
    return present + sorted(absent, key=lambda r: r.unit.path), sort


def breakdown(
    campaign: Campaign,
    part: Scope,
    focus: Unit,
    sort: str = "unit",
    now: datetime.datetime | None = None,
) -> Breakdown:
    """One row per child of `focus` holding targets the viewer sees (and one for the focus
    unit's own page when it is a target), and the total."""
    clock = Clock.of(campaign, now)
    steps = [focus.path[: i * Unit.steplen] for i in range(campaign.unit.depth, focus.depth + 1)]
    trail = list(Unit.objects.filter(path__in=steps).order_by("depth"))
    targets = within(
        CampaignTarget.objects.filter(campaign=campaign).in_subtree(focus), part
    ).annotate(branch=Substr("unit__path", 1, (focus.depth + 1) * Unit.steplen))
    done = Q(status=TargetStatus.PUBLISHED)
    counts = {
        item["branch"]: item
        for item in targets.values("branch").annotate(n=Count("pk"), done=Count("pk", filter=done))
    }
    delays: dict[str, list[datetime.timedelta]] = {}
    if campaign.launched_at is not None:
        published = targets.filter(done, published_at__isnull=False)
        for branch, at in published.values_list("branch", "published_at"):
            delay = max(at - campaign.launched_at, datetime.timedelta())
            delays.setdefault(branch, []).append(delay)
    units = {u.path: u for u in Unit.objects.filter(path__in=list(counts))}
    rows = []
    total = UnitRow(focus)
    every: list[datetime.timedelta] = []
    for branch, item in counts.items():
        times = sorted(delays.get(branch, []))
        row = UnitRow(
            units[branch],
            own_page=branch == focus.path,
            targets=item["n"],
            done=item["done"],
            median=percentile(times, 50),
            p90=percentile(times, 90),
        )
        row.late = row.pending if clock.late else 0
        row.at_risk = row.pending if clock.at_risk else 0
        rows.append(row)
        every += times
        total.targets += row.targets
        total.done += row.done
        total.late += row.late
        total.at_risk += row.at_risk
    every.sort()
    total.median, total.p90 = percentile(every, 50), percentile(every, 90)
    rows, sort = _sorted(rows, sort)
    return Breakdown(campaign, focus, trail, clock, sort, rows, total)


def definitions(clock: Clock) -> list[tuple[str, str, str]]:
    """(term, meaning, key) for each figure: shown under the table and given by the API."""
    share = format_percent(clock.share * 100, places=0)
    return [
        (_("Done"), _("The page has published the post (its own copy)."), "done"),
        (
            _("Late"),
            _("Not done and the campaign's deadline has passed."),
            "late",
        ),
        (
            _("At risk"),
            _("Not done and less than %(share)s of the time from launch to deadline is left.")
            % {"share": share},
            "at_risk",
        ),
        (
            _("Time to publish"),
            _(
                "From the launch to the page's publication, over the pages done: the median "
                "(half were faster) and the 90th percentile (nine in ten were faster)."
            ),
            "time",
        ),
    ]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    link_sort: str  # the ?sap-xep= value its header link asks for
    aria_sort: str  # "ascending", "descending" or "none", for screen readers


def columns(sort: str) -> list[Column]:
    """The table's headers: a link on each sorts by it, a second click reverses the order."""
    labels = {
        "unit": _("Unit"),
        "targets": _("Target pages"),
        "done": _("Done"),
        "pending": _("Pending"),
        "late": _("Late"),
        "at_risk": _("At risk"),
        "percent": _("% done"),
        "median": _("Median time to publish"),
        "p90": _("90th percentile"),
    }
    current, descending = sort.removeprefix("-"), sort.startswith("-")
    found = []
    for key in SORT_KEYS:
        if key == current:
            link, aria = (key, "descending") if descending else (f"-{key}", "ascending")
        else:
            link, aria = key, "none"
        found.append(Column(key, labels[key], link, aria))
    return found
