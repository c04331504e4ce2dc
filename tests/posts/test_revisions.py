"""Revisions of published posts: approved again where the category says so, applied at once
where it does not, checked by the regulation, decided in the approver's queue with a diff."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from congdong.accounts.models import User
from congdong.core.errors import ActionError
from congdong.pages.models import Page
from congdong.posts import actions
from congdong.posts.actions import RegulationError
from congdong.posts.models import Post, PostRevision, PostState, RevisionState
from tests.conftest import client_for
from tests.posts import conftest as posts
from tests.posts.conftest import approved
from tests.posts.conftest import content as edit

pytestmark = pytest.mark.django_db
QUEUE = "/lam-viec/duyet-tin/"
CHECKED = "dai-doan-ket"  # revisions approved again
UNCHECKED = "hoat-dong-mat-tran"  # revisions applied at once
TITLE = "Ra quân làm sạch môi trường khu dân cư"
BODY = "<p>Sáng Chủ nhật, Ban công tác Mặt trận các khu dân cư đã ra quân.</p>"
NEW_BODY = "<p>Sáng thứ Bảy, Ban công tác Mặt trận các khu dân cư đã ra quân dọn rác.</p>"


def published(author: User, approver: User, page: Page, category: str = CHECKED) -> Post:
    return posts.published(author, approver, page, category)


def revise_url(post: Post) -> str:
    return f"/lam-viec/tin-bai/{post.pk}/sua-doi/"


def approve_url(revision: PostRevision) -> str:
    return f"/lam-viec/duyet-tin/sua-doi/{revision.pk}/duyet/"


def reject_url(revision: PostRevision) -> str:
    return f"/lam-viec/duyet-tin/sua-doi/{revision.pk}/tra-lai/"


@pytest.fixture
def post(personas, pages) -> Post:
    return published(personas["kinhbac.canbo"], personas["bacninh.quantri"], pages.kinh_bac)


def test_a_pending_revision_keeps_the_published_text_live(personas, pages, post):
    client = client_for(personas["kinhbac.canbo"])
    response = client.post(
        revise_url(post), {f"revise-{k}": v for k, v in edit(post, body=NEW_BODY).items()}
    )
    assert response.status_code == 302
    revision = post.revisions.get()
    assert revision.state == RevisionState.PENDING
    assert revision.body == NEW_BODY
    post.refresh_from_db()
    assert post.body == BODY
    assert post.state == PostState.PUBLISHED
    public = client.get(f"/trang/{pages.kinh_bac.slug}/tin/{post.pk}/").content.decode()
    assert "Chủ nhật" in public and "dọn rác" not in public
    # The edit form now holds the waiting revision's text, so a second edit updates it.
    detail = client.get(f"/lam-viec/tin-bai/{post.pk}/")
    assert detail.context["revise_form"].initial["body"] == NEW_BODY


def test_a_second_edit_updates_the_pending_revision(personas, post):
    editor = personas["kinhbac.canbo"]
    first = actions.revise(editor, post.pk, edit(post, body=NEW_BODY))
    second = actions.revise(editor, post.pk, edit(post, title="Ra quân dọn rác"))
    assert second.pk == first.pk
    assert post.revisions.count() == 1
    assert second.title == "Ra quân dọn rác" and second.body == BODY


def test_the_revision_body_is_sanitised(personas, post):
    body = '<p onclick="x()">Sạch <script>alert(1)</script>sẽ</p>'
    revision = actions.revise(personas["kinhbac.canbo"], post.pk, edit(post, body=body))
    assert "script" not in revision.body and "onclick" not in revision.body


def test_the_province_admin_approves_the_revision_and_it_is_applied(personas, post):
    revision = actions.revise(personas["kinhbac.canbo"], post.pk, edit(post, body=NEW_BODY))
    client = client_for(personas["bacninh.quantri"])
    assert client.post(approve_url(revision)).status_code == 302
    post.refresh_from_db()
    revision.refresh_from_db()
    assert post.body == NEW_BODY
    assert revision.state == RevisionState.APPROVED
    assert revision.decided_by == personas["bacninh.quantri"]
    assert revision.decided_at is not None
    # Decided once: a second click changes nothing.
    with pytest.raises(ActionError):
        actions.approve_revision(personas["bacninh.quantri"], revision.pk)


def test_approving_with_htmx_answers_with_the_queue_item(personas, post):
    revision = actions.revise(personas["kinhbac.canbo"], post.pk, edit(post, body=NEW_BODY))
    client = client_for(personas["bacninh.quantri"])
    response = client.post(approve_url(revision), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert f'id="revision-{revision.pk}"' in response.content.decode()
    assert Post.objects.get(pk=post.pk).body == NEW_BODY


def test_another_province_admin_gets_404_deciding_the_revision(personas, post):
    revision = actions.revise(personas["kinhbac.canbo"], post.pk, edit(post, body=NEW_BODY))
    client = client_for(personas["hanoi.quantri"])
    assert client.get(QUEUE).context["revisions"] == []
    assert client.post(approve_url(revision)).status_code == 404  # out of scope
    assert client.post(reject_url(revision), {"reason": "Không phù hợp"}).status_code == 404
    assert PostRevision.objects.get(pk=revision.pk).state == RevisionState.PENDING


def test_the_author_cannot_approve_own_revision(personas, post):
    # The province admin may write on the commune's page and approves its posts, but not an
    # edit of their own.
    admin = personas["bacninh.quantri"]
    revision = actions.revise(admin, post.pk, edit(post, body=NEW_BODY))
    with pytest.raises(PermissionDenied):
        actions.approve_revision(admin, revision.pk)
    client = client_for(admin)
    assert client.get(QUEUE).context["revisions"] == []
    assert client.post(approve_url(revision)).status_code == 403
    assert Post.objects.get(pk=post.pk).body == BODY


def test_rejection_needs_a_reason_and_keeps_the_published_text(personas, post):
    revision = actions.revise(personas["kinhbac.canbo"], post.pk, edit(post, body=NEW_BODY))
    client = client_for(personas["bacninh.quantri"])
    client.post(reject_url(revision), {"reason": ""})
    client.post(reject_url(revision), {"reason": "ok"})
    assert PostRevision.objects.get(pk=revision.pk).state == RevisionState.PENDING
    response = client.post(reject_url(revision), {"reason": "ok"}, headers={"HX-Request": "true"})
    assert 'role="alert"' in response.content.decode()

    client.post(reject_url(revision), {"reason": "Sai ngày tổ chức"})
    revision.refresh_from_db()
    assert revision.state == RevisionState.REJECTED
    assert revision.reason == "Sai ngày tổ chức"
    assert Post.objects.get(pk=post.pk).body == BODY
    # A new edit starts a new pending revision.
    again = actions.revise(personas["kinhbac.canbo"], post.pk, edit(post, title="Ra quân"))
    assert again.pk != revision.pk and again.state == RevisionState.PENDING


def test_a_category_without_revision_approval_applies_the_edit_at_once(personas, pages):
    editor = personas["kinhbac.canbo"]
    post = published(editor, personas["bacninh.quantri"], pages.kinh_bac, UNCHECKED)
    response = client_for(editor).post(
        revise_url(post), {f"revise-{k}": v for k, v in edit(post, body=NEW_BODY).items()}
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.body == NEW_BODY
    revision = post.revisions.get()
    assert revision.state == RevisionState.APPROVED
    assert revision.decided_by == editor
    detail = client_for(editor).get(f"/lam-viec/tin-bai/{post.pk}/").content.decode()
    assert "Edit the published post" in detail or "Sửa tin đã đăng" in detail
    assert revision.get_state_display() in detail


def test_moving_into_a_checked_category_needs_approval(personas, pages):
    editor = personas["kinhbac.canbo"]
    post = published(editor, personas["bacninh.quantri"], pages.kinh_bac, UNCHECKED)
    revision = actions.revise(editor, post.pk, edit(post, category=CHECKED))
    assert revision.state == RevisionState.PENDING
    assert Post.objects.get(pk=post.pk).category.code == UNCHECKED


def test_a_forbidden_phrase_in_a_revision_is_refused_changing_nothing(personas, post):
    body = "<p>Xin chuyển khoản vào tài khoản cá nhân của ban tổ chức.</p>"
    with pytest.raises(RegulationError):
        actions.revise(personas["kinhbac.canbo"], post.pk, edit(post, body=body))
    assert not post.revisions.exists()
    response = client_for(personas["kinhbac.canbo"]).post(
        revise_url(post), {f"revise-{k}": v for k, v in edit(post, body=body).items()}
    )
    assert response.status_code == 400
    assert 'id="findings"' in response.content.decode()
    assert not post.revisions.exists()
    assert Post.objects.get(pk=post.pk).body == BODY


def test_only_published_posts_are_revised(personas, pages):
    editor = personas["kinhbac.canbo"]
    post = approved(editor, personas["bacninh.quantri"], pages.kinh_bac, CHECKED)
    with pytest.raises(ActionError):
        actions.revise(editor, post.pk, edit(post, body=NEW_BODY))


def test_someone_who_does_not_write_on_the_page_cannot_revise(personas, post):
    with pytest.raises(Http404):  # another province's post: out of scope
        actions.revise(personas["hanoi.quantri"], post.pk, edit(post, body=NEW_BODY))


def test_the_queue_shows_the_diff_with_inserted_and_deleted_words(personas, post):
    body = "<p>Sáng thứ Bảy, Ban công tác Mặt trận các khu dân cư đã ra quân <b>&lt;x&gt;</b>.</p>"
    actions.revise(personas["kinhbac.canbo"], post.pk, edit(post, body=body))
    response = client_for(personas["bacninh.quantri"]).get(QUEUE)
    html = response.content.decode()
    assert len(response.context["revisions"]) == 1
    assert '<del><span class="sr-only">' in html
    deleted = html.split("<del>", 1)[1].split("</del>", 1)[0]
    inserted = html.split("<ins>", 1)[1].split("</ins>", 1)[0]
    assert "Chủ nhật," in deleted
    assert "thứ Bảy," in inserted
    assert "&lt;x&gt;" in html and "<x>" not in html  # the text is escaped, never markup


def test_the_queue_reads_a_bounded_number_of_queries(
    personas, pages, django_assert_max_num_queries
):
    editor, admin = personas["kinhbac.canbo"], personas["bacninh.quantri"]
    for i in range(6):
        post = published(editor, admin, pages.kinh_bac, CHECKED if i % 2 else "cuu-tro")
        actions.revise(editor, post.pk, edit(post, title=f"Bản sửa {i}"))
    client = client_for(admin)
    with django_assert_max_num_queries(8):
        response = client.get(QUEUE)
    assert len(response.context["revisions"]) == 6
