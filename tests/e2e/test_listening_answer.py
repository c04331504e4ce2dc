"""Journey: a citizen comments on Bắc Ninh's Facebook Page (the fake sends the signed `feed`
webhook over real HTTP to the live server); the worker files it in the page's inbox; the
province admin reads it in congdong, answers as the page, and the fake Facebook shows the
reply under the comment, written by the Page."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.utils import timezone
from playwright.sync_api import Page, expect

from congdong.channels.actions import Linking, do_link
from congdong.channels.models import ChannelKind
from congdong.listening.actions import process_pending
from congdong.listening.models import ChannelMessageAccess
from congdong.pages.actions import do_establish_many
from congdong.pages.models import Page as CommunityPage
from congdong_tools.fakes.graph import FakeGraph
from tests.conftest import unit_2025
from tests.e2e.test_province_admin_roles import staff_login, url_ending

pytestmark = pytest.mark.e2e


@pytest.fixture
def graph(settings):
    with FakeGraph(app_id="1234567890", app_secret="graph-secret") as fake:
        settings.FACEBOOK_GRAPH_URL = settings.FACEBOOK_DIALOG_URL = fake.url
        settings.FACEBOOK_APP_ID, settings.FACEBOOK_APP_SECRET = fake.app_id, fake.app_secret
        settings.CHANNEL_TOKEN_KEY = Fernet.generate_key().decode()
        yield fake


def test_an_operator_answers_a_facebook_comment_from_congdong(
    page: Page, e2e_data, graph, live_server
):
    do_establish_many([unit_2025("24")], opened_at=timezone.now())
    record = CommunityPage.objects.get(unit=unit_2025("24"))
    graph.add_user("9001", "Nguyễn Thị Lan")
    graph.add_page("1111", "MTTQ tỉnh Bắc Ninh", admins=["9001"])
    do_link(
        None,
        Linking(
            page=record,
            kind=ChannelKind.FACEBOOK,
            external_id="1111",
            url="https://www.facebook.com/1111",
            name="MTTQ tỉnh Bắc Ninh",
            backlink_ok=True,
            admin_verified=True,
            tasks=["MODERATE", "CREATE_CONTENT"],
            access_token=graph.token_for("9001", page_id="1111"),
        ),
    )

    comment, answer = graph.send_feed_comment(
        "1111",
        to_url=f"{live_server.url}/webhook/facebook/",
        message="Đèn đường ở thôn Đông hỏng cả tuần nay",
        from_name="Trần Văn Bình",
    )
    assert answer is not None and answer.status_code == 200
    assert process_pending() == 1  # the worker's sweep

    staff_login(page, "bacninh.quantri")
    expect(page).to_have_url(url_ending("/lam-viec/"))
    page.goto(f"/lam-viec/trang/{record.pk}/kenh/")
    page.locator("#inbox-link").click()
    expect(page).to_have_url(url_ending(f"/lam-viec/trang/{record.pk}/lang-nghe/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Bình luận, tin nhắn từ Facebook/Zalo"
    )
    item = page.locator("li[data-platform=facebook]")
    expect(item.locator(".citizen-text")).to_have_text("Đèn đường ở thôn Đông hỏng cả tuần nay")
    expect(item).to_contain_text("Trần Văn Bình")

    item.get_by_label("Trả lời với danh nghĩa trang").fill("Cảm ơn anh, đã báo điện lực xã.")
    item.get_by_role("button", name="Gửi trả lời").click()
    expect(page.get_by_text("Câu trả lời đã được đăng với danh nghĩa trang.")).to_be_visible()
    expect(page.locator("li[data-platform=facebook] .history q")).to_have_text(
        "Cảm ơn anh, đã báo điện lực xã."
    )

    replies = graph.comments_on(comment.id)
    assert [(r.message, r.from_id, r.from_name) for r in replies] == [
        ("Cảm ơn anh, đã báo điện lực xã.", "1111", "MTTQ tỉnh Bắc Ninh")
    ]
    # Each opening of the inbox was a read of the citizen's text.
    assert ChannelMessageAccess.objects.filter(user=e2e_data["bacninh.quantri"]).count() == 2
