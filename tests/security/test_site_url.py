"""Absolute links come from the configured site address (CONGDONG_SITE_URL), never from the
request's Host: a request under another host or port changes no link — in a page built for it,
in the copy the public cache keeps for everyone, in API answers, share links, mails or SMS."""

from __future__ import annotations

import datetime
import json
import re
import runpy
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from congdong.accounts.roles import Role
from congdong.accounts.tokens import do_issue_token
from congdong.engagement import tasks
from congdong.engagement.actions import notifications
from congdong.engagement.models import DigestChoice, Notification, NotificationKind
from congdong.feedback import actions as feedback_actions
from congdong.feedback.models import Category
from congdong.posts import actions as post_actions
from congdong.posts.models import Post
from congdong.privacy import actions as privacy_actions
from congdong.privacy import notices
from tests.conftest import client_for, unit_2025
from tests.engagement.conftest import citizen
from tests.posts.conftest import Pages, grant, write
from tests.uploads import picture

pytestmark = pytest.mark.django_db
SITE = "https://congdong.example.vn"
# Allowed hosts (127.0.0.1 is) with a port nobody serves: what the outside test sent.
POISON = "127.0.0.1:6666"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def site(settings, tmp_path):
    settings.SITE_URL = SITE
    settings.MEDIA_ROOT = tmp_path
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def published_with_picture(page) -> Post:
    editor = grant(f"bientap.{page.pk}", page.unit, Role.EDITOR)
    approver = grant(f"duyet.{page.pk}", page.unit, Role.APPROVER)
    draft = write(editor, page, title="Ra quân làm sạch môi trường khu dân cư")
    post_actions.add_media(editor, draft.pk, images=[picture()], alt_text="Đoàn viên ra quân")
    post_actions.submit(editor, draft.pk)
    post_actions.approve(approver, draft.pk)
    return post_actions.publish_or_schedule(editor, draft.pk)


def links(html: str) -> list[str]:
    """Every absolute address in the page (attributes and text)."""
    return re.findall(r"https?://[^\s\"'<>]+", html)


def own_links(html: str) -> list[str]:
    """Absolute addresses pointing at us (outside sites, e.g. Facebook's sharer, are not)."""
    return [u for u in links(html) if "127.0.0.1" in u or "testserver" in u or SITE in u]


def public_views(pages: Pages, post: Post) -> dict[str, str]:
    page = pages.kinh_bac
    return {
        "home": reverse("site:home"),
        "directory": reverse("units:detail", args=[page.unit_id]),
        "page": reverse("pages:public", args=[page.slug]),
        "post": reverse("posts:public", args=[page.slug, post.pk]),
        "answers": reverse("feedback:public-answers", args=[page.slug]),
        "search": reverse("engagement:search"),
        "policy": reverse("privacy:policy"),
    }


VIEWS = ["home", "directory", "page", "post", "answers", "search", "policy"]
CACHED = {"home", "page", "post", "answers", "search"}  # core/public_cache.py


@pytest.mark.parametrize("view", VIEWS)
def test_a_request_under_another_port_changes_no_link_for_it_nor_for_the_next_visitor(pages, view):
    path = public_views(pages, published_with_picture(pages.kinh_bac))[view]
    poisoned = Client().get(path, HTTP_HOST=POISON)
    assert poisoned.status_code == 200
    assert "6666" not in poisoned.text
    ours = own_links(poisoned.text)
    assert ours and all(u.startswith(SITE + "/") for u in ours), ours

    after = Client().get(path)  # an ordinary visitor, served the copy the first one left
    assert after.status_code == 200 and "6666" not in after.text
    # The cached views serve the first visitor's copy: it is the same for everyone.
    assert after.get("X-Cache") == ("hit" if view in CACHED else None)
    assert f'<link rel="canonical" href="{SITE}{path}">' in after.text


