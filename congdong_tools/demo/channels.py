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
import logging
import threading
import time
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.utils import timezone

from congdong.channels.actions import Linking, do_link
from congdong.channels.backlinks import page_address
from congdong.channels.models import ChannelKind
from congdong.insights.channel_import import import_link
from congdong.listening.models import ChannelMessage, Platform
from congdong.pages.models import Page
from congdong.posts.models import Post, PostState
from congdong.syndication import actions
from congdong.syndication.models import Delivery
from congdong_tools.demo.personas import find_unit
from congdong_tools.fakes.graph import FakeGraph
from congdong_tools.fakes.zalo import FakeZalo

# (unit lookup, Facebook Page id, Zalo OA id)
CONNECTED = (("TW", "100000001", "4000000001"), ("24", "100000024", "4000000024"))
CONNECTED += (("24/Kinh Bắc", "100002401", "4000002401"), ("01", "100000001001", "4000001001"))
APP_ID, APP_SECRET = "demo-facebook-app", "demo-facebook-secret"
FIGURE_DAYS = 45  # the days of Facebook and Zalo figures imported, as congdong's own
ZALO_APP, ZALO_SECRET = "demo-zalo-app", "demo-zalo-secret"
ZALO_OA_SECRET = "demo-zalo-oa-secret"

log = logging.getLogger("congdong_tools.demo")


@dataclass(frozen=True)
class Talk:
    """A citizen's comment on a demo Page or message to a demo OA (made-up people)."""

    lookup: str  # the unit, as in CONNECTED
    platform: str
    author_id: str
    author_name: str  # Facebook only: Zalo sends the sender's id alone
    text: str
    number: int  # makes its platform id, the same at every start

    def external_id(self, channel_id: str) -> str:
        if self.platform == Platform.FACEBOOK:
            return f"{9000 + self.number}_{channel_id}{self.number:02d}"
        return hashlib.sha256(f"demo-msg:{channel_id}:{self.number}".encode()).hexdigest()[:32]

    def post_id(self, channel_id: str) -> str:
        return f"{channel_id}_{9000 + self.number}"


FB, ZL = Platform.FACEBOOK, Platform.ZALO
TALKS = (
    Talk(
        "24",
        FB,
        "100061234567891",
        "Nguyễn Thị Hoa",
        "Đề nghị Mặt trận tỉnh quan tâm tuyến đường ĐT.295B đoạn qua thôn Đông: mưa xuống là "
        "ngập, xe máy đi rất nguy hiểm ạ.",
        1,
    ),
    Talk(
        "24",
        FB,
        "100059876543210",
        "Trần Văn Minh",
        "Cho em hỏi hồ sơ đề nghị hỗ trợ sửa nhà cho hộ nghèo năm nay nộp ở đâu ạ?",
        2,
    ),
    Talk(
        "24/Kinh Bắc",
        FB,
        "100071112223334",
        "Lê Thị Thu",
        "Ngày hội Đại đoàn kết ở khu phố mình năm nay tổ chức hôm nào vậy ban công tác Mặt trận "
        "ơi? Các cháu thiếu nhi muốn đăng ký văn nghệ.",
        3,
    ),
    Talk(
        "TW",
        FB,
        "100045556667778",
        "Phạm Quốc Tuấn",
        "Cảm ơn Mặt trận đã kịp thời kêu gọi ủng hộ đồng bào vùng lũ. Gia đình tôi xin góp "
        "một phần nhỏ, chuyển khoản theo số tài khoản trong bài được không ạ?",
        4,
    ),
    Talk(
        "24",
        ZL,
        "8400000000000101",
        "",
        "Chào Mặt trận tỉnh, khu dân cư Đại Phúc mất điện từ 22 giờ đêm qua đến giờ chưa có, "
        "nhờ Mặt trận phản ánh giúp với điện lực ạ.",
        5,
    ),
    Talk(
        "24/Kinh Bắc",
        ZL,
        "8400000000000102",
        "",
        "Tôi muốn tham gia tổ tự quản vệ sinh môi trường của phường thì liên hệ ai ạ?",
        6,
    ),
)


@dataclass(frozen=True)
class Conversation:
    """A talk about to be sent to the demo's own webhooks."""

    talk: Talk
    channel_id: str  # the Facebook Page id / Zalo OA id


