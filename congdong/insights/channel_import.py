"""Importing the figures of linked Facebook Pages and Zalo OAs (issue 18, part 4).

`import_link` reads a channel's days from the platform, at most 90 days a call, and stores
each chunk with its cursor (`FigureImport.last_day`) in one transaction: a run stopped by a
rate limit, an expired token or a killed worker goes on from the day after the cursor.
Facebook's metrics come from the versioned map (`channels.metrics`); a metric Facebook refuses
with (#100) is dropped, recorded once as a `MetricStop`, and the other figures are imported.
Calls are paced like publishing: the platform's usage headers and rate-limit answers pause it
for every worker (`syndication.pacing`).

The worker's `import_due` imports every working link up to yesterday (today is not over);
`congdong channels import --since DATE` does the same for a chosen range, with progress.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from congdong.channels import actions as channel_actions
from congdong.channels import metrics
from congdong.channels.actions import mark_token_bad, refresh_zalo
from congdong.channels.clients import ChannelError, facebook, zalo
from congdong.channels.figures import Progress, yesterday
from congdong.channels.models import (
    BAD_STATES,
    ChannelKind,
    ChannelLink,
    FigureImport,
    MetricStop,
    TokenState,
)
from congdong.insights.imported import Day, store_days
from congdong.insights.models import ImportedDay, Source
from congdong.syndication import pacing

DAY = datetime.timedelta(days=1)
CHUNK_DAYS = facebook.INSIGHTS_MAX_DAYS
CLAIM_STALE = datetime.timedelta(hours=1)
ZALO_MAX_ARTICLE_CALLS = 100  # 1,000 articles, newest first
SOURCE_OF = {ChannelKind.FACEBOOK: Source.FACEBOOK, ChannelKind.ZALO: Source.ZALO}


class Paused(ChannelError):
    """The platform is paused for every worker (its rate limit): nothing was asked."""

    retryable = True


@dataclass
class Outcome:
    """What one link's import did: days stored, up to which day, what stopped it."""

    link_id: int
    days: int = 0
    last_day: datetime.date | None = None
    stopped: list[str] = field(default_factory=list)  # Graph metrics Facebook refused
    error: str = ""  # in words, for people
    # What stopped it: "paused", "rate_limited", "token", "permission", "failed" ("" if none).
    reason: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


@dataclass(frozen=True)
class _Run:
    """What one link's import reads from and reports to, chunk after chunk."""

    link: ChannelLink
    token: str
    outcome: Outcome
    progress: Progress | None


def import_link(
    link_id: int,
    *,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    progress: Progress | None = None,
) -> Outcome:
    """Import the link's days from `since` (default: the day after its cursor, or
    CHANNEL_BACKFILL_DAYS back for a new link) to `until` (default yesterday), skipping the
    days already imported."""
    link = ChannelLink.objects.standard().get(pk=link_id)
    state = channel_actions.figure_import(link.pk)
    until = min(until or yesterday(), yesterday())
    if since is None:
        since = (
            state.last_day + DAY
            if state.last_day
            else until - datetime.timedelta(days=settings.CHANNEL_BACKFILL_DAYS - 1)
        )
    outcome = Outcome(link.pk, last_day=state.last_day)
    token = getattr(link, "token", None)
    if token is None or token.state in BAD_STATES:
        outcome.error = _("The channel's access token does not work: connect it again.")
        outcome.reason = "token"
        return outcome
    ranges = _missing(state, since, until)
    if link.kind == ChannelKind.ZALO:
        # Zalo has no history to read back: one reading now, for the days not yet imported.
        ranges = ranges[-1:] if ranges and ranges[-1][1] == until else []
    run = _Run(link, token.access_token, outcome, progress)
    try:
        for start, end in ranges:
            if link.kind == ChannelKind.FACEBOOK:
                _facebook(run, start, end)
            elif link.kind == ChannelKind.ZALO:
                _zalo(run, start, end)
    except ChannelError as error:
        outcome.reason, outcome.error = _refused(link, token.pk, error)
    channel_actions.record_figure_run(state, outcome.error)
    return outcome


