"""A staff member signed in on the public site who presses a citizen's button (send feedback,
follow, react, comment, report, personal data) is told, in Vietnamese, that a citizen account
signed in with a verified mobile number is needed and how to get one — never a bare 403."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from congdong.engagement.models import Comment, Follow, Reaction
from congdong.feedback.models import Feedback
from congdong.moderation.models import Report
from congdong.privacy.models import DataRequest
from tests.conftest import client_for
from tests.engagement.conftest import published

pytestmark = pytest.mark.django_db
VI = {"HTTP_ACCEPT_LANGUAGE": "vi"}
NEEDED = "Việc này được thực hiện bằng tài khoản công dân"
STAFF = "kinhbac.canbo"  # an editor of phường Kinh Bắc, no verified mobile number


@pytest.fixture
def post(pages):
    """A post of Hà Nội: kinhbac.canbo reads it as any visitor (they do not operate it)."""
    return published(pages.ha_noi)


def routes(post) -> dict[str, tuple[str, str, dict]]:
    """Every citizen-only action a staff member reaches from the public site, web side:
    name → (method, url, form data)."""
    return {
        "send feedback": ("get", reverse("feedback:send"), {}),
        "send feedback (form)": ("post", reverse("feedback:send"), {"unit": post.page.unit_id}),
        "report a post": ("get", reverse("moderation:report-post", args=[post.pk]), {}),
        "my personal data": ("get", reverse("privacy:mine"), {}),
        "ask about my data": ("post", reverse("privacy:new-request"), {"kind": "access"}),
    }


def test_every_citizen_page_explains_what_to_do(personas, post):
    client = client_for(personas[STAFF])
    for name, (method, url, data) in routes(post).items():
        response = getattr(client, method)(url, data, **VI)
        assert response.status_code == 403, name
        html = response.content.decode()
        assert "Cần tài khoản công dân" in html, name
        assert NEEDED in html, name
        # The way there: log out (coming back through the phone sign-in), then the SMS code.
        assert 'id="citizen-logout"' in html and reverse("accounts:logout") in html, name
        assert f"{reverse('accounts:phone-start')}?next=" in html, name
    assert not Feedback.objects.exists() and not Report.objects.exists()
    assert not DataRequest.objects.exists()


@pytest.mark.parametrize("htmx", [True, False])
def test_follow_react_and_comment_say_why_on_the_page(personas, post, htmx):
    client = client_for(personas[STAFF])
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    actions = {
        "follow": (reverse("engagement:follow", args=[post.page.pk]), {}),
        "react": (reverse("engagement:react", args=[post.pk]), {"kind": "like"}),
        "comment": (
            reverse("engagement:comment", args=[post.page.slug, post.pk]),
            {"body": "Xin chào"},
        ),
    }
    for name, (url, data) in actions.items():
        response = client.post(url, data, follow=not htmx, **headers, **VI)
        assert NEEDED in response.content.decode(), name
        if htmx:
            assert response.status_code == 403, name
    assert not Follow.objects.exists() and not Reaction.objects.exists()
    assert not Comment.objects.exists()


def test_the_comment_box_tells_staff_how_to_comment(personas, post):
    page = reverse("posts:public", args=[post.page.slug, post.pk])
    html = client_for(personas[STAFF]).get(page, **VI).content.decode()
    assert 'id="binh-luan-can-bo"' in html
    assert reverse("core:citizen-needed") in html
    explained = client_for(personas[STAFF]).get(reverse("core:citizen-needed"), **VI)
    assert explained.status_code == 200 and NEEDED in explained.content.decode()


def test_the_api_says_the_same(personas, post):
    client = client_for(personas[STAFF])
    calls = {
        "follow": (f"/api/v1/pages/{post.page.pk}/follow", {}),
        "react": (f"/api/v1/posts/{post.pk}/reactions", {"kind": "like"}),
        "comment": (f"/api/v1/posts/{post.pk}/comments", {"body": "Xin chào"}),
        "report": ("/api/v1/moderation/reports", {"kind": "post", "id": post.pk, "reason": "spam"}),
        "data request": ("/api/v1/privacy/requests", {"kind": "access", "text": "Cho tôi xem."}),
    }
    for name, (url, data) in calls.items():
        response = client.post(url, json.dumps(data), content_type="application/json", **VI)
        assert response.status_code == 403, (name, response.content)
        assert response.json()["detail"].startswith(NEEDED), name
    sent = client.post(
        "/api/v1/feedback",
        {"unit_id": post.page.unit_id, "category_id": 1, "text": "Đường hỏng", "consent": "true"},
        **VI,
    )
    assert sent.status_code == 403 and sent.json()["detail"].startswith(NEEDED)
