"""The work of `congdong bench channels`, run as a child process against a throwaway database
(congdong_tools/bench/channels.py starts it; the product never imports this package).

One publish-down campaign from the central page to every page below, each page linked to a
Facebook Page and a Zalo OA on the fake platforms, which run here in threads; the Graph fake
enforces an app-wide rate limit (RATE_CALLS per RATE_WINDOW s, code 4 with usage headers).
The deliveries are sent by WORKERS worker processes (`python -m congdong_tools.channels_bench
worker`); a third of the way through one is killed with SIGKILL and another started, and two
thirds of the way through both fakes answer a burst of rate-limit errors. Then every Page's
feed and every OA's broadcasts are counted: duplicates and lost posts.

Prints one JSON line of figures on stdout; progress on stderr.
"""

from __future__ import annotations

import datetime
import json
import math
import os
import resource
import signal
import subprocess
import sys
import time

from congdong_tools.bench import steps

RATE_CALLS = 20  # Graph calls per window for the app: the bound of the whole run
RATE_WINDOW = 1.0
TIMEOUT = 2.0  # CONGDONG_CHANNEL_TIMEOUT of the worker: a dead worker's claim is stale after 9 s
WORKERS = 2  # worker processes sending at once (as a Celery deployment would run)
BURST = 10  # rate-limit answers in a row from each platform, two thirds through
APP_SECRET = "bench-graph-secret"
ZALO_SECRET = "bench-zalo-secret"
TOKEN_KEY = "bGV0LXRoZS1iZW5jaC1zZWFsLWl0cy10b2tlbnMtMDE="  # a Fernet key, for the bench only


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _env(graph_url: str, zalo_url: str) -> dict[str, str]:
    return dict(
        os.environ,
        CONGDONG_FACEBOOK_GRAPH_URL=graph_url,
        CONGDONG_FACEBOOK_DIALOG_URL=graph_url,
        CONGDONG_FACEBOOK_APP_ID="bench-app",
        CONGDONG_FACEBOOK_APP_SECRET=APP_SECRET,
        CONGDONG_ZALO_OAUTH_URL=zalo_url,
        CONGDONG_ZALO_API_URL=zalo_url,
        CONGDONG_ZALO_APP_ID="bench-zalo",
        CONGDONG_ZALO_SECRET_KEY=ZALO_SECRET,
        CONGDONG_CHANNEL_TOKEN_KEY=TOKEN_KEY,
        CONGDONG_CHANNEL_TIMEOUT=str(TIMEOUT),
        CONGDONG_CHANNEL_JITTER="1",
        CONGDONG_CHANNEL_RATE_BACKOFF="0.25",
    )


def _setup_django() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congdong.settings")
    django.setup()


def worker() -> None:
    """Send until no delivery is left open (a dead worker's claim is taken back once stale),
    with what the worker's job `send-deliveries` runs (`actions.send_due`)."""
    _setup_django()
    from congdong.syndication import actions
    from congdong.syndication.models import OPEN_STATES, Delivery

    while Delivery.objects.filter(state__in=OPEN_STATES).exists():
        if not actions.send_due(budget=5.0):
            time.sleep(0.2)