def _missing(
    state: FigureImport, since: datetime.date, until: datetime.date
) -> list[tuple[datetime.date, datetime.date]]:
    """The parts of [since, until] outside the imported [first_day, last_day], in order."""
    if since > until:
        return []
    if state.first_day is None or state.last_day is None:
        return [(since, until)]
    parts = []
    if since < state.first_day:
        parts.append((since, min(until, state.first_day - DAY)))
    if until > state.last_day:
        parts.append((max(since, state.last_day + DAY), until))
    return parts


def _chunks(start: datetime.date, end: datetime.date):
    while start <= end:
        last = min(end, start + datetime.timedelta(days=CHUNK_DAYS - 1))
        yield start, last
        start = last + DAY


def _wait_for_pace(kind: str) -> None:
    if not pacing.open_kinds([kind]):
        until = pacing.paused_until(kind)
        raise Paused(
            _("The platform asked us to slow down until %(time)s.")
            % {"time": timezone.localtime(until).strftime("%H:%M:%S") if until else "?"}
        )


def _facebook(run: _Run, start: datetime.date, end: datetime.date) -> None:
    link, token = run.link, run.token
    version = settings.FACEBOOK_GRAPH_VERSION
    today = timezone.localdate()
    refused = set(
        MetricStop.objects.filter(kind=ChannelKind.FACEBOOK, version=version).values_list(
            "metric", flat=True
        )
    )
    wanted = {
        ours: name
        for ours, name in metrics.graph_metrics(version, today).items()
        if name not in refused
    }
    with facebook.GraphClient.from_settings() as client:
        for first, last in _chunks(start, end):
            _wait_for_pace(ChannelKind.FACEBOOK)
            days: dict[datetime.date, Day] = defaultdict(Day)
            if wanted:
                result = client.insights(
                    link.external_id, token, metrics=list(wanted.values()), since=first, until=last
                )
                pacing.after_answer(ChannelKind.FACEBOOK, client.last_usage)
                for name, message in result.dropped.items():
                    _stopped(ChannelKind.FACEBOOK, name, version, today, message)
                    run.outcome.stopped.append(name)
                    wanted = {o: n for o, n in wanted.items() if n != name}
                for ours, name in wanted.items():
                    for day, value in result.values.get(name, {}).items():
                        if first <= day <= last:
                            setattr(days[day], ours, _int(value))
            posts = client.posts_between(
                link.external_id, token, since=_midnight(first), until=_midnight(last + DAY)
            )
            pacing.after_answer(ChannelKind.FACEBOOK, client.last_usage)
            counted: dict[datetime.date, int] = defaultdict(int)
            for post in posts:
                counted[_local_day(post.get("created_time"))] += 1
            for day in _dates(first, last):
                days[day].posts = counted.get(day, 0)
            _store(run, first, last, dict(days))
    pacing.after_success(ChannelKind.FACEBOOK)


