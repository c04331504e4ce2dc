"""The demo's external channels: a fake Facebook Graph API and a fake Zalo OA API running in
the demo's own process (threads, like its background worker), a handful of pages connected to
them, and a few posts on their way there — so a newcomer sees deliveries offline.

The fakes keep their state in memory: each start seeds them again and connects the pages
again (connecting the same channel again refreshes its token), so a rerun of `congdong demo`
on the same database works.
"""

from __future__ import annotations

import base64
import datetime
import hashlib

from django.conf import settings
from django.utils import timezone

from congdong.channels.actions import Linking, do_link
from congdong.channels.backlinks import page_address
from congdong.channels.models import ChannelKind
from congdong.demo.personas import find_unit
from congdong.insights.channel_import import import_link
from congdong.pages.models import Page
from congdong.posts.models import Post, PostState
from congdong.syndication import actions
from congdong.syndication.models import Delivery
from congdong_tools.fakes.graph import FakeGraph
from congdong_tools.fakes.zalo import FakeZalo

# (unit lookup, Facebook Page id, Zalo OA id)
CONNECTED = (("TW", "100000001", "4000000001"), ("24", "100000024", "4000000024"))
CONNECTED += (("24/Kinh Bắc", "100002401", "4000002401"), ("01", "100000001001", "4000001001"))
APP_ID, APP_SECRET = "demo-facebook-app", "demo-facebook-secret"
FIGURE_DAYS = 45  # the days of Facebook and Zalo figures imported, as congdong's own
ZALO_APP, ZALO_SECRET = "demo-zalo-app", "demo-zalo-secret"


def start_fake_channels(say) -> tuple[FakeGraph, FakeZalo]:
    """Start both fakes, point the settings of this process at them, connect the demo pages
    and queue their newest published post to their channels; returns the fakes."""
    graph = FakeGraph(app_id=APP_ID, app_secret=APP_SECRET).start()
    zalo = FakeZalo(app_id=ZALO_APP, secret_key=ZALO_SECRET).start()
    settings.FACEBOOK_GRAPH_URL = settings.FACEBOOK_DIALOG_URL = graph.url
    settings.FACEBOOK_APP_ID, settings.FACEBOOK_APP_SECRET = APP_ID, APP_SECRET
    settings.ZALO_OAUTH_URL = settings.ZALO_API_URL = zalo.url
    settings.ZALO_APP_ID, settings.ZALO_SECRET_KEY = ZALO_APP, ZALO_SECRET
    if not settings.CHANNEL_TOKEN_KEY:
        # The laptop demo only: a key derived from the secret key (set one in production).
        digest = hashlib.sha256(f"congdong demo channel tokens {settings.SECRET_KEY}".encode())
        settings.CHANNEL_TOKEN_KEY = base64.urlsafe_b64encode(digest.digest()).decode()
    graph.add_user("demo-admin", "Quản trị viên demo")
    queued = imported = 0
    for lookup, fb_id, oa_id in CONNECTED:
        page = Page.objects.filter(unit=find_unit(lookup)).order_by("pk").first()
        if page is None:
            continue
        address = page_address(page)
        graph.add_page(fb_id, page.name, website=address, followers=1200, admins=["demo-admin"])
        zalo.add_oa(oa_id, page.name, description=f"Trang chính thức: {address}", followers=40)
        access, refresh = zalo.tokens_for(oa_id)
        links = [
            do_link(
                None,
                Linking(
                    page=page,
                    kind=ChannelKind.FACEBOOK,
                    external_id=fb_id,
                    url=f"https://www.facebook.com/{fb_id}",
                    name=page.name,
                    backlink_ok=True,
                    admin_verified=True,
                    tasks=["CREATE_CONTENT", "ANALYZE", "MODERATE"],
                    access_token=graph.token_for("demo-admin", page_id=fb_id),
                ),
            ),
            do_link(
                None,
                Linking(
                    page=page,
                    kind=ChannelKind.ZALO,
                    external_id=oa_id,
                    url=f"https://zalo.me/{oa_id}",
                    name=page.name,
                    backlink_ok=True,
                    admin_verified=True,
                    access_token=access,
                    refresh_token=refresh,
                ),
            ),
        ]
        _seed_history(graph, zalo, fb_id, oa_id, page.name)
        since = timezone.localdate() - datetime.timedelta(days=FIGURE_DAYS)
        # Days already imported (a rerun) are skipped: the figures are never counted twice.
        imported += sum(import_link(link.pk, since=since).days for link in links)
        post = (
            Post.objects.filter(page=page, state=PostState.PUBLISHED, campaign_target=None)
            .order_by("-published_at")
            .first()
        )
        if post is not None and not Delivery.objects.filter(post=post).exists():
            sending = actions.Sending(post, links)
            queued += len(actions.do_send(None, sending))
    say(
        f"  fake Facebook at {graph.url}, fake Zalo at {zalo.url}: {len(CONNECTED)} pages "
        f"connected, {queued} deliveries queued (the worker sends them), {imported} days of "
        "their figures imported"
    )
    return graph, zalo


def _seed_history(graph: FakeGraph, zalo: FakeZalo, fb_id: str, oa_id: str, name: str) -> None:
    """Posts of the last weeks on the fake Page and OA (ids fixed: a rerun sees the same
    articles), so their figures have something to count."""
    today = timezone.localdate()
    for n in range(1, FIGURE_DAYS, 3):
        day = today - datetime.timedelta(days=n)
        graph.add_post(fb_id, f"{name}: tin ngày {day:%d/%m}", f"{day.isoformat()}T02:00:00+0000")
        if n % 2:
            zalo.add_article(
                oa_id,
                f"{name}: bài ngày {day:%d/%m}",
                created=day.isoformat(),
                views=150 + 7 * n,
                shares=3 + n % 5,
                article_id=f"{oa_id}-{day:%Y%m%d}",
            )
