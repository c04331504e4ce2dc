"""Writes to campaigns: create, launch (the fan-out to every target page), close, reshare, and the
worker's overdue sweep. check_* validates and authorises and changes nothing; do_* writes."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congdong import events
from congdong.accounts.models import User
from congdong.accounts.queries import AnyUser, access_unit, require_permission
from congdong.accounts.roles import Permission
from congdong.campaigns.models import (
    CAMPAIGN_STATES,
    TARGET_STATES,
    Campaign,
    CampaignMode,
    CampaignStatus,
    CampaignTarget,
    Targeting,
    TargetStatus,
)
from congdong.campaigns.queries import (
    access_campaign,
    access_target_to_reshare,
    may_launch_text,
    pages_for,
    target_pages,
)
from congdong.core import public_cache
from congdong.core.errors import ActionError, Refusals
from congdong.core.workflow import move as workflow
from congdong.core.workflow.move import record_start
from congdong.core.workflow.sweep import sweep
from congdong.events import EventKind
from congdong.pages.models import PageQuerySet, PageStatus
from congdong.posts import actions as post_actions
from congdong.posts.models import Post, PostState
from congdong.posts.queries import access_post_to_write
from congdong.units.models import Level, Unit

BATCH = 2000  # rows per INSERT: well under SQLite's 32,766 variables, and bounded memory
SOURCE_STATES = frozenset({PostState.APPROVED, PostState.SCHEDULED, PostState.PUBLISHED})
LAUNCHABLE_STATES = SOURCE_STATES
# Past this many pages one global bump is cheaper than a version bump per page.
BUMP_ALL_OVER = 1000
C = CampaignStatus
T = TargetStatus


@dataclass(frozen=True)
class NewCampaign:
    post: Post
    mode: CampaignMode
    targeting: Targeting
    levels: list[str]
    units: list[Unit]
    deadline: datetime.datetime | None


@dataclass(frozen=True)
class Targets:
    unit: Unit  # the source page's unit: targets lie strictly below it
    targeting: Targeting
    levels: list[str]
    units: list[Unit]

    def pages(self) -> PageQuerySet:
        """The pages a launch would reach today (the same query as the launch)."""
        return pages_for(self.unit, self.targeting, self.levels, self.units)


def check_targets(
    actor: AnyUser,
    post_id: int,
    targeting: str = Targeting.ALL_BELOW,
    levels: Iterable[str] = (),
    unit_ids: Iterable[int] = (),
) -> tuple[Post, Targets]:
    """`actor` writes posts on the source page's unit (EDIT_POSTS) and the targets lie below
    it; changes nothing (the form's count asks it too)."""
    post = access_post_to_write(actor, post_id)
    unit = access_unit(actor, post.page.unit_id, Permission.EDIT_POSTS)
    if targeting not in Targeting.values:
        raise ActionError(_("Choose which pages below are targeted."), field="targeting")
    if unit.level == Level.COMMUNE:
        raise ActionError(_("A commune has no units below it to send posts to."), field="post")
    levels = sorted(set(levels))
    units: list[Unit] = []
    if targeting == Targeting.LEVELS:
        depth_of = {Level.PROVINCE: 2, Level.DISTRICT: 3, Level.COMMUNE: 4}
        if not levels or any(lvl not in depth_of for lvl in levels):
            raise ActionError(_("Choose at least one level below."), field="levels")
        if any(depth_of[lvl] <= unit.depth for lvl in levels):
            raise ActionError(
                _("Only levels below %(unit)s can be targeted.") % {"unit": unit.full_name},
                field="levels",
            )
    elif targeting == Targeting.UNITS:
        units = list(Unit.objects.filter(pk__in=list(unit_ids)).order_by("path"))
        if not units:
            raise ActionError(_("Choose at least one unit below."), field="units")
        for target in units:
            if not (target.path.startswith(unit.path) and target.depth > unit.depth):
                raise ActionError(
                    _("%(target)s is not below %(unit)s.")
                    % {"target": target.full_name, "unit": unit.full_name},
                    field="units",
                )
    return post, Targets(unit, Targeting(targeting), levels, units)


def check_create(
    actor: AnyUser,
    post_id: int,
    mode: str,
    targeting: str = Targeting.ALL_BELOW,
    levels: Iterable[str] = (),
    unit_ids: Iterable[int] = (),
    deadline: datetime.datetime | None = None,
) -> NewCampaign:
    """`actor` writes posts on the source page's unit (EDIT_POSTS) and the targets lie below it.

    Every field's problem is told at once."""
    post = access_post_to_write(actor, post_id)
    refusals = Refusals()
    with refusals:
        targets = check_targets(actor, post_id, targeting, levels, unit_ids)[1]
    with refusals:
        if post.state not in SOURCE_STATES | {PostState.DRAFT, PostState.SUBMITTED}:
            raise ActionError(
                _("A post that is %(state)s cannot be sent down the tree.")
                % {"state": PostState(post.state).label},
                field="post",
            )
    with refusals:
        if mode not in CampaignMode.values:
            raise ActionError(_("Choose how the post goes down: publish or reshare."), field="mode")
    with refusals:
        _check_deadline(mode, deadline)
    refusals.raise_any()
    return NewCampaign(
        post, CampaignMode(mode), targets.targeting, targets.levels, targets.units, deadline
    )


def _check_deadline(mode: str, deadline: datetime.datetime | None) -> None:
    if mode == CampaignMode.RESHARE_TASK and deadline is None:
        raise ActionError(_("Give the deadline for resharing."), field="deadline")
    if deadline is not None:
        if timezone.is_naive(deadline):
            raise ActionError(_("Give the deadline with its time zone."), field="deadline")
        if deadline <= timezone.now():
            raise ActionError(_("The deadline must be in the future."), field="deadline")


def do_create(actor: User, new: NewCampaign) -> Campaign:
    now = timezone.now()
    with transaction.atomic():
        campaign = Campaign.objects.create(
            source_post=new.post,
            unit=new.post.page.unit,
            mode=new.mode,
            targeting=new.targeting,
            target_levels=new.levels,
            deadline=new.deadline,
            created_by=actor,
        )
        if new.units:
            campaign.target_units.set(new.units)
        record_start(campaign, by=actor, at=now)
    return campaign


def create(actor: AnyUser, post_id: int, mode: str, **targets) -> Campaign:
    """A draft campaign taking the post (on a page of `actor`'s unit) to the pages below."""
    return do_create(actor, check_create(actor, post_id, mode, **targets))


def _campaign(actor: AnyUser, campaign_id: int) -> Campaign:
    """The campaign, if `actor` sees it (`access_campaign`: a draft from above is Http404)."""
    return access_campaign(actor, campaign_id)[0]


def _check_move(campaign: Campaign, to: CampaignStatus) -> None:
    if not CAMPAIGN_STATES.allowed_for_person(campaign.status, to):
        raise ActionError(
            _("A campaign that is %(current)s cannot become %(target)s.")
            % {"current": CampaignStatus(campaign.status).label, "target": to.label},
            field="status",
        )


def check_launch(actor: AnyUser, campaign_id: int) -> Campaign:
    """`actor` approves posts on the source unit and wrote none of the source text (four eyes:
    launching approves the text for every page below), the post is approved and the campaign
    a draft."""
    campaign = _campaign(actor, campaign_id)
    # They see the campaign (a launched one reaches them): a missing right is a 403.
    require_permission(actor, campaign.unit, Permission.APPROVE_POSTS)
    if not may_launch_text(actor, campaign):
        raise PermissionDenied(
            _(
                "You wrote or edited the text of this campaign's post, so you cannot launch "
                "it: another approver of %(unit)s must launch it."
            )
            % {"unit": campaign.unit.full_name}
        )
    _check_move(campaign, C.LAUNCHED)
    if campaign.source_post.state not in LAUNCHABLE_STATES:
        raise ActionError(
            _("The post must be approved before it goes down the tree; it is %(state)s.")
            % {"state": PostState(campaign.source_post.state).label}
        )
    if campaign.deadline is not None and campaign.deadline <= timezone.now():
        raise ActionError(_("The deadline has passed; set a new one."), field="deadline")
    return campaign


def _batches(items: Iterable, size: int = BATCH) -> Iterator[list]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def do_launch(actor: User, campaign: Campaign, now: datetime.datetime | None = None) -> int:
    """Fan out to every active target page, in bulk; returns how many pages it reached.

    Mode publish: per page, a published copy of the post (author: the launcher) with its
    transition, and a target row marked published. Mode reshare task: a pending target row per
    page, done when the page's operators reshare. All or nothing, in one transaction.
    """
    now = now or timezone.now()
    source = campaign.source_post
    publish = campaign.mode == CampaignMode.PUBLISH
    reason = _("Published down the tree from %(unit)s") % {"unit": campaign.unit.full_name}
    reached = 0
    shown: list[int] = []  # pages with a new published copy
    with transaction.atomic():
        # Conditional update: two approvers launching at once cannot both fan out.
        workflow.move(
            campaign,
            C.LAUNCHED,
            by=actor,
            at=now,
            expected_from=C.DRAFT,
            changes={"launched_by": actor, "launched_at": now},
            changed=_("The campaign changed meanwhile; reload and try again."),
        )
        pages = target_pages(campaign).values_list("pk", "unit_id", "unit__level")
        for chunk in _batches(pages.order_by("unit__path").iterator(chunk_size=BATCH)):
            copies: list[Post | None] = [None] * len(chunk)
            if publish:
                copies = post_actions.do_publish_copies(
                    source,
                    [page_id for page_id, _unit, _level in chunk],
                    actor=actor,
                    reason=reason,
                    at=now,
                )
                if len(shown) <= BUMP_ALL_OVER:
                    shown += [page_id for page_id, _unit, _level in chunk]
                _count_copies(actor, [(copy.page_id, copy.pk) for copy in copies], now)
            CampaignTarget.objects.bulk_create(
                CampaignTarget(
                    campaign_id=campaign.pk,
                    page_id=page_id,
                    unit_id=unit_id,
                    level=level,
                    status=T.PUBLISHED if publish else T.PENDING,
                    copy_id=copy.pk if copy else None,
                    published_at=now if publish else None,
                    completed_by=actor if publish else None,
                )
                for (page_id, unit_id, level), copy in zip(chunk, copies, strict=True)
            )
            reached += len(chunk)
        if not reached:
            raise ActionError(_("No open page below matches the targets; nothing was sent."))
        if len(shown) > BUMP_ALL_OVER:
            public_cache.all_changed()
        elif shown:
            public_cache.pages_changed(shown)
    campaign.status, campaign.launched_by, campaign.launched_at = C.LAUNCHED, actor, now
    return reached


def _count_copies(actor: User, copies: list[tuple[int, int]], at: datetime.datetime) -> None:
    """Each copy is one of its page's posts in the insights figures, as its public page lists
    it (PUBLISH events, one submit per chunk), once the launch is committed."""
    transaction.on_commit(
        lambda: events.record_many(None, EventKind.PUBLISH, copies, user_id=actor.pk, at=at)
    )


def launch(actor: AnyUser, campaign_id: int) -> tuple[Campaign, int]:
    """Launch the campaign; returns it and the number of pages reached."""
    campaign = check_launch(actor, campaign_id)
    return campaign, do_launch(actor, campaign)


def check_close(actor: AnyUser, campaign_id: int) -> Campaign:
    campaign = _campaign(actor, campaign_id)
    require_permission(actor, campaign.unit, Permission.EDIT_POSTS)
    _check_move(campaign, C.CLOSED)
    return campaign


def do_close(actor: User, campaign: Campaign) -> Campaign:
    now = timezone.now()
    workflow.move(
        campaign,
        C.CLOSED,
        by=actor,
        at=now,
        changed=_("The campaign changed meanwhile; reload and try again."),
    )
    return campaign


def close(actor: AnyUser, campaign_id: int) -> Campaign:
    """No more reshares are asked for; the compliance figures stay as they are."""
    return do_close(actor, check_close(actor, campaign_id))


# --- reshare tasks ----------------------------------------------------------------------------


def check_reshare(actor: AnyUser, target_id: int) -> CampaignTarget:
    """`actor` runs the target page, the task is open, and the page can publish."""
    target = access_target_to_reshare(actor, target_id)
    campaign = target.campaign
    if campaign.mode != CampaignMode.RESHARE_TASK or campaign.status != C.LAUNCHED:
        raise ActionError(_("This campaign asks for no resharing now."))
    if not TARGET_STATES.allowed_for_person(target.status, T.PUBLISHED):
        raise ActionError(_("This page has already reshared the post."))
    if target.page.status != PageStatus.ACTIVE:
        raise ActionError(
            _("The page %(page)s is not open; posts cannot be published on it.")
            % {"page": target.page.name}
        )
    return target


def do_reshare(actor: User, target: CampaignTarget) -> CampaignTarget:
    """The page's own published copy of the post, and the task marked done."""
    now = timezone.now()
    source = target.campaign.source_post
    with transaction.atomic():
        # Conditional update first: two operators clicking at once make one copy, not two.
        claimed = CampaignTarget.objects.filter(pk=target.pk, status=target.status).update(
            status=T.PUBLISHED, published_at=now, completed_by=actor
        )
        if not claimed:
            raise ActionError(_("This page has already reshared the post."))
        [copy] = post_actions.do_publish_copies(
            source,
            [target.page_id],
            actor=actor,
            reason=_("Reshared from %(unit)s") % {"unit": target.campaign.unit.full_name},
            at=now,
        )
        CampaignTarget.objects.filter(pk=target.pk).update(copy=copy)
        public_cache.page_changed(target.page_id)
        transaction.on_commit(
            lambda: events.record(
                None,
                EventKind.RESHARE,
                page_id=target.page_id,
                post_id=copy.pk,
                user_id=actor.pk,
                at=now,
            )
        )
    target.status, target.published_at, target.completed_by, target.copy = (
        T.PUBLISHED,
        now,
        actor,
        copy,
    )
    return target


def reshare(actor: AnyUser, target_id: int) -> CampaignTarget:
    return do_reshare(actor, check_reshare(actor, target_id))


# --- the worker -------------------------------------------------------------------------------


def mark_overdue(now: datetime.datetime | None = None) -> int:
    """Mark pending targets of launched campaigns whose deadline has passed overdue; returns
    how many: the campaign targets' part of the one overdue sweep (each claimed by a
    conditional UPDATE: safe to run from several workers and again after a crash)."""
    from congdong.campaigns.overdue import OVERDUE

    return sweep(OVERDUE, now)
