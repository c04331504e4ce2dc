"""Reads of campaigns: who sees which part, compliance roll-ups, and the "from" line on copies."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.http import Http404
from django.utils.translation import gettext as _

from congdong.accounts.queries import EVERYWHERE, AnyUser, Scope, scope, within
from congdong.accounts.roles import Permission
from congdong.campaigns.breakdown import Clock
from congdong.campaigns.models import (
    Campaign,
    CampaignQuerySet,
    CampaignTarget,
    Targeting,
    TargetStatus,
)
from congdong.pages.models import Page, PageQuerySet, PageStatus
from congdong.pages.queries import can_operate, require_page_scope
from congdong.posts.models import Post, PostState
from congdong.posts.queries import _operable, writers_of, wrote
from congdong.units.models import Level, Unit

LEVEL_ORDER = [Level.CENTRAL, Level.PROVINCE, Level.DISTRICT, Level.COMMUNE]
LAGGARDS_SHOWN = 200


def scope_for(campaign: Campaign, viewer: Scope) -> Scope:
    """The part of the campaign's targets a viewer seeing `viewer` sees: all of it
    (EVERYWHERE) when they see the source unit, else their subtrees below it; Http404 when
    neither (a sibling branch: out of scope, so the campaign does not exist for them).

    Outside the source unit's subtree a campaign exists only once launched: a draft (and its
    post, which may not be approved yet) is the upper unit's own work, so it is Http404 below
    (and elsewhere), like any object out of scope; `visible_campaigns` leaves it out too.
    """
    if viewer.covers(campaign.unit):
        return EVERYWHERE
    if campaign.launched_at is None:
        raise Http404
    below = viewer.inside(campaign.unit)
    if not below:
        raise Http404
    return below


def access_campaign(user: AnyUser, campaign_id: int) -> tuple[Campaign, Scope]:
    """The campaign and the part of its targets `user` sees (EVERYWHERE: all of them).

    Staff of the source unit or above see every target; staff of a unit below it (a province
    admin for a central campaign) see the targets in their own subtrees.
    """
    campaign = Campaign.objects.standard().filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404
    return campaign, scope_for(campaign, scope(user, Permission.VIEW_UNIT))


def visible_campaigns(user: AnyUser) -> CampaignQuerySet:
    """Campaigns from the user's units and below them (drafts too), and launched campaigns
    from above them (they reach the user's units; a draft from above is not theirs to see);
    newest first."""
    viewer = scope(user, Permission.VIEW_UNIT)
    campaigns = Campaign.objects.standard()
    if viewer.everywhere:
        return campaigns
    ancestors = [
        top[:i] for top in viewer.paths for i in range(Unit.steplen, len(top), Unit.steplen)
    ]
    # From the user's subtrees, and from above them once launched.
    return campaigns.filter(viewer.q() | Q(unit__path__in=ancestors, launched_at__isnull=False))


def may_launch_text(user: AnyUser, campaign: Campaign) -> bool:
    """Whether `user` wrote none of the source post's current text (four eyes: whoever wrote
    or edited it, the last editor included, does not send it to every page below)."""
    return not wrote(user, writers_of(campaign.source_post))


def pages_for(
    unit: Unit, targeting: str, levels: Iterable[str] = (), units: Iterable[Unit] | None = None
) -> PageQuerySet:
    """The active pages of units strictly below `unit` (the tree holds one structure below a
    root), narrowed to the chosen levels or units: what a launch reaches, and what the form's
    count ("sẽ gửi tới N trang") says before it."""
    pages = Page.objects.filter(
        status=PageStatus.ACTIVE, unit__path__startswith=unit.path, unit__depth__gt=unit.depth
    )
    if targeting == Targeting.LEVELS:
        pages = pages.filter(unit__level__in=list(levels))
    elif targeting == Targeting.UNITS:
        pages = pages.filter(unit__in=units if units is not None else [])
    return pages


def target_pages(campaign: Campaign) -> PageQuerySet:
    """The active pages the campaign reaches (`pages_for` its targets)."""
    return pages_for(
        campaign.unit, campaign.targeting, campaign.target_levels, campaign.target_units.all()
    )


def source_posts(user: AnyUser, limit: int = 100) -> list[Post]:
    """Approved or published posts on pages `user` runs, for a new campaign; newest first."""
    q = _operable(user, "page__")
    if q is None:
        return []
    states = [PostState.APPROVED, PostState.SCHEDULED, PostState.PUBLISHED]
    posts = Post.objects.standard().filter(q, state__in=states).exclude(page__unit__level="commune")
    return list(posts.order_by("-updated_at", "-pk")[:limit])


def access_target_to_reshare(user: AnyUser, target_id: int) -> CampaignTarget:
    """The target, if `user` runs its page (editors of the unit or above, co-admins)."""
    target = (
        CampaignTarget.objects.select_related(
            "campaign",
            "campaign__unit",
            "campaign__source_post",
            "page",
            "page__unit",
            "page__unit__parent",
        )
        .filter(pk=target_id)
        .first()
    )
    if target is None:
        raise Http404
    require_page_scope(user, target.page)
    if not can_operate(user, target.page):
        raise PermissionDenied(
            _("You are not an operator of the page %(page)s.") % {"page": target.page.name}
        )
    return target


def open_tasks(user: AnyUser, limit: int = 50) -> list[CampaignTarget]:
    """Reshare tasks waiting on pages `user` runs, soonest deadline first."""
    q = _operable(user, "page__")
    if q is None:
        return []
    return list(
        CampaignTarget.objects.standard()
        .select_related("campaign", "campaign__source_post", "campaign__unit")
        .filter(q, status__in=[TargetStatus.PENDING, TargetStatus.OVERDUE])
        .order_by("campaign__deadline", "pk")[:limit]
    )


# --- compliance -------------------------------------------------------------------------------


@dataclass
class LevelRow:
    level: str
    label: str
    total: int = 0
    published: int = 0
    pending: int = 0
    overdue: int = 0
    average_delay: datetime.timedelta | None = None

    @property
    def percent_published(self) -> float:
        return round(100 * self.published / self.total, 1) if self.total else 0.0


@dataclass
class Compliance:
    campaign: Campaign
    scope: Scope  # EVERYWHERE: every target
    levels: list[LevelRow] = field(default_factory=list)
    laggards: list[CampaignTarget] = field(default_factory=list)

    @property
    def total(self) -> LevelRow:
        row = LevelRow("", _("All levels"))
        for r in self.levels:
            row.total += r.total
            row.published += r.published
            row.pending += r.pending
            row.overdue += r.overdue
        return row


def compliance(campaign: Campaign, part: Scope, laggards: int = LAGGARDS_SHOWN):
    """Targets by level and status with the average time to publish, and the laggards (not
    done, once the campaign is late or at risk; in tree order). Two queries at most."""
    targets = within(CampaignTarget.objects.filter(campaign=campaign), part)
    delay = ExpressionWrapper(F("published_at") - F("campaign__launched_at"), DurationField())
    grouped = targets.values("level", "status").annotate(
        n=Count("pk"), delay=Avg(delay, filter=Q(status=TargetStatus.PUBLISHED))
    )
    rows = {level: LevelRow(level, Level(level).label) for level in LEVEL_ORDER}
    for item in grouped:
        row = rows[item["level"]]
        row.total += item["n"]
        setattr(row, item["status"], getattr(row, item["status"]) + item["n"])
        if item["status"] == TargetStatus.PUBLISHED:
            row.average_delay = item["delay"]
    # Laggards are pages late or at risk by the campaign's clock, not every page still pending
    # a second after launch.
    clock = Clock.of(campaign)
    late = (
        targets.standard()
        .filter(status__in=[TargetStatus.PENDING, TargetStatus.OVERDUE])
        .order_by("unit__path")[:laggards]
        if clock.late or clock.at_risk
        else []
    )
    return Compliance(
        campaign=campaign,
        scope=part,
        levels=[row for row in rows.values() if row.total],
        laggards=list(late),
    )


# --- "from <upper unit>" on copies --------------------------------------------------------------


@dataclass(frozen=True)
class Origin:
    unit: Unit
    page: Page  # the source post's page
    post_id: int
    published: bool  # the source post is public too: the line links to it


def origins_of(posts: Iterable[Post]) -> dict[int, Origin]:
    """For each post that is a campaign copy, the unit (and page) it came from. One query."""
    ids = [post.pk for post in posts]
    if not ids:
        return {}
    targets = CampaignTarget.objects.filter(copy_id__in=ids).select_related(
        "campaign__unit", "campaign__source_post__page"
    )
    return {
        t.copy_id: Origin(
            t.campaign.unit,
            t.campaign.source_post.page,
            t.campaign.source_post_id,
            t.campaign.source_post.state == PostState.PUBLISHED
            and t.campaign.source_post.page.status == PageStatus.ACTIVE,
        )
        for t in targets
    }
