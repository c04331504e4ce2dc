"""Reads of channels, and the `access_*` helpers for staff acting on them."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from congdong.accounts.queries import AnyUser, nearest_holders, scope, scopes, within
from congdong.accounts.roles import Permission, Role
from congdong.channels import metrics
from congdong.channels.models import (
    BAD_STATES,
    ChannelKind,
    ChannelLink,
    FakeReport,
    LinkQuerySet,
    MetricStop,
    ReportState,
)
from congdong.core.numbers import format_date
from congdong.pages.models import Page
from congdong.pages.queries import sees_page
from congdong.units.models import Unit

EXPIRING_WITHIN = datetime.timedelta(days=7)

# Apps above channels add lines for people to the health view and `congdong channels check`
# here, from their AppConfig.ready() (listening: refused webhook calls); channels imports none.
HEALTH_NOTES: list[Callable[[], list[str]]] = []


def health_notes() -> list[str]:
    return [*metric_stop_notes(), *(line for note in HEALTH_NOTES for line in note())]


def not_reported_now(kind: str) -> frozenset[str]:
    """Our figures (`metrics.OURS`) the platform does not give today: for Facebook those the
    configured Graph version has no live metric for (retired) or refused (a `MetricStop`);
    for Zalo those its API has none for."""
    if kind != ChannelKind.FACEBOOK:
        return frozenset(metrics.OURS) - metrics.REPORTED.get(kind, frozenset())
    version = settings.FACEBOOK_GRAPH_VERSION
    refused = set(
        MetricStop.objects.filter(kind=kind, version=version).values_list("metric", flat=True)
    )
    live = metrics.graph_metrics(version, timezone.localdate())
    given = {ours for ours, name in live.items() if name not in refused}
    return frozenset(metrics.OURS) - given - {metrics.POSTS}  # posts: counted from the feed


def metric_stop_notes() -> list[str]:
    """Facebook stopped reporting X on <date>: each metric a platform refused on import."""
    notes = []
    for stop in MetricStop.objects.filter(kind=ChannelKind.FACEBOOK).order_by("stopped_on", "pk"):
        values = {"metric": stop.metric, "day": format_date(stop.stopped_on)}
        if stop.ours in metrics.LABELS:
            text = _(
                "Facebook stopped reporting “%(figure)s” (%(metric)s) on %(day)s: this figure "
                "is no longer imported, the others still are."
            )
            values["figure"] = str(metrics.LABELS[stop.ours])
        else:
            text = _(
                "Facebook stopped reporting %(metric)s on %(day)s; the other figures are still "
                "imported."
            )
        notes.append(text % values)
    return notes


def access_link(user: AnyUser, link_id: int) -> ChannelLink:
    """A current link whose page is in `user`'s scope; Http404 otherwise (the right to act is
    checked by the action: `access_page` with MANAGE_PAGE)."""
    link = ChannelLink.objects.standard().current().filter(pk=link_id).first()
    if link is None or not sees_page(user, link.page):
        raise Http404
    return link


def access_report(user: AnyUser, report_id: int) -> FakeReport:
    report = FakeReport.objects.select_related("page", "page__unit").filter(pk=report_id).first()
    if report is None or not sees_page(user, report.page):
        raise Http404
    return report


def links_in_scope(user: AnyUser) -> LinkQuerySet:
    """Current links of every page in the subtrees where `user` holds a role (all for a
    superuser)."""
    qs = ChannelLink.objects.standard().current()
    # Every role sees the units of its subtree.
    return within(qs, scope(user, Permission.VIEW_UNIT), "page__unit").order_by(
        "page__unit__path", "kind"
    )


def pages_with_channel(root: Unit, kind: str | None, limit: int = 500) -> list[ChannelLink]:
    """Verified current links of the public pages under `root` (of one kind, or any), for the
    public directory's channel filter."""
    from congdong.pages.models import PageStatus

    qs = (
        ChannelLink.objects.current()
        .verified()
        .in_subtree(root)
        .filter(page__status=PageStatus.ACTIVE)
        .select_related("page", "page__unit")
        .order_by("page__unit__path", "kind", "name")
    )
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs[:limit])


