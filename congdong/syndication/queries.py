"""Reads of syndication, and the access_* helpers its views and actions go through."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.http import Http404

from congdong.accounts.queries import AnyUser, Scope, within
from congdong.accounts.roles import Permission
from congdong.campaigns.models import Campaign, CampaignTarget
from congdong.channels.models import ChannelKind, ChannelLink, LinkQuerySet
from congdong.pages.models import Page
from congdong.pages.queries import access_page, can_operate, sees_page
from congdong.pages.queries import access_page_to_operate as _operate
from congdong.posts.models import Post
from congdong.syndication.models import ChannelDefault, Delivery, DeliveryState
from congdong.units.models import Unit

KINDS = (ChannelKind.FACEBOOK, ChannelKind.ZALO)
PROBLEMS = (DeliveryState.FAILED, DeliveryState.GIVEN_UP, DeliveryState.RETRYING)
ROWS_SHOWN = 100


def sending_links(page: Page) -> LinkQuerySet:
    """The page's current Facebook/Zalo channels with a token: where its posts can go."""
    return (
        ChannelLink.objects.standard()
        .current()
        .filter(page=page, kind__in=KINDS, token__isnull=False)
        .order_by("kind", "pk")
    )


def defaults(links: list[ChannelLink]) -> set[int]:
    """Of `links`, those ticked by default (no ChannelDefault row: ticked)."""
    off = set(
        ChannelDefault.objects.filter(link__in=links, publish=False).values_list(
            "link_id", flat=True
        )
    )
    return {link.pk for link in links if link.pk not in off}


def access_page_to_operate(user: AnyUser, page_id: int) -> Page:
    return _operate(user, page_id)


def access_page_defaults(user: AnyUser, page_id: int) -> Page:
    """The page, if `user` may set it up (MANAGE_PAGE): its channel defaults are settings."""
    return access_page(user, page_id, Permission.MANAGE_PAGE)


def access_delivery(user: AnyUser, delivery_id: int, *, to_write: bool = False) -> Delivery:
    """A delivery of a post on a page `user` sees (Http404 otherwise); `to_write`: they also
    operate that page (PermissionDenied otherwise)."""
    delivery = Delivery.objects.standard().filter(pk=delivery_id).first()
    if delivery is None or not sees_page(user, delivery.post.page):
        raise Http404
    if to_write and not can_operate(user, delivery.post.page):
        from django.core.exceptions import PermissionDenied
        from django.utils.translation import gettext as _

        raise PermissionDenied(
            _("You are not an operator of the page %(page)s.") % {"page": delivery.post.page.name}
        )
    return delivery


def of_post(post: Post) -> list[Delivery]:
    return list(Delivery.objects.standard().filter(post=post).order_by("kind", "pk"))


# ------------------------------------------------------------------ campaign compliance


@dataclass
class TargetChannels:
    target: CampaignTarget
    deliveries: dict[str, Delivery] = field(default_factory=dict)  # kind → delivery

    @property
    def facebook(self) -> Delivery | None:
        return self.deliveries.get(ChannelKind.FACEBOOK)

    @property
    def zalo(self) -> Delivery | None:
        return self.deliveries.get(ChannelKind.ZALO)


@dataclass
class CampaignChannels:
    counts: dict[str, dict[str, int]]  # kind → state → n
    rows: list[TargetChannels]
    more: int  # targets with deliveries not listed

    @property
    def any(self) -> bool:
        return bool(self.counts)

    def count(self, kind: str, state: str) -> int:
        return self.counts.get(kind, {}).get(state, 0)

    @property
    def table(self) -> list[tuple[str, str, list[int]]]:
        """(kind, label, counts in STATES order) per platform with deliveries."""
        labels = dict(ChannelKind.choices)
        return [
            (kind, labels[kind], [self.count(kind, s) for s in DeliveryState.values])
            for kind in KINDS
            if kind in self.counts
        ]


def campaign_channels(
    campaign: Campaign, part: Scope, focus: Unit, state: str = ""
) -> CampaignChannels:
    """How the campaign's copies went out to the external channels of the targets below
    `focus` that the viewer sees: counts per platform and state, and the targets (problems
    first, then by unit), at most ROWS_SHOWN of them. Three queries."""
    rows = within(Delivery.objects.filter(target__campaign=campaign), part, field="target__unit")
    rows = rows.filter(target__unit__path__startswith=focus.path)
    counts: dict[str, dict[str, int]] = {}
    for item in rows.values("kind", "state").annotate(n=Count("pk")).order_by():
        counts.setdefault(item["kind"], {})[item["state"]] = item["n"]
    if not counts:  # no delivery here (a reshare campaign, no channel linked): one query
        return CampaignChannels(counts={}, rows=[], more=0)
    listed = rows.filter(state=state) if state in DeliveryState.values else rows
    problem_targets = list(
        listed.filter(state__in=PROBLEMS)
        .order_by("target__unit__path")
        .values_list("target_id", flat=True)
        .distinct()[:ROWS_SHOWN]
    )
    others: list[int] = []
    if len(problem_targets) < ROWS_SHOWN:
        others = list(
            listed.exclude(target_id__in=problem_targets)
            .order_by("target__unit__path")
            .values_list("target_id", flat=True)
            .distinct()[: ROWS_SHOWN - len(problem_targets)]
        )
    wanted = list(dict.fromkeys(problem_targets + others))
    by_target: dict[int, TargetChannels] = {}
    for delivery in (
        Delivery.objects.filter(target_id__in=wanted)
        .select_related("target", "target__unit", "target__page", "link")
        .order_by("kind")
    ):
        entry = by_target.setdefault(delivery.target_id, TargetChannels(delivery.target))
        entry.deliveries[delivery.kind] = delivery
    total = listed.values("target_id").distinct().count()
    return CampaignChannels(
        counts=counts,
        rows=[by_target[pk] for pk in wanted if pk in by_target],
        more=max(0, total - len(wanted)),
    )
