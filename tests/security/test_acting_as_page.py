"""What is done "as the page" is told in the page's name, never the operator's (issue 15,
point 14).

An operator's answer given in the name of the page used to name the operator personally in the
citizen's bell and daily digest. Every place a citizen is told of it — the bell, the e-mail
digest, the API, the thread — now names the page.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core import mail
from django.urls import reverse

from congdong.accounts.models import User
from congdong.engagement.actions import notifications
from congdong.engagement.models import Comment, DigestChoice, NotificationKind
from congdong.posts import actions as post_actions
from congdong.posts.models import Post
from tests.conftest import client_for
from tests.engagement.conftest import citizen
from tests.posts.conftest import pages, regulation, submitted  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(personas, pages) -> Post:  # noqa: F811 (the fixture imported above)
    editor, admin = personas["kinhbac.canbo"], personas["bacninh.quantri"]
    draft = submitted(editor, pages.kinh_bac, title="Lịch tiếp công dân tháng Mười hai")
    post_actions.approve(admin, draft.pk)
    return post_actions.publish_or_schedule(editor, draft.pk)


@pytest.fixture
def binh() -> User:
    return citizen("+84913500001", "Trần Thị Bình")


def _bell(user: User) -> str:
    response = client_for(user).get(reverse("engagement:notifications"))
    assert response.status_code == 200
    return response.content.decode()


def _digest(user: User) -> str:
    notifications.save_settings(user, DigestChoice.EMAIL, "binh@example.vn")
    # Digests go to a confirmed address only (tests/security/test_digest_email_verification.py).
    notifications.confirm_email(notifications.confirmation_token(user.pk, "binh@example.vn"))
    mail.outbox.clear()
    assert notifications.send_digests() == 1
    (message,) = mail.outbox
    return message.body


def _api(user: User) -> str:
    response = client_for(user).get("/api/v1/me/notifications")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("told", [_bell, _digest], ids=["bell", "digest"])
def test_an_answer_as_the_page_is_told_in_the_pages_name(
    post, binh, personas, run_after_commit, told: Callable[[User], str]
):
    operator = personas["kinhbac.canbo"]
    client_for(binh).post(
        reverse("engagement:comment", args=[post.page.slug, post.pk]), {"body": "Xin hỏi lịch"}
    )
    question = Comment.objects.get()
    answer = reverse("engagement:comment-reply", args=[question.pk])
    response = run_after_commit(
        lambda: client_for(operator).post(answer, {"body": "Thứ Bảy hằng tuần", "as_page": "1"})
    )
    assert response.status_code == 302
    assert binh.notifications.get().kind == NotificationKind.REPLY

    text = told(binh)
    assert post.page.name in text and post.title in text
    assert operator.full_name not in text and operator.username not in text


def test_a_citizens_own_reply_still_names_the_citizen_and_the_page_answer_never_its_operator(
    post, binh, personas, run_after_commit
):
    cuong = citizen("+84913500002", "Lê Văn Cường")
    operator = personas["kinhbac.canbo"]
    client_for(binh).post(
        reverse("engagement:comment", args=[post.page.slug, post.pk]), {"body": "Xin hỏi lịch"}
    )
    question = Comment.objects.get()
    reply = reverse("engagement:comment-reply", args=[question.pk])
    run_after_commit(lambda: client_for(cuong).post(reply, {"body": "Tôi cũng muốn biết"}))
    run_after_commit(lambda: client_for(operator).post(reply, {"body": "Thứ Bảy", "as_page": "1"}))

    bell = _bell(binh)
    assert cuong.full_name in bell  # a citizen speaks for themselves
    assert post.page.name in bell and operator.full_name not in bell
    # The API and the thread say the same.
    assert operator.full_name not in _api(binh)
    (thread,) = client_for(binh).get(f"/api/v1/public/posts/{post.pk}/comments").json()
    assert [r["author"] for r in thread["replies"]] == [cuong.full_name, post.page.name]