def page_links(page: Page) -> LinkQuerySet:
    return ChannelLink.objects.standard().current().filter(page=page).order_by("kind", "name")


def official_channels(page_id: int) -> list[ChannelLink]:
    """What the public page shows under "Kênh chính thức": verified current links only."""
    return list(
        ChannelLink.objects.current().verified().filter(page_id=page_id).order_by("kind", "name")
    )


def not_ours(page_id: int) -> list[str]:
    """Addresses the page's admins confirmed as fakes pretending to be the page."""
    return list(
        FakeReport.objects.filter(page_id=page_id, state=ReportState.CONFIRMED)
        .order_by("url")
        .values_list("url", flat=True)
        .distinct()
    )


def open_reports(page: Page) -> list[FakeReport]:
    return list(page.fake_reports.filter(state=ReportState.OPEN).order_by("created_at"))


# Who reads what people write to the pages of a subtree through Facebook and Zalo (the
# listening inbox): its editors and its moderators.
INBOX_READERS = (Permission.EDIT_POSTS, Permission.MODERATE)


def reads_unit_inbox(user: AnyUser, unit: Unit) -> bool:
    return any(held.covers(unit) for held in scopes(user, INBOX_READERS).values())


@dataclass(frozen=True)
class Health:
    link: ChannelLink
    status: str  # ok, expiring, expired, permission_lost, no_token, unverified
    manages: bool  # may open the page's channels to connect again (an analyst may not)


def health(user: AnyUser, root: Unit) -> list[Health]:
    """Each current platform link under `root` (in `user`'s scope) with what needs doing."""
    soon = timezone.now() + EXPIRING_WITHIN
    managed = scope(user, Permission.MANAGE_PAGE)
    rows = []
    for link in links_in_scope(user).in_subtree(root).exclude(kind=ChannelKind.WEBSITE):
        token = getattr(link, "token", None)
        if token is None:
            status = "no_token"
        elif token.state in BAD_STATES:
            status = token.state
        elif (token.refresh_expires_at and token.refresh_expires_at < soon) or (
            not token.refresh_token and token.expires_at and token.expires_at < soon
        ):
            status = "expiring"
        elif not link.verified:
            status = "unverified"
        else:
            status = "ok"
        rows.append(Health(link, status, managed.covers(link.page.unit)))
    return rows


def coverage(day: datetime.date, structure_code: str | None = None) -> dict[str, dict[str, int]]:
    """Per level: units with a channel of each kind linked on `day` (and an own page, for
    comparison). {level: {"units": n, "page": n, "facebook": n, "zalo": n, "website": n}}."""
    from congdong.pages.models import PageStatus

    units = Unit.objects.all()
    if structure_code:
        units = units.filter(structure__code=structure_code)
    out: dict[str, dict[str, int]] = {}
    # order_by(): the units' default ordering (path) would make DISTINCT one row per unit.
    for level in units.order_by().values_list("level", flat=True).distinct():
        out[level] = {"units": units.filter(level=level).count(), "page": 0}
        out[level]["page"] = (
            Page.objects.filter(unit__in=units.filter(level=level))
            .exclude(status=PageStatus.NOT_ESTABLISHED)
            .count()
        )
        for kind in ChannelKind:
            out[level][kind.value] = (
                ChannelLink.objects.on(day)
                .filter(kind=kind, page__unit__in=units.filter(level=level))
                .values("page__unit")
                .distinct()
                .count()
            )
    return out


def admins_of(unit: Unit) -> list[int]:
    """Ids of the unit admins of the nearest unit, `unit` itself or above it, that has any:
    they are told of channel trouble (not every admin up to the central level)."""
    return nearest_holders(unit, [Role.UNIT_ADMIN])[1]
