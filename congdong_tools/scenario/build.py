"""The child process of the conference-2022 scenario: builds its own database and reports.

Run as `python -m congdong_tools.scenario.build SCALE` with CONGDONG_DATA_DIR and
DATABASE_URL pointing at a fresh, migrated database. Progress goes to stderr; the last stdout
line is one JSON object (`summary` and the conference report as text, `document`).

Everything goes through the real write paths, in bulk where a year of a national page needs
it: pages by `do_establish_many` (the rows create + activate write), follows and referral
opens as the engagement actions write them (the row, the page's counter, the event), posts
published with their transition row and PUBLISH event, views as events. Events take the
ingestion path, `events.make` + `events.submit` in batches and `events.flush()`: the Redis
stream when REDIS_URL is set (renamed for the run, so no worker of a deployment reads it; the
live counters it also bumps are of 2021–22 days and expire in two days), else the process's
buffer. With REDIS_URL, point it at a scratch Redis database: the cache lives there too.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congdong.settings")
django.setup()

from django.conf import settings  # noqa: E402 (after setup, as a script)
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from tqdm import tqdm  # noqa: E402

from congdong import events  # noqa: E402
from congdong.accounts.models import AccountKind, User  # noqa: E402
from congdong.engagement.actions import counters  # noqa: E402
from congdong.engagement.models import Follow, ReferralOpen  # noqa: E402
from congdong.events import BUFFER_CAP_FACTOR, EventKind  # noqa: E402
from congdong.insights import rollup  # noqa: E402
from congdong.pages.actions import do_establish_many  # noqa: E402
from congdong.pages.models import Page  # noqa: E402
from congdong.posts.default_regulation import ensure_default_regulation  # noqa: E402
from congdong.posts.models import Category, Post, Regulation  # noqa: E402
from congdong.units.actions import do_import_structure  # noqa: E402
from congdong.units.models import Level, Unit  # noqa: E402
from congdong_tools.posts import published, save_published  # noqa: E402
from congdong_tools.scenario.plan import (  # noqa: E402
    DAYS,
    FIRST_DAY,
    Plan,
    opening_weeks,
    report,
)

BATCH = 500
# Raw events are pruned once this many are stored: the figures keep them, the disk does not.
PRUNE_EVERY = 2_000_000
TITLE = "Mặt trận Tổ quốc Việt Nam — bản tin số {n}"
BODY = (
    "<p>Ban Thường trực Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam thông tin về các hoạt "
    "động hưởng ứng Cuộc vận động “Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn "
    "minh”.</p>"
)


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def local(day: datetime.date, seconds: int) -> datetime.datetime:
    start = datetime.datetime.combine(day, datetime.time())
    return timezone.make_aware(start + datetime.timedelta(seconds=seconds % 86_400))


def setup_pages() -> Page:
    """The 2022 tree; pages active on the day at the planned number of units per level, each
    opened in some week before it (a few more opened after it, not counted); the central
    page's."""
    say("importing the 2022 unit tree…")
    do_import_structure("2022")
    ensure_default_regulation()
    units = Unit.objects.filter(structure__code="2022")
    by_level = {level: list(units.filter(level=level).order_by("path")) for level in Level.values}
    say("opening pages…")
    for opened_at, chosen in opening_weeks(by_level):
        do_establish_many(chosen, opened_at=opened_at)
    return Page.objects.get(unit__structure__code="2022", unit__depth=1)