def _zalo(run: _Run, start: datetime.date, end: datetime.date) -> None:
    """Zalo gives no daily history: the follower total now (the end of `end`), and each
    article's view and share totals. An article seen the first time is a post of the day it
    was made, with its totals so far on that day; later, the growth of its totals is the
    figure of the day imported (`end`)."""
    link, token = run.link, run.token
    _wait_for_pace(ChannelKind.ZALO)
    with zalo.ZaloClient.from_settings() as client:
        total, _ids = client.followers(token, count=1)
        articles: list[dict] = []
        for call in range(ZALO_MAX_ARTICLE_CALLS):
            count, rows = client.articles(token, offset=call * zalo.ARTICLES_MAX_LIMIT)
            articles += rows
            if not rows or len(articles) >= count:
                break
    state = FigureImport.objects.get(link=link)
    seen = dict(state.seen or {})
    added: dict[datetime.date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for article in articles:
        key = str(article.get("id") or "")
        views, shares = _int(article.get("total_view")) or 0, _int(article.get("total_share")) or 0
        if not key:
            continue
        if key in seen:
            before_views, before_shares = seen[key]
            day = end
        else:
            before_views = before_shares = 0
            day = _ms_day(article.get("create_date")) or end
            added[day]["posts"] += 1
        added[day]["views"] += views - before_views
        added[day]["engagement"] += shares - before_shares
        seen[key] = [views, shares]
    stored = {row.day: row for row in ImportedDay.objects.filter(link=link, day__in=[*added, end])}
    days: dict[datetime.date, Day] = {}
    for day in {*added, end}:
        row = stored.get(day)
        growth = added.get(day, {})
        days[day] = Day(
            posts=(row.posts if row else 0) + growth.get("posts", 0),
            views=(row.views if row else 0) + growth.get("views", 0),
            engagement=(row.engagement if row else 0) + growth.get("engagement", 0),
        )
    days[end].followers = total
    _store(run, start, end, days, seen=seen)
    pacing.after_success(ChannelKind.ZALO)


def _store(
    run: _Run,
    first: datetime.date,
    last: datetime.date,
    days: dict[datetime.date, Day],
    seen: dict | None = None,
) -> None:
    """Store one chunk and move the cursor over it, in one transaction."""
    link, outcome = run.link, run.outcome
    with transaction.atomic():
        stored = store_days(link.pk, link.page_id, SOURCE_OF[link.kind], days)
        state = channel_actions.advance_figure_import(link.pk, first, last, seen)
    outcome.days += stored
    outcome.last_day = state.last_day
    if run.progress is not None:
        run.progress(link, first, last, stored)


def _stopped(kind: str, name: str, version: str, on: datetime.date, message: str) -> None:
    channel_actions.record_metric_stop(
        kind, name, version, ours=metrics.ours_of(version, name) or "", on=on, message=message
    )


def _refused(link: ChannelLink, token_id: int, error: ChannelError) -> tuple[str, str]:
    """Record what the platform's refusal means; (reason, what it means in words). The
    cursor stays where the last stored chunk put it."""
    detail = f"{type(error).__name__}: {error.message}"[:300]
    if isinstance(error, Paused):
        return "paused", error.message
    if isinstance(error, facebook.TokenExpired | zalo.InvalidToken):
        if link.kind == ChannelKind.ZALO and refresh_zalo(token_id):
            return "token", _(
                "Zalo's access token was renewed: the import goes on at the next run."
            )
        mark_token_bad(token_id, TokenState.EXPIRED, detail, [])
        return "token", _("The platform refused the channel's access token: connect it again.")
    if isinstance(error, facebook.PermissionMissing | zalo.PermissionMissing):
        permission = getattr(error, "permission", None) or ""
        mark_token_bad(token_id, TokenState.PERMISSION_LOST, detail, [permission])
        return "permission", _(
            "A permission to read figures is missing: connect the channel again."
        )
    if isinstance(error, facebook.RateLimited | zalo.RateLimited):
        until = pacing.rate_limited(link.kind, error.retry_after)
        text = _("The platform's rate limit was reached; the import goes on after %(time)s.")
        return "rate_limited", text % {"time": timezone.localtime(until).strftime("%H:%M:%S")}
    text = _("The platform did not answer as expected (%(detail)s); the import goes on later.")
    return "failed", text % {"detail": detail}


def import_due(limit: int = 200) -> int:
    """The worker's daily import: each working Facebook or Zalo link not imported up to
    yesterday, claimed on its row so two workers never import one link at once."""
    end = yesterday()
    now = timezone.now()
    links = (
        ChannelLink.objects.current()
        .filter(kind__in=list(SOURCE_OF), token__state=TokenState.VALID)
        .filter(
            Q(figures__isnull=True)
            | Q(figures__last_day__isnull=True)
            | Q(figures__last_day__lt=end)
        )
        .exclude(figures__running_since__gt=now - CLAIM_STALE)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    done = 0
    for link_id in list(links):
        if not pacing.open_kinds([ChannelKind.FACEBOOK, ChannelKind.ZALO]):
            break
        state = channel_actions.figure_import(link_id)
        if not channel_actions.claim_figure_import(state, now, CLAIM_STALE):
            continue
        try:
            outcome = import_link(link_id)
        finally:
            channel_actions.release_figure_import(state)
        done += outcome.days
    return done


def _int(value: object) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _dates(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _local_day(created_time: object) -> datetime.date:
    moment = datetime.datetime.strptime(str(created_time), "%Y-%m-%dT%H:%M:%S%z")
    return timezone.localdate(moment)


def _ms_day(value: object) -> datetime.date | None:
    number = _int(value)
    if number is None:
        return None
    return timezone.localdate(datetime.datetime.fromtimestamp(number / 1000, tz=datetime.UTC))
