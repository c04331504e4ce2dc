"""Comments on published posts: who may write, what is refused, review, replies, answers of the
page, edits and deletions, hiding, limits, and what each reader sees."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from congdong.accounts.models import User
from congdong.engagement.comments import held_for, thread
from congdong.engagement.models import (
    Comment,
    CommentState,
    CommentTransition,
    Notification,
    NotificationKind,
)
from congdong.engagement.views.comments import section_context
from congdong.pages import actions as page_actions
from congdong.pages.models import CommentPolicy, Page
from congdong.posts.models import Post
from tests.conftest import client_for
from tests.engagement.conftest import citizen
from tests.posts.conftest import published

pytestmark = pytest.mark.django_db
S = CommentState
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # rate-limit windows and double-submit keys must not leak between tests
    yield
    cache.clear()


@pytest.fixture
def binh() -> User:
    """A citizen of Kinh Bắc with a verified mobile number."""
    return citizen("+84911000001", "Trần Thị Bình")


@pytest.fixture
def cuong() -> User:
    """Another verified citizen."""
    return citizen("+84911000002", "Lê Văn Cường")


@pytest.fixture
def post(personas, pages) -> Post:
    """A published post on the page of phường Kinh Bắc (comments open)."""
    editor, admin = personas["kinhbac.canbo"], personas["bacninh.quantri"]
    return published(editor, admin, pages.kinh_bac, title="Ra quân làm sạch môi trường")


def policy(page: Page, value: CommentPolicy) -> None:
    Page.objects.filter(pk=page.pk).update(comment_policy=value)


def post_url(post: Post) -> str:
    return reverse("posts:public", args=[post.page.slug, post.pk])


def comment_url(post: Post) -> str:
    return reverse("engagement:comment", args=[post.page.slug, post.pk])


def url(name: str, comment: Comment) -> str:
    return reverse(f"engagement:comment-{name}", args=[comment.pk])


def moves(comment: Comment) -> list[tuple[str, str]]:
    return list(
        CommentTransition.objects.filter(comment=comment)
        .order_by("pk")
        .values_list("from_state", "to_state")
    )


# --- writing ------------------------------------------------------------------------------------


def test_verified_citizen_comments_and_it_appears(post, binh):
    client = client_for(binh)
    response = client.post(comment_url(post), {"body": "Cảm ơn Ban công tác Mặt trận!"})
    made = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{post_url(post)}#c{made.pk}"
    assert (made.author, made.state, made.parent) == (binh, S.VISIBLE, None)
    assert moves(made) == [("", S.VISIBLE)]
    html = client.get(post_url(post)).content.decode()
    assert "Cảm ơn Ban công tác Mặt trận!" in html
    assert 'data-comment-count="1"' in html and f'id="c{made.pk}"' in html
    # Others see it too.
    assert "Cảm ơn Ban công tác Mặt trận!" in Client().get(post_url(post)).content.decode()


def test_unverified_locked_and_anonymous_people_cannot_comment(post):
    unverified = citizen("+84911000003", "Chưa Xác Minh", verified=False)
    locked = citizen("+84911000004", "Bị Khoá", active=False)
    for client in (Client(), client_for(unverified), client_for(locked)):
        assert client.post(comment_url(post), {"body": "Xin chào"}).status_code == 403
    assert not Comment.objects.exists()
    html = client_for(unverified).get(post_url(post)).content.decode()
    assert 'id="binh-luan-xac-minh"' in html and 'id="binh-luan-moi"' not in html


def test_empty_and_oversized_comments_are_refused_and_the_text_is_kept(post, binh):
    client = client_for(binh)
    for blank in ("", "   \n\t  ", "\x00\x07"):
        response = client.post(comment_url(post), {"body": blank})
        assert response.status_code == 400
        assert 'id="binh-luan-loi"' in response.content.decode()
    too_long = "Ý kiến " + "x" * 2000
    response = client.post(comment_url(post), {"body": too_long})
    assert response.status_code == 400
    assert too_long in response.content.decode()  # the form again, with what they wrote
    assert not Comment.objects.exists()
    # Exactly 2,000 characters is fine.
    assert client.post(comment_url(post), {"body": "y" * 2000}).status_code == 302
    assert Comment.objects.get().body == "y" * 2000


def test_htmx_refusal_comes_back_in_the_section_with_the_field_marked(post, binh):
    response = client_for(binh).post(comment_url(post), {"body": " "}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="binh-luan-body"' in html and 'id="binh-luan-moi-loi"' in html
    assert 'aria-invalid="true"' in html


def test_script_is_stored_as_plain_text_and_shown_escaped(post, binh):
    client = client_for(binh)
    client.post(comment_url(post), {"body": "<script>alert('x')</script>\x1b<b>đậm</b>\r\ndòng 2"})
    made = Comment.objects.get()
    assert made.body == "<script>alert('x')</script><b>đậm</b>\ndòng 2"  # control chars gone
    html = Client().get(post_url(post)).content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<script>alert" not in html and "<b>đậm</b>" not in html
    assert "&lt;b&gt;đậm&lt;/b&gt;<br>dòng 2" in html  # line breaks kept, nothing else


def test_htmx_comment_returns_the_section_and_the_status_message(post, binh):
    response = client_for(binh).post(comment_url(post), {"body": "Qua htmx"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<div id="binh-luan-body"') and "Qua htmx" in html
    assert 'id="binh-luan-status" hx-swap-oob="innerHTML"' in html


def test_a_double_submit_writes_one_comment(post, binh):
    client = client_for(binh)
    first = client.post(comment_url(post), {"body": "Gửi hai lần"})
    second = client.post(comment_url(post), {"body": "  Gửi hai lần "})
    assert Comment.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert CommentTransition.objects.count() == 1
    # Another text, or the same text later, is a new comment.
    client.post(comment_url(post), {"body": "Ý kiến khác"})
    assert Comment.objects.count() == 2


def test_over_the_limit_is_429_with_a_message_and_nothing_written(post, binh, settings):
    settings.ENGAGEMENT_LIMITS = {**settings.ENGAGEMENT_LIMITS, "comment": 2}
    client = client_for(binh)
    for n in range(2):
        assert client.post(comment_url(post), {"body": f"Ý kiến {n}"}).status_code == 302
    response = client.post(comment_url(post), {"body": "Ý kiến thứ ba"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    html = response.content.decode()
    assert 'id="binh-luan-loi"' in html and "Ý kiến thứ ba" in html  # message, text kept
    assert Comment.objects.count() == 2
    htmx = client.post(comment_url(post), {"body": "Lần nữa"}, **HTMX)
    assert htmx.status_code == 429 and 'id="binh-luan-body"' in htmx.content.decode()


def test_a_page_closed_to_comments_refuses_them(post, binh, pages):
    policy(pages.kinh_bac, CommentPolicy.CLOSED)
    response = client_for(binh).post(comment_url(post), {"body": "Xin hỏi"})
    assert response.status_code == 400
    assert not Comment.objects.exists()
    html = client_for(binh).get(post_url(post)).content.decode()
    assert 'id="binh-luan-dong"' in html and 'id="binh-luan-moi"' not in html


# --- review -------------------------------------------------------------------------------------


def test_review_page_holds_a_comment_until_an_operator_of_that_page_shows_it(
    post, binh, pages, personas
):
    policy(pages.kinh_bac, CommentPolicy.REVIEW)
    client_for(binh).post(comment_url(post), {"body": "Chờ duyệt nhé"})
    held = Comment.objects.get()
    assert held.state == S.HELD
    assert "Chờ duyệt nhé" not in Client().get(post_url(post)).content.decode()
    mine = client_for(binh).get(post_url(post)).content.decode()
    assert "Chờ duyệt nhé" in mine and 'data-mark="held"' in mine  # its author sees it, marked

    # An operator of Hà Nội's page runs nothing in Bắc Ninh.
    hanoi = personas["hanoi.quantri"]
    # Out of their scope: 404, as any staff-side object (tests/security/test_out_of_scope_404.py).
    assert client_for(hanoi).post(url("show", held)).status_code == 404
    assert client_for(hanoi).post(url("hide", held), {"reason": "Spam"}).status_code == 404
    assert f'id="q{held.pk}"' not in client_for(hanoi).get("/lam-viec/binh-luan/").content.decode()
    held.refresh_from_db()
    assert held.state == S.HELD

    operator = client_for(personas["kinhbac.canbo"])
    queue = operator.get("/lam-viec/binh-luan/").content.decode()
    assert f'id="q{held.pk}"' in queue and "Chờ duyệt nhé" in queue
    response = operator.post(url("show", held), {"back": "queue"}, **HTMX)
    assert response.status_code == 200
    assert f'id="q{held.pk}"' in response.content.decode()
    assert 'data-state="visible"' in response.content.decode()
    # A second click changes nothing twice.
    assert operator.post(url("show", held), {"back": "queue"}).status_code == 302
    held.refresh_from_db()
    assert held.state == S.VISIBLE
    assert moves(held) == [("", S.HELD), (S.HELD, S.VISIBLE)]
    assert CommentTransition.objects.get(to_state=S.VISIBLE).actor == personas["kinhbac.canbo"]
    assert "Chờ duyệt nhé" in Client().get(post_url(post)).content.decode()
    assert held_for(personas["kinhbac.canbo"]) == []


def test_operators_see_held_and_hidden_comments_marked_on_the_post(post, binh, pages, personas):
    policy(pages.kinh_bac, CommentPolicy.REVIEW)
    client_for(binh).post(comment_url(post), {"body": "Cần xem lại"})
    held = Comment.objects.get()
    html = client_for(personas["kinhbac.canbo"]).get(post_url(post)).content.decode()
    assert "Cần xem lại" in html and 'data-mark="held"' in html and 'data-op="show"' in html
    # A citizen who is not the author sees nothing of it.
    other = citizen("+84911000005", "Người Khác")
    assert "Cần xem lại" not in client_for(other).get(post_url(post)).content.decode()
    assert thread(post, AnonymousUser()) == []
    assert [c.pk for c in thread(post, personas["kinhbac.canbo"])] == [held.pk]


def test_a_co_admin_of_the_page_moderates_it(post, binh, pages, personas):
    page_actions.add_operator(personas["bacninh.quantri"], pages.kinh_bac.pk, "kinhbac.doanvien")
    policy(pages.kinh_bac, CommentPolicy.REVIEW)
    client_for(binh).post(comment_url(post), {"body": "Đoàn viên duyệt"})
    held = Comment.objects.get()
    doanvien = personas["kinhbac.doanvien"]
    assert [c.pk for c in thread(post, doanvien)] == [held.pk]
    assert [c.pk for c in held_for(doanvien)] == [held.pk]
    assert client_for(doanvien).post(url("show", held)).status_code == 302
    held.refresh_from_db()
    assert held.state == S.VISIBLE


# --- replies and answers ------------------------------------------------------------------------


def test_a_reply_to_a_reply_attaches_to_the_top_comment_and_notifies(
    post, binh, cuong, django_capture_on_commit_callbacks
):
    client_for(binh).post(comment_url(post), {"body": "Khi nào làm tiếp?"})
    top = Comment.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(cuong).post(url("reply", top), {"body": "Chủ nhật tới"})
    first_reply = Comment.objects.get(parent=top)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(binh).post(url("reply", first_reply), {"body": "Cảm ơn anh"})
    second_reply = Comment.objects.latest("pk")
    assert second_reply.parent == top  # one level of replies
    # Bình was told of Cường's reply; nobody is told of their own reply under their comment.
    assert list(Notification.objects.values_list("recipient", "kind", "comment")) == [
        (binh.pk, NotificationKind.REPLY, first_reply.pk)
    ]
    html = Client().get(post_url(post)).content.decode()
    assert html.index("Khi nào làm tiếp?") < html.index("Chủ nhật tới") < html.index("Cảm ơn anh")
    assert 'data-comment-count="3"' in html


def test_a_held_reply_notifies_only_once_shown(
    post, binh, cuong, pages, personas, django_capture_on_commit_callbacks
):
    client_for(binh).post(comment_url(post), {"body": "Hỏi trước khi duyệt"})
    top = Comment.objects.get()
    policy(pages.kinh_bac, CommentPolicy.REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(cuong).post(url("reply", top), {"body": "Trả lời chờ duyệt"})
    held = Comment.objects.get(parent=top)
    assert held.state == S.HELD and not Notification.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(personas["kinhbac.canbo"]).post(url("show", held))
    assert Notification.objects.get().comment == held


def test_an_operator_answers_in_the_name_of_the_page(post, binh, pages, personas):
    policy(pages.kinh_bac, CommentPolicy.REVIEW)
    client_for(binh).post(comment_url(post), {"body": "Xin hỏi lịch"})
    question = Comment.objects.get()
    client_for(personas["kinhbac.canbo"]).post(url("show", question))
    operator = client_for(personas["kinhbac.canbo"])
    response = operator.post(url("reply", question), {"body": "Sáng thứ Bảy", "as_page": "1"})
    assert response.status_code == 302
    answer = Comment.objects.get(parent=question)
    assert answer.as_page and answer.state == S.VISIBLE  # no review for the page's own answer
    html = Client().get(post_url(post)).content.decode()
    answer_html = html[html.index(f'id="c{answer.pk}"') :]
    assert "page-answer" in html and pages.kinh_bac.name in answer_html
    assert personas["kinhbac.canbo"].full_name not in answer_html
    # An operator of another province cannot answer for this page.
    other = client_for(personas["hanoi.quantri"])
    # Out of their scope: 404 (tests/security/test_out_of_scope_404.py).
    assert other.post(url("reply", question), {"body": "X", "as_page": "1"}).status_code == 404
    assert Comment.objects.count() == 2


# --- authors ------------------------------------------------------------------------------------


def test_the_author_edits_and_deletes_their_comment_but_nobody_else_can(post, binh, cuong):
    client_for(binh).post(comment_url(post), {"body": "Bản đầu"})
    made = Comment.objects.get()
    assert client_for(cuong).post(url("edit", made), {"body": "Sửa trộm"}).status_code == 403
    assert client_for(cuong).post(url("delete", made)).status_code == 403
    assert Client().post(url("edit", made), {"body": "Ẩn danh"}).status_code == 403

    assert client_for(binh).post(url("edit", made), {"body": "Bản sửa"}).status_code == 302
    made.refresh_from_db()
    assert made.body == "Bản sửa" and made.edited_at is not None and made.state == S.VISIBLE
    assert client_for(binh).post(url("edit", made), {"body": ""}).status_code == 400
    made.refresh_from_db()
    assert made.body == "Bản sửa"

    assert client_for(binh).post(url("delete", made)).status_code == 302
    assert client_for(binh).post(url("delete", made)).status_code == 302  # again: no change
    made.refresh_from_db()
    assert made.state == S.DELETED
    assert moves(made) == [("", S.VISIBLE), (S.VISIBLE, S.DELETED)]
    assert "Bản sửa" not in client_for(binh).get(post_url(post)).content.decode()
    # A deleted comment is not edited back.
    assert client_for(binh).post(url("edit", made), {"body": "Hồi sinh"}).status_code == 400


def test_a_deleted_comment_with_replies_leaves_a_placeholder(post, binh, cuong):
    client_for(binh).post(comment_url(post), {"body": "Sẽ xoá"})
    top = Comment.objects.get()
    client_for(cuong).post(url("reply", top), {"body": "Trả lời vẫn còn"})
    client_for(binh).post(url("delete", top))
    html = Client().get(post_url(post)).content.decode()
    assert "Sẽ xoá" not in html and "Trả lời vẫn còn" in html
    assert 'class="muted comment-gone"' in html


# --- hiding -------------------------------------------------------------------------------------


def test_hiding_a_comment_needs_a_reason(post, binh, personas):
    client_for(binh).post(comment_url(post), {"body": "Nội dung không phù hợp"})
    made = Comment.objects.get()
    operator = client_for(personas["kinhbac.canbo"])
    response = operator.post(url("hide", made), {"reason": "   "})
    assert response.status_code == 400
    made.refresh_from_db()
    assert made.state == S.VISIBLE
    response = operator.post(url("hide", made), {"reason": "Lời lẽ xúc phạm"}, **HTMX)
    assert response.status_code == 200
    made.refresh_from_db()
    assert made.state == S.HIDDEN
    last = CommentTransition.objects.filter(comment=made).latest("pk")
    assert (last.from_state, last.to_state, last.reason) == (S.VISIBLE, S.HIDDEN, "Lời lẽ xúc phạm")
    assert last.actor == personas["kinhbac.canbo"]
    assert "Nội dung không phù hợp" not in Client().get(post_url(post)).content.decode()
    mine = client_for(binh).get(post_url(post)).content.decode()
    assert "Nội dung không phù hợp" in mine and 'data-mark="hidden"' in mine
    # A hidden comment is not answered, nor edited.
    assert client_for(binh).post(url("edit", made), {"body": "Sửa lại"}).status_code == 400


# --- the section --------------------------------------------------------------------------------


def test_the_section_offers_anonymous_visitors_the_sign_in_link(post):
    html = Client().get(post_url(post)).content.decode()
    sign_in = reverse("accounts:phone-start")
    assert 'id="binh-luan"' in html and 'id="binh-luan-dang-nhap"' in html
    assert f'href="{sign_in}?next=' in html
    assert 'name="body"' not in html and 'aria-live="polite"' in html


@pytest.mark.parametrize("who", ["anonymous", "citizen", "editor", "co-admin", "outsider"])
def test_the_section_costs_at_most_two_queries(
    who, post, binh, cuong, pages, personas, django_assert_max_num_queries
):
    page_actions.add_operator(personas["bacninh.quantri"], pages.kinh_bac.pk, "kinhbac.doanvien")
    client_for(binh).post(comment_url(post), {"body": "Một"})
    client_for(cuong).post(url("reply", Comment.objects.get()), {"body": "Hai"})
    user = {
        "anonymous": AnonymousUser(),
        "citizen": binh,
        "editor": personas["kinhbac.canbo"],
        "co-admin": personas["kinhbac.doanvien"],
        "outsider": personas["hanoi.quantri"],
    }[who]
    request = RequestFactory().get(post_url(post))
    request.user = user
    fresh = Post.objects.standard().get(pk=post.pk)
    with django_assert_max_num_queries(2):
        section = section_context(request, fresh)["comment_section"]
    assert section.count == 2
    assert section.operator == (who in ("editor", "co-admin"))