def test_the_post_card_points_at_the_site_for_its_page_and_picture(pages):
    post = published_with_picture(pages.kinh_bac)
    path = reverse("posts:public", args=[pages.kinh_bac.slug, post.pk])
    html = Client().get(path, HTTP_HOST=POISON, secure=True).text
    assert f'<meta property="og:url" content="{SITE}{path}">' in html
    image = post.images.get().url  # the view that serves it: post files have no media address
    assert f'<meta property="og:image" content="{SITE}{image}">' in html
    assert f'<meta name="twitter:image" content="{SITE}{image}">' in html


def test_the_share_link_and_the_api_answers_use_the_site_address(pages):
    post = published_with_picture(pages.kinh_bac)
    an = citizen("+84912000031", "Nguyễn Văn An")
    client = client_for(an)
    share = client.get(
        reverse("engagement:share", args=[pages.kinh_bac.pk]), {"tin": post.pk}, HTTP_HOST=POISON
    )
    link = re.search(r'id="share-link" type="text" readonly value="([^"]+)"', share.text)
    assert link and link.group(1).startswith(f"{SITE}/trang/{pages.kinh_bac.slug}/tin/")

    api = Client()
    page = api.get(f"/api/v1/public/pages/{pages.kinh_bac.slug}", HTTP_HOST=POISON).json()
    detail = api.get(f"/api/v1/public/posts/{post.pk}", HTTP_HOST=POISON).json()
    key = {"HTTP_AUTHORIZATION": f"Bearer {do_issue_token(an).key}", "HTTP_HOST": POISON}
    referral = api.get(
        "/api/v1/me/referral-link", {"page_id": pages.kinh_bac.pk, "post_id": post.pk}, **key
    ).json()
    urls = [page["url"], detail["url"], *(i["url"] for i in detail["images"]), referral["url"]]
    assert all(u.startswith(SITE + "/") for u in urls), urls


def test_the_citizens_feedback_api_gives_site_addresses(pages):
    an = citizen("+84912000032", "Nguyễn Văn An")
    category = Category.objects.order_by("pk").first()
    item = feedback_actions.submit(
        an,
        pages.kinh_bac.unit_id,
        category_id=category.pk,
        text="Đường liên thôn bị sụt lún sau mưa lớn, xe máy đi lại rất nguy hiểm.",
        public=False,
        consent=True,
        files=[picture()],
    )
    headers = {"HTTP_AUTHORIZATION": f"Bearer {do_issue_token(an).key}", "HTTP_HOST": POISON}
    answer = Client().get(f"/api/v1/me/feedback/{item.pk}", **headers).json()
    urls = [answer["url"], *(f["url"] for f in answer["files"])]
    assert len(urls) == 2 and all(u.startswith(SITE + "/") for u in urls), urls


def _tell(user, post: Post) -> None:
    Notification.objects.create(
        recipient=user, kind=NotificationKind.NEW_POST, post=post, created_at=timezone.now()
    )


def test_the_mail_and_sms_digests_link_to_the_site(
    pages, sms_outbox, settings, django_capture_on_commit_callbacks
):
    # Whatever hosts are allowed (the old code took the first of them).
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "congdong.example.vn"]
    post = published_with_picture(pages.kinh_bac)
    by_mail = citizen("+84912000033", "Nguyễn Văn An")
    by_sms = citizen("+84912000034", "Trần Thị Bình")
    with django_capture_on_commit_callbacks(execute=True):
        notifications.save_settings(by_mail, DigestChoice.EMAIL, "an@example.vn")
    # The address is confirmed by a link to the site, then digests go to it.
    (confirmation,) = mail.outbox
    assert SITE + "/" in confirmation.body and "127.0.0.1" not in confirmation.body
    notifications.confirm_email(notifications.confirmation_token(by_mail.pk, "an@example.vn"))
    mail.outbox.clear()
    notifications.save_settings(by_sms, DigestChoice.SMS, "")
    _tell(by_mail, post)
    _tell(by_sms, post)

    assert tasks.send_digests() == 2

    expected = SITE + reverse("engagement:notifications")
    (message,) = mail.outbox
    assert expected in message.body
    (sms,) = [json.loads(line) for line in sms_outbox.read_text(encoding="utf-8").splitlines()]
    assert expected in sms["text"]


