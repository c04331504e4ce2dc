"""The demo's figures: what its people did, replayed as events through the ingestion path.

Every follow, referral open, reaction, comment, share and publication the demo created becomes
an event at the time it happened; page views, post views and feed items seen are added for the
last `DAYS` days (more on pages with more followers, fewer at weekends), from the followers
themselves and from anonymous visitors; a structure that has ended (2022) gets anonymous
page views on its last days, where its dashboards open. All of it goes through
`events.store` — the write path of the flush — so the dashboards show figures built exactly as
in production.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from collections.abc import Callable

from django.utils import timezone

from congdong import events
from congdong.campaigns.models import CampaignMode, CampaignTarget
from congdong.engagement.models import Comment, Follow, Reaction, ReferralOpen, Share
from congdong.events import EventKind, RawEvent
from congdong.insights.models import DayCount
from congdong.pages.models import Page, PageStatus
from congdong.posts.models import Post, PostState
from congdong.units.models import Level

SEED = 5_2026
DAYS = 45
# Events stored per transaction: each batch rewrites every reach sketch it touches, so fewer,
# larger batches replay the history in two thirds of the time 5,000 took.
BATCH = 30_000
# Views per day of a page: a base plus a share of its followers, and anonymous visitors.
BASE_VIEWS, VIEWS_PER_FOLLOWER, ANONYMOUS_SHARE = 1, 0.1, 0.4
# A structure that has ended (2022) gets anonymous views on its last ENDED_DAYS days, so its
# dashboards, which open on those days, have figures: views per day by level of the page.
ENDED_DAYS = 30
ENDED_VIEWS = {Level.CENTRAL: 20, Level.PROVINCE: 4, Level.DISTRICT: 1}


def ensure_history(progress: Callable[[str], None] | None = None, days: int = DAYS) -> int:
    """Replay the demo's activity as events, with `days` of page views, once; returns how many
    events were stored.

    Run it after every other step, with the steps' own events muted (`events.muted`, as
    `congdong_tools.demo.build` does): the replay is then the only writer of figures, and "already
    loaded" (any day's figures exist) means this step ran."""
    say = progress or (lambda _text: None)
    if DayCount.objects.exists():
        return 0
    rng = random.Random(SEED)
    made: list[RawEvent] = [*_actions(), *_views(rng, days), *_ended_views(rng)]
    made.sort(key=lambda event: event.at)
    stored = 0
    for start in range(0, len(made), BATCH):
        stored += events.store(made[start : start + BATCH])
        say(f"  figures: {stored:,} / {len(made):,} events")
    return stored


def _event(kind, page_id, at, user_id=None, visitor="", post_id=None) -> RawEvent:
    if not visitor and user_id is not None:
        visitor = f"u{user_id}"
    return events.make(kind, page_id, post_id=post_id, user_id=user_id, visitor=visitor, at=at)


def _actions() -> list[RawEvent]:
    out = []
    for user_id, page_id, at, referral in Follow.objects.values_list(
        "user_id", "page_id", "created_at", "referral_id"
    ):
        out.append(_event(EventKind.FOLLOW, page_id, at, user_id))
        if referral:
            out.append(_event(EventKind.REFERRAL_FOLLOW, page_id, at, user_id))
    for page_id, post_id, key, at in ReferralOpen.objects.values_list(
        "page_id", "post_id", "recipient_key", "opened_at"
    ):
        user_id = int(key[1:]) if key.startswith("u") else None
        out.append(_event(EventKind.REFERRAL_OPEN, page_id, at, user_id, key, post_id))
    for user_id, post_id, page_id, at in Reaction.objects.values_list(
        "user_id", "post_id", "post__page_id", "created_at"
    ):
        out.append(_event(EventKind.REACTION, page_id, at, user_id, post_id=post_id))
    for user_id, post_id, page_id, at in Comment.objects.values_list(
        "author_id", "post_id", "post__page_id", "created_at"
    ):
        out.append(_event(EventKind.COMMENT, page_id, at, user_id, post_id=post_id))
    for user_id, post_id, page_id, at in Share.objects.values_list(
        "user_id", "post_id", "page_id", "created_at"
    ):
        out.append(_event(EventKind.SHARE, page_id, at, user_id, post_id=post_id))
    out += _publications()
    return out