class Ingest:
    """Events handed to the ingestion path in batches; written and pruned as they pile up."""

    def __init__(self) -> None:
        # The buffer drops events past EVENTS_BUFFER × BUFFER_CAP_FACTOR: write well before.
        self.flush_every = min(50_000, settings.EVENTS_BUFFER * BUFFER_CAP_FACTOR // 2)
        self.waiting: list[events.RawEvent] = []
        self.day = FIRST_DAY  # the day being driven: days before it are all handed over
        self.submitted = self.unflushed = self.stored = self.since_prune = self.pruned = 0

    def add(self, kind: str, page_id: int, at: datetime.datetime, **fields) -> None:
        self.waiting.append(events.make(kind, page_id, at=at, **fields))
        if len(self.waiting) >= BATCH:
            self.submit()

    def submit(self) -> None:
        if self.waiting:
            events.submit(self.waiting)
            self.submitted += len(self.waiting)
            self.unflushed += len(self.waiting)
            self.waiting = []
        if self.unflushed >= self.flush_every:
            self.write()

    def write(self) -> None:
        """`events.flush()` until nothing waits; then, past PRUNE_EVERY, prune the raw events
        of the days before the one being driven (all written)."""
        while done := events.flush():
            self.stored += done
            self.since_prune += done
        self.unflushed = 0
        if self.since_prune >= PRUNE_EVERY:
            self.pruned += rollup.prune(self.day)
            self.since_prune = 0

    def finish(self) -> None:
        self.submit()
        self.write()
        if self.stored != self.submitted:
            raise RuntimeError(f"{self.submitted:,} events submitted, {self.stored:,} stored")


def citizens(day: datetime.date, first: int, last: int) -> list[User]:
    """Phone-verified citizen accounts number `first`…`last - 1`, joined on `day`."""
    at = local(day, 7 * 3600)
    made = [
        User(
            username=f"cd8490{n:07d}",
            kind=AccountKind.CITIZEN,
            phone=f"+8490{n:07d}",
            phone_verified_at=at,
            date_joined=at,
            password="!",
        )
        for n in range(first, last)
    ]
    return User.objects.bulk_create(made, batch_size=2000)


def drive(central: Page, plan: Plan, bar: tqdm) -> Ingest:
    """A year of the central page, day by day, through the write and ingestion paths."""
    ingest = Ingest()
    author = User.objects.create(username="tw.scenario", kind=AccountKind.STAFF, password="!")
    regulation = Regulation.objects.order_by("-version").first()
    category = Category.objects.filter(regulation=regulation).order_by("order").first()
    followers: list[int] = []
    posts: list[int] = []
    for d in range(DAYS):
        day = ingest.day = FIRST_DAY + datetime.timedelta(days=d)
        with transaction.atomic():
            # Follows, as `follows.follow` writes them: the row and the counter together.
            first, last = plan.of_day("followers", d)
            made = citizens(day, first, last)
            rows = Follow.objects.bulk_create(
                [
                    Follow(user=user, page=central, created_at=local(day, 8 * 3600 + n))
                    for n, user in enumerate(made)
                ]
            )
            if rows:
                counters.bump(central.pk, followers=len(rows))
            # Posts published that day, with their transition row.
            published = publish(central, author, category, day, *plan.of_day("posts", d))
            # Referral opens by distinct recipients, each someone's link.
            opens = ReferralOpen.objects.bulk_create(
                [
                    ReferralOpen(
                        referrer_id=followers[r % len(followers)] if followers else made[0].pk,
                        page=central,
                        recipient_key=plan.viewer(plan.recipient(r)),
                        opened_at=local(day, 9 * 3600 + r),
                    )
                    for r in range(*plan.of_day("referrals", d))
                ]
            )
            if opens:
                counters.bump(central.pk, referrals=len(opens))
        for row in rows:
            at = row.created_at
            # Followers saw the page before they followed it (as `follows.follow` records,
            # an account's visitor key is "u<id>").
            who = {"user_id": row.user_id, "visitor": f"u{row.user_id}"}
            ingest.add(EventKind.PAGE_VIEW, central.pk, at, **who)
            ingest.add(EventKind.FOLLOW, central.pk, at, **who)
        for post in published:
            ingest.add(
                EventKind.PUBLISH, central.pk, post.published_at, post_id=post.pk, user_id=author.pk
            )
        for row in opens:
            ingest.add(
                EventKind.REFERRAL_OPEN, central.pk, row.opened_at, visitor=row.recipient_key
            )
        followers += [row.user_id for row in rows]
        posts += [post.pk for post in published]
        # Everyone else who saw the page that day: one view each, of the page or a post.
        first, last = plan.of_day("anonymous", d)
        for k in range(first, last):
            post_id = posts[k % len(posts)] if posts and k % 3 else None
            kind = EventKind.POST_VIEW if post_id else EventKind.PAGE_VIEW
            ingest.add(
                kind, central.pk, local(day, k * 7919), post_id=post_id, visitor=plan.viewer(k)
            )
        bar.update(last - first + len(rows))
    ingest.finish()
    return ingest


def publish(central, author, category, day, first: int, last: int) -> list[Post]:
    regulation = category.regulation if category else None
    return save_published(
        [
            published(
                central,
                author,
                category,
                regulation,
                TITLE.format(n=n + 1),
                BODY,
                local(day, 8 * 3600 + (n * 2_777) % (12 * 3600)),
            )
            for n in range(first, last)
        ]
    )


def main(scale: float) -> None:
    started = time.monotonic()
    plan = Plan(scale)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # The scenario's own throwaway database: no need to wait for the disk each commit.
            cursor.execute("PRAGMA synchronous=OFF")
    if settings.REDIS_URL:
        events.STREAM = "congdong-scenario:events"
        events._redis().delete(events.STREAM)
    central = setup_pages()
    say(
        f"driving the central page through {DAYS} days: {plan.followers:,} followers, "
        f"{plan.posts:,} posts, {plan.referrals:,} referrals, {plan.reach:,} viewers…"
    )
    with tqdm(total=plan.reach, desc="viewers", unit=" people", file=sys.stderr) as bar:
        ingest = drive(central, plan, bar)
    if settings.REDIS_URL:
        events._redis().delete(events.STREAM)
    say("the conference report…")
    summary, document = report(central.unit, plan)
    summary["events_submitted"] = ingest.submitted
    summary["events_stored"] = ingest.stored
    summary["raw_events_pruned"] = ingest.pruned
    summary["ingestion"] = "redis stream" if settings.REDIS_URL else "in-process buffer"
    summary["build_seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps({"summary": summary, "document": document}, ensure_ascii=False))


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