def test_the_overdue_alarm_mail_links_to_the_site(personas):
    officer = grant("tw.baove", unit_2025("TW"), Role.DATA_PROTECTION)
    officer.email = "baove@example.vn"
    officer.save()
    an = citizen("+84912000035", "Nguyễn Văn An")
    request = privacy_actions.submit(an, "access", "Xin bản sao dữ liệu cá nhân của tôi.")

    assert notices.notify_overdue(request.due_at + datetime.timedelta(minutes=1)) == 1
    (message,) = mail.outbox
    assert SITE + reverse("privacy:staff-list") in message.body


# ---------------------------------------------------------------- configuration


def _settings(monkeypatch, tmp_path, **env) -> dict:
    """The settings module as a fresh process would read it with `env`."""
    monkeypatch.setenv("CONGDONG_DATA_DIR", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "congdong" / "settings.py"))


def test_the_site_address_is_allowed_whatever_hosts_are_listed(monkeypatch, tmp_path):
    read = _settings(
        monkeypatch,
        tmp_path,
        CONGDONG_SITE_URL="https://congdong.mattran.org.vn/",
        CONGDONG_ALLOWED_HOSTS="127.0.0.1",
    )
    assert read["SITE_URL"] == "https://congdong.mattran.org.vn"
    assert read["ALLOWED_HOSTS"] == ["127.0.0.1", "congdong.mattran.org.vn"]
    assert read["CSRF_TRUSTED_ORIGINS"] == ["https://congdong.mattran.org.vn"]


@pytest.mark.parametrize(
    "value", ["congdong.vn", "ftp://congdong.vn", "https://congdong.vn/trang", "https://"]
)
def test_a_site_address_that_is_not_one_is_refused_at_start(monkeypatch, tmp_path, value):
    with pytest.raises(ImproperlyConfigured, match="CONGDONG_SITE_URL"):
        _settings(monkeypatch, tmp_path, CONGDONG_SITE_URL=value)


@pytest.mark.parametrize(
    ("addrport", "expected"),
    [
        ("8000", "http://127.0.0.1:8000"),
        ("127.0.0.1:8001", "http://127.0.0.1:8001"),
        ("0.0.0.0:8080", "http://127.0.0.1:8080"),
        ("192.168.1.5:8000", "http://192.168.1.5:8000"),
    ],
)
def test_the_demo_links_to_the_server_it_starts(monkeypatch, settings, addrport, expected):
    from congdong_tools.management.commands.demo import use_site_url

    monkeypatch.delenv("CONGDONG_SITE_URL", raising=False)
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    use_site_url(addrport)
    assert expected == settings.SITE_URL
    assert expected.split("//")[1].split(":")[0] in settings.ALLOWED_HOSTS


def test_the_demo_keeps_a_site_address_the_operator_set(monkeypatch, settings):
    from congdong_tools.management.commands.demo import use_site_url

    monkeypatch.setenv("CONGDONG_SITE_URL", SITE)
    use_site_url("0.0.0.0:9000")
    assert settings.SITE_URL == SITE


def test_no_code_builds_a_link_from_the_request():
    """The class, guarded: links from the request's host or scheme are not built anywhere."""
    found = []
    for path in (ROOT / "congdong").rglob("*"):
        if path.suffix not in (".py", ".html", ".txt") or "vendor" in path.parts:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for pattern in ("build_absolute_uri", "request.get_host }}", "request.scheme }}"):
            if pattern in text:
                found.append(f"{path.relative_to(ROOT)}: {pattern}")
    assert found == []


def test_the_deploy_check_warns_of_a_site_address_that_is_not_https(settings):
    from django.core import checks

    settings.HTTPS = True
    settings.SITE_URL = "http://127.0.0.1:8000"  # the laptop's default, forgotten
    ids = [m.id for m in checks.run_checks(include_deployment_checks=True)]
    assert "congdong.W001" in ids
    settings.SITE_URL = SITE
    ids = [m.id for m in checks.run_checks(include_deployment_checks=True)]
    assert "congdong.W001" not in ids