def seed_conversations(graph: FakeGraph, zalo: FakeZalo) -> list[Conversation]:
    """The demo's talks not yet in the inbox, to send through the webhooks once the server
    answers. Those an earlier start delivered are put back on the fakes (in memory, so empty
    at each start), so they can be answered and hidden again."""
    channels = {lookup: (fb_id, oa_id) for lookup, fb_id, oa_id in CONNECTED}
    to_send = []
    for talk in TALKS:
        fb_id, oa_id = channels[talk.lookup]
        channel_id = fb_id if talk.platform == Platform.FACEBOOK else oa_id
        if channel_id not in (graph.pages if talk.platform == Platform.FACEBOOK else zalo.oas):
            continue  # its page is not in this demo
        known = ChannelMessage.objects.filter(
            platform=talk.platform, external_id=talk.external_id(channel_id)
        ).exists()
        if not known:
            to_send.append(Conversation(talk, channel_id))
        elif talk.platform == Platform.FACEBOOK:
            graph.add_comment(
                channel_id,
                message=talk.text,
                post_id=talk.post_id(channel_id),
                from_id=talk.author_id,
                from_name=talk.author_name,
                comment_id=talk.external_id(channel_id),
            )
        else:
            zalo.note_talk(channel_id, talk.author_id)
    return to_send


def send_conversations(
    graph: FakeGraph, zalo: FakeZalo, conversations: list[Conversation], base_url: str
) -> int:
    """Each conversation sent by its fake to congdong's webhook at `base_url`, signed as the
    platform signs; returns how many congdong accepted."""
    accepted = 0
    for item in conversations:
        talk = item.talk
        if talk.platform == Platform.FACEBOOK:
            _comment, answer = graph.send_feed_comment(
                item.channel_id,
                to_url=f"{base_url}/webhook/facebook/",
                message=talk.text,
                post_id=talk.post_id(item.channel_id),
                from_id=talk.author_id,
                from_name=talk.author_name,
                comment_id=talk.external_id(item.channel_id),
            )
        else:
            _event, answer = zalo.send_user_text(
                item.channel_id,
                to_url=f"{base_url}/webhook/zalo/",
                user_id=talk.author_id,
                text=talk.text,
                msg_id=talk.external_id(item.channel_id),
            )
        if answer is not None and answer.status_code == 200:
            accepted += 1
        else:
            log.info("demo conversation %s not accepted: %s", talk.number, answer)
    return accepted


def converse_when_up(
    graph: FakeGraph, zalo: FakeZalo, conversations: list[Conversation], base_url: str
) -> threading.Thread:
    """Send the conversations from a thread once the server at `base_url` answers (it starts
    after this is called); quiet: a failure is logged, never printed."""

    def run() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{base_url}/webhook/facebook/", timeout=2)
            except httpx.HTTPError:
                time.sleep(0.5)
                continue
            try:
                send_conversations(graph, zalo, conversations, base_url)
            except Exception:  # the demo goes on without its inbox
                log.exception("demo conversations not sent")
            return
        log.info("demo conversations not sent: %s did not answer", base_url)

    thread = threading.Thread(target=run, name="demo-conversations", daemon=True)
    thread.start()
    return thread


def start_fake_channels(say) -> tuple[FakeGraph, FakeZalo]:
    """Start both fakes, point the settings of this process at them, connect the demo pages
    and queue their newest published post to their channels; returns the fakes."""
    graph = FakeGraph(app_id=APP_ID, app_secret=APP_SECRET).start()
    zalo = FakeZalo(app_id=ZALO_APP, secret_key=ZALO_SECRET).start()
    settings.FACEBOOK_GRAPH_URL = settings.FACEBOOK_DIALOG_URL = graph.url
    settings.FACEBOOK_APP_ID, settings.FACEBOOK_APP_SECRET = APP_ID, APP_SECRET
    settings.ZALO_OAUTH_URL = settings.ZALO_API_URL = zalo.url
    settings.ZALO_APP_ID, settings.ZALO_SECRET_KEY = ZALO_APP, ZALO_SECRET
    settings.ZALO_OA_SECRET = ZALO_OA_SECRET  # how the fake signs its webhooks
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
        zalo.add_oa(
            oa_id,
            page.name,
            description=f"Trang chính thức: {address}",
            followers=40,
            oa_secret=ZALO_OA_SECRET,
        )
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
