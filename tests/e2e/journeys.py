"""Steps several journeys take the same way: the fake platforms, a staff member opening a page
of the workspace, a new post's first fields, a publish-down launched, and the feedback moves."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from cryptography.fernet import Fernet
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from congdong.accounts.models import User
from congdong.campaigns.models import Campaign
from congdong.engagement.actions import comments as comment_actions
from congdong.engagement.models import Comment
from congdong.feedback.models import Feedback
from congdong.pages.actions import do_establish_many
from congdong.pages.models import Page as CommunityPage
from congdong.posts.default_regulation import ensure_default_regulation
from congdong.posts.models import Post
from congdong_tools.fakes.graph import FakeGraph
from congdong_tools.fakes.zalo import FakeZalo
from tests.conftest import commune_named
from tests.e2e.test_province_admin_roles import staff_login, url_ending
from tests.engagement.conftest import citizen, published

FEEDBACK_QUEUE = "/lam-viec/phan-anh/"


@contextmanager
def fake_platforms(settings) -> Iterator[tuple[FakeGraph, FakeZalo]]:
    """The fake Graph API and Zalo OA API (real HTTP on 127.0.0.1), congdong pointed at them
    with a fresh token key."""
    with (
        FakeGraph(app_id="1234567890", app_secret="graph-secret") as graph,
        FakeZalo(app_id="4291763606161179100", secret_key="zalo-secret") as zalo,
    ):
        settings.FACEBOOK_GRAPH_URL = settings.FACEBOOK_DIALOG_URL = graph.url
        settings.FACEBOOK_APP_ID, settings.FACEBOOK_APP_SECRET = graph.app_id, graph.app_secret
        settings.ZALO_OAUTH_URL = settings.ZALO_API_URL = zalo.url
        settings.ZALO_APP_ID, settings.ZALO_SECRET_KEY = zalo.app_id, zalo.secret_key
        settings.CHANNEL_TOKEN_KEY = Fernet.generate_key().decode()
        yield graph, zalo


def staff_opens(page: Page, username: str, link: str, path: str) -> None:
    """`username` signs in and follows the workspace's `link` (a selector) to `path`."""
    staff_login(page, username)
    page.locator(link).first.click()
    expect(page).to_have_url(url_ending(path))


def new_post_form(page: Page, on: CommunityPage, title: str) -> Locator:
    """On the editor's desk: the new post's page (`on`), category and title filled in."""
    form = page.locator("#new-post")
    form.locator("select[name=page]").select_option(str(on.pk))
    form.locator("select[name=category]").select_option("hoat-dong-mat-tran")
    form.locator("input[name=title]").fill(title)
    return form


def launch_publish_down(page: Page, post: Post) -> Campaign:
    """On the campaigns page: `post` published down to every page below, launched."""
    form = page.locator("#new-campaign")
    form.locator("select[name=post]").select_option(str(post.pk))
    form.locator("select[name=mode]").select_option("publish")
    form.locator("select[name=targeting]").select_option("all_below")
    form.locator("button[type=submit]:not([name])").click()
    campaign = Campaign.objects.get()
    expect(page).to_have_url(url_ending(f"/lam-viec/chien-dich/{campaign.pk}/"))
    page.locator("form.launch button").click()
    expect(page.locator(".msg.success")).to_be_visible()
    return campaign


def commented_post(body: str) -> tuple[Post, Comment]:
    """A post published on phường Kinh Bắc's page and a citizen's comment `body` on it."""
    ensure_default_regulation()
    unit = commune_named("24", "Kinh Bắc")
    do_establish_many([unit], opened_at=timezone.now())
    post = published(CommunityPage.objects.get(unit=unit))
    return post, comment_actions.comment(citizen("+84911000001", "Người Viết"), post.pk, body)


def send_publicly(page: Page) -> Feedback:
    """On the filled feedback form: made public, consented to and sent; the tracking code shown
    is the item's."""
    page.get_by_label(re.compile("^Công khai:")).check()
    page.get_by_label(re.compile("^Tôi đồng ý")).check()
    page.locator("#send-button").click()
    code = page.locator("#tracking-code")
    expect(code).to_have_text(re.compile(r"^PA-\d{4}-[A-Z0-9]{6}$"))
    item = Feedback.objects.get()
    expect(code).to_have_text(item.code)
    return item


def open_and_accept(page: Page, item: Feedback, words: str) -> None:
    """From the feedback queue: the item opened (its text has `words`) and accepted."""
    page.get_by_role("link", name=item.code).click()
    expect(page).to_have_url(url_ending(f"{FEEDBACK_QUEUE}{item.pk}/"))
    expect(page.locator("#item-text")).to_contain_text(words)
    page.locator("#move-accept button[type=submit]").click()
    expect(page.locator("#item-state")).to_have_attribute("data-state", "accepted")


def escalate_to_province(page: Page, item: Feedback, reason: str) -> None:
    """On the accepted item's page: escalated with `reason`; back on the queue, it is gone."""
    page.locator("#move-escalate textarea[name=reason]").fill(reason)
    page.locator("#move-escalate button[type=submit]").click()
    expect(page).to_have_url(url_ending(FEEDBACK_QUEUE))
    expect(page.locator(".msg.success")).to_contain_text("Bắc Ninh")
    expect(page.get_by_role("link", name=item.code)).to_have_count(0)


def assign_and_answer(page: Page, officer: User, answer: str) -> None:
    """On the item's page: assigned to `officer`, then answered with `answer`."""
    page.locator("#move-assign select[name=officer]").select_option(str(officer.pk))
    page.locator("#move-assign button[type=submit]").click()
    expect(page.locator("#item-state")).to_have_attribute("data-state", "assigned")
    page.locator("#move-answer textarea[name=answer]").fill(answer)
    page.locator("#move-answer button[type=submit]").click()
    expect(page.locator("#item-state")).to_have_attribute("data-state", "answered")


def open_situation(page: Page, username: str, unit_pk: int) -> None:
    """`username` signs in and opens the people's situation of Bắc Ninh (`unit_pk`) from the
    workspace."""
    staff_login(page, username)
    expect(page).to_have_url(url_ending("/lam-viec/"))
    page.locator("#situation-link").click()
    expect(page).to_have_url(url_ending(f"/lam-viec/tinh-hinh-nhan-dan/{unit_pk}/"))
    expect(page.locator("h1")).to_contain_text("Bắc Ninh")