def main(pages: int | None) -> None:
    from congdong_tools.fakes.graph import FakeGraph
    from congdong_tools.fakes.zalo import FakeZalo

    graph = FakeGraph(app_id="bench-app", app_secret=APP_SECRET, page_size=25).start()
    oa_fake = FakeZalo(app_id="bench-zalo", secret_key=ZALO_SECRET).start()
    env = _env(graph.url, oa_fake.url)
    os.environ.update(env)
    _setup_django()
    from django.db import transaction
    from django.db.models import Count
    from django.utils import timezone

    from congdong.campaigns import actions as campaigns
    from congdong.campaigns.models import CampaignMode
    from congdong.channels.models import ChannelKind, ChannelLink, ChannelToken
    from congdong.pages.actions import do_establish_many
    from congdong.pages.models import Page
    from congdong.posts import actions as posts
    from congdong.posts.default_regulation import ensure_default_regulation
    from congdong.syndication import actions
    from congdong.syndication.models import Delivery, DeliveryState, Step
    from congdong.units.actions import do_import_structure
    from congdong.units.models import Unit

    say("importing the 2025 structure…")
    do_import_structure("2025")
    ensure_default_regulation()
    units = list(Unit.objects.filter(structure__code="2025").order_by("path"))
    if pages:
        units = units[: max(2, pages + 1)]
    root = units[0]
    say(f"establishing {len(units):,} pages…")
    do_establish_many(units, opened_at=timezone.now())
    editor, approver = steps.bench_staff(root)

    say("linking every page below the centre to a fake Facebook Page and Zalo OA…")
    graph.add_user("bench-admin")
    below = list(Page.objects.filter(unit__in=units).exclude(unit=root).order_by("unit__path"))
    now = timezone.now()
    links, tokens = [], []
    for n, page in enumerate(below):
        fb_id, oa_id = str(10**9 + n), str(2 * 10**9 + n)
        graph.add_page(fb_id, page.name, admins=["bench-admin"])
        oa_fake.add_oa(oa_id, page.name, followers=1)
        fb_token = graph.token_for("bench-admin", page_id=fb_id)
        zalo_access, zalo_refresh = oa_fake.tokens_for(oa_id)
        for kind, ext, url, access, refresh in (
            (ChannelKind.FACEBOOK, fb_id, f"https://www.facebook.com/{fb_id}", fb_token, ""),
            (ChannelKind.ZALO, oa_id, f"https://zalo.me/{oa_id}", zalo_access, zalo_refresh),
        ):
            link = ChannelLink(
                page=page,
                kind=kind,
                external_id=ext,
                url=url,
                name=page.name,
                linked_at=now,
                admin_verified_at=now,
                backlink_ok=True,
                tasks=["CREATE_CONTENT"],
            )
            links.append(link)
            tokens.append((link, access, refresh))
    with transaction.atomic():
        ChannelLink.objects.bulk_create(links, batch_size=1000)
        ChannelToken.objects.bulk_create(
            [
                ChannelToken(
                    link=link,
                    access_token=access,
                    refresh_token=refresh,
                    expires_at=now + datetime.timedelta(days=1),
                )
                for link, access, refresh in tokens
            ],
            batch_size=1000,
        )
    graph.rate_limit(RATE_CALLS, RATE_WINDOW, code=4)
    oa_fake.rate_limit(10, 1.0)  # per OA: one delivery (3 calls) never reaches it

    central = Page.objects.get(unit=root)
    draft = posts.create_draft(
        editor,
        central.pk,
        {"category": "hoat-dong-mat-tran", "title": TITLE, "body": BODY, "tags": "đại đoàn kết"},
    )
    posts.submit(editor, draft.pk)
    posts.approve(approver, draft.pk)
    posts.publish_or_schedule(approver, draft.pk)
    campaign = campaigns.create(editor, draft.pk, CampaignMode.PUBLISH)

    say(f"launching to {len(below):,} pages and queueing their deliveries…")
    start = time.monotonic()
    campaigns.launch(approver, campaign.pk)
    queued = actions.fan_out()
    queued_after = time.monotonic() - start
    expected_fb = len(below)
    say(f"  {queued:,} deliveries queued; starting the worker")

    def start_worker() -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "congdong_tools.channels_bench", "worker"], env=env
        )

    procs = [start_worker() for _ in range(WORKERS)]
    killed = burst = False
    first_post: float | None = None
    claims_left_by_kill = 0
    open_states = [DeliveryState.QUEUED, DeliveryState.SENDING, DeliveryState.RETRYING]
    while True:
        time.sleep(0.25)
        made = len(graph.feed)
        if first_post is None and made:
            first_post = time.monotonic() - start
        if not killed and made >= expected_fb / 3:
            os.kill(procs[0].pid, signal.SIGKILL)
            procs[0].wait()
            claims_left_by_kill = Delivery.objects.filter(state=DeliveryState.SENDING).count()
            say(f"  killed a worker (-9) at {made:,} Facebook posts; starting another")
            procs[0] = start_worker()
            killed = True
        if not burst and made >= 2 * expected_fb / 3:
            graph.fail("rate_limited", times=BURST, code=80001, regain_minutes=0.01, path="/feed")
            oa_fake.fail("rate_limited", times=BURST, path="/article/create")
            say(f"  a burst of {BURST} rate-limit answers from each platform")
            burst = True
        if not Delivery.objects.filter(state__in=open_states).exists():
            break
        for n, proc in enumerate(procs):
            if proc.poll() is not None:  # it found nothing left to claim: stand by again
                procs[n] = start_worker()
    seconds = time.monotonic() - start
    for proc in procs:
        proc.wait(timeout=60)

    # The truth is on the platforms: count what each Page and OA received.
    per_page: dict[str, int] = {}
    for post in graph.feed:
        per_page[post.page_id] = per_page.get(post.page_id, 0) + 1
    per_oa: dict[str, int] = {}
    for sent in oa_fake.broadcasts():
        per_oa[sent.oa_id] = per_oa.get(sent.oa_id, 0) + 1
    fb_ids = [str(10**9 + n) for n in range(len(below))]
    oa_ids = [str(2 * 10**9 + n) for n in range(len(below))]
    states = dict(
        Delivery.objects.order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    # A worker killed inside Zalo's broadcast call leaves a broadcast nobody can check (Zalo
    # keeps no list): that delivery fails with a reason and waits for a person, never re-sent.
    held = Delivery.objects.filter(
        kind="zalo", state=DeliveryState.FAILED, step=Step.BROADCASTING
    ).count()
    # The first window's calls go at once, then RATE_CALLS per window.
    minimum = max(0, math.ceil(expected_fb / RATE_CALLS) - 1) * RATE_WINDOW
    graph.stop()
    oa_fake.stop()
    figures = {
        "pages": len(below),
        "deliveries": queued,
        "facebook_delivered": sum(1 for i in fb_ids if per_page.get(i, 0) >= 1),
        "facebook_duplicates": sum(max(0, per_page.get(i, 0) - 1) for i in fb_ids),
        "facebook_lost": sum(1 for i in fb_ids if per_page.get(i, 0) == 0),
        "zalo_delivered": sum(1 for i in oa_ids if per_oa.get(i, 0) >= 1),
        "zalo_duplicates": sum(max(0, per_oa.get(i, 0) - 1) for i in oa_ids),
        "zalo_lost": sum(1 for i in oa_ids if per_oa.get(i, 0) == 0),
        "zalo_held_for_a_person": held,
        "states": states,
        "workers": WORKERS,
        "worker_killed": killed,
        "claims_left_by_the_kill": claims_left_by_kill,
        "rate_limit_burst": BURST if burst else 0,
        "rate_limit": f"{RATE_CALLS} Graph calls / {RATE_WINDOW:g} s",
        "seconds": round(seconds, 2),
        # Where the time goes: the launch and the fan-out (queued), then the worker processes
        # starting cold (as the bench starts them) until the first Facebook post.
        "seconds_to_queue": round(queued_after, 2),
        "seconds_to_first_post": round(first_post, 2) if first_post is not None else None,
        "minimum_seconds": round(minimum, 2),
        "ratio": round(seconds / minimum, 3) if minimum else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_rss_worker_mb": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
        ),
    }
    print(json.dumps(figures))


TITLE = "Ngày hội Đại đoàn kết toàn dân tộc tại {noi}"
BODY = (
    "<p>Hưởng ứng Ngày hội Đại đoàn kết toàn dân tộc (18/11), Ủy ban Mặt trận Tổ quốc Việt Nam "
    "các cấp tổ chức ngày hội tại khu dân cư, tôn vinh gương người tốt, việc tốt.</p>"
)


if __name__ == "__main__":
    if sys.argv[1:2] == ["worker"]:
        worker()
    else:
        main(int(sys.argv[2]) if sys.argv[1:2] == ["--pages"] else None)