def _publications() -> list[RawEvent]:
    # The posts each public page lists now: its own published posts, the copies published
    # down to it (PUBLISH, as the launch counts them) and its reshares (RESHARE: a post and a
    # reshare). A post hidden or archived since is left out: live, its PUBLISH and the
    # UNPUBLISH of its taking off add up to nothing.
    reshared = set(
        CampaignTarget.objects.exclude(copy=None)
        .filter(campaign__mode=CampaignMode.RESHARE_TASK)
        .values_list("copy_id", flat=True)
    )
    out = []
    for post_id, page_id, author_id, at in (
        Post.objects.filter(state=PostState.PUBLISHED, published_at__isnull=False)
        .order_by("pk")
        .values_list("pk", "page_id", "author_id", "published_at")
    ):
        kind = EventKind.RESHARE if post_id in reshared else EventKind.PUBLISH
        out.append(_event(kind, page_id, at, author_id, post_id=post_id))
    return out


def _views(rng: random.Random, days: int) -> list[RawEvent]:
    followers: dict[int, list[int]] = defaultdict(list)
    # Every list in a fixed order: the same seed must make the same views on every database.
    for page_id, user_id in Follow.objects.order_by("pk").values_list("page_id", "user_id"):
        followers[page_id].append(user_id)
    posts: dict[int, list[int]] = defaultdict(list)
    for page_id, post_id in (
        Post.objects.filter(state=PostState.PUBLISHED).order_by("pk").values_list("page_id", "pk")
    ):
        posts[page_id].append(post_id)
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    out = []
    active = Page.objects.filter(status=PageStatus.ACTIVE).order_by("pk")
    for page_id in active.values_list("pk", flat=True):
        fans, shown = followers.get(page_id, []), posts.get(page_id, [])
        if not fans and not shown:
            continue
        for back in range(days):
            day = today - datetime.timedelta(days=back)
            weekend = 0.6 if day.weekday() >= 5 else 1.0
            mean = (BASE_VIEWS + VIEWS_PER_FOLLOWER * len(fans)) * weekend
            for n in range(max(0, round(rng.gauss(mean, mean / 4)))):
                if fans and rng.random() > ANONYMOUS_SHARE:
                    user_id, visitor = rng.choice(fans), ""
                else:
                    user_id, visitor = None, f"v{day:%m%d}{rng.randrange(40 + len(fans))}"
                at = datetime.datetime.combine(
                    day, datetime.time(rng.randrange(6, 23), rng.randrange(60)), tz
                )
                if shown and n % 3:
                    kind = EventKind.FEED_SEEN if user_id and n % 2 else EventKind.POST_VIEW
                    post_id = rng.choice(shown)
                else:
                    kind, post_id = EventKind.PAGE_VIEW, None
                out.append(_event(kind, page_id, at, user_id, visitor, post_id))
    return out


def _ended_views(rng: random.Random) -> list[RawEvent]:
    """Anonymous page views on the last days of every structure that has ended, for its
    central, province and district pages (its commune pages stay quiet)."""
    tz = timezone.get_current_timezone()
    out = []
    pages = (
        Page.objects.filter(
            status=PageStatus.ACTIVE,
            unit__structure__valid_to__lt=timezone.localdate(),
            unit__level__in=list(ENDED_VIEWS),
        )
        .order_by("pk")
        .values_list("pk", "unit__level", "unit__structure__valid_to")
    )
    for page_id, level, ended in pages:
        mean = ENDED_VIEWS[level]
        for back in range(ENDED_DAYS):
            day = ended - datetime.timedelta(days=back)
            for _n in range(max(0, round(rng.gauss(mean, mean / 4)))):
                visitor = f"v{day:%y%m%d}{rng.randrange(3 * mean)}"
                at = datetime.datetime.combine(
                    day, datetime.time(rng.randrange(6, 23), rng.randrange(60)), tz
                )
                out.append(_event(EventKind.PAGE_VIEW, page_id, at, visitor=visitor))
    return out
