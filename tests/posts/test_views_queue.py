"""The approver's queue through HTTP: who sees and decides which post, approve-and-publish,
scheduling in Vietnam time, and rejection with a required reason."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from congdong.posts import actions
from congdong.posts.forms import VIETNAM
from congdong.posts.models import Post, PostState
from congdong.posts.queries import access_post_to_approve, approval_queue
from tests.conftest import client_for
from tests.posts.conftest import moves, submitted

pytestmark = pytest.mark.django_db
QUEUE = "/lam-viec/duyet-tin/"


def approve_url(post: Post) -> str:
    return f"/lam-viec/duyet-tin/{post.pk}/duyet/"


def reject_url(post: Post) -> str:
    return f"/lam-viec/duyet-tin/{post.pk}/tra-lai/"


def test_province_admin_sees_the_submitted_post_and_approves_and_publishes_it(personas, pages):
    post = submitted(personas["kinhbac.canbo"], pages.kinh_bac)
    client = client_for(personas["bacninh.quantri"])
    response = client.get(QUEUE)
    assert response.context["posts"] == [post]
    assert post.title in response.content.decode()

    response = client.post(approve_url(post), {"publish_at": ""})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED
    assert post.published_at is not None
    assert moves(post)[-2:] == [("submitted", "approved"), ("approved", "published")]


def test_approving_with_htmx_answers_with_the_queue_item(personas, pages):
    post = submitted(personas["kinhbac.canbo"], pages.kinh_bac)
    client = client_for(personas["bacninh.quantri"])
    response = client.post(approve_url(post), {"publish_at": ""}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert f'id="post-{post.pk}"' in response.content.decode()
    assert Post.objects.get(pk=post.pk).state == PostState.PUBLISHED


def test_another_province_admin_gets_404_approving_it(personas, pages):
    post = submitted(personas["kinhbac.canbo"], pages.kinh_bac)
    client = client_for(personas["hanoi.quantri"])
    assert client.get(QUEUE).context["posts"] == []
    # Out of scope: the post does not exist for them (tests/security/test_out_of_scope_404.py).
    assert client.post(approve_url(post), {"publish_at": ""}).status_code == 404
    assert client.post(reject_url(post), {"reason": "Không phù hợp"}).status_code == 404
    assert Post.objects.get(pk=post.pk).state == PostState.SUBMITTED


def test_commune_operator_cannot_approve_own_post(personas, pages):
    editor = personas["kinhbac.canbo"]
    post = submitted(editor, pages.kinh_bac)
    client = client_for(editor)
    assert client.get(QUEUE).context["posts"] == []
    assert client.post(approve_url(post), {"publish_at": ""}).status_code == 403
    assert Post.objects.get(pk=post.pk).state == PostState.SUBMITTED


def test_province_admin_does_not_see_own_post_as_approvable(personas, pages):
    admin = personas["bacninh.quantri"]
    submitted(admin, pages.bac_ninh)
    assert client_for(admin).get(QUEUE).context["posts"] == []


def test_rejection_requires_a_reason(personas, pages):
    post = submitted(personas["kinhbac.canbo"], pages.kinh_bac)
    client = client_for(personas["bacninh.quantri"])
    client.post(reject_url(post), {"reason": ""})
    assert Post.objects.get(pk=post.pk).state == PostState.SUBMITTED
    client.post(reject_url(post), {"reason": "ok"})  # too short to say anything
    assert Post.objects.get(pk=post.pk).state == PostState.SUBMITTED
    response = client.post(reject_url(post), {"reason": ""}, headers={"HX-Request": "true"})
    assert 'role="alert"' in response.content.decode()

    client.post(reject_url(post), {"reason": "Thiếu nguồn số liệu"})
    post.refresh_from_db()
    assert post.state == PostState.REJECTED
    assert post.transitions.order_by("at", "pk").last().reason == "Thiếu nguồn số liệu"


def test_a_scheduled_post_appears_publicly_only_after_the_worker_runs(personas, pages):
    post = submitted(personas["kinhbac.canbo"], pages.kinh_bac)
    client = client_for(personas["bacninh.quantri"])
    at = timezone.localtime(timezone.now(), VIETNAM) + datetime.timedelta(hours=2)
    client.post(approve_url(post), {"publish_at": at.strftime("%Y-%m-%dT%H:%M")})
    post.refresh_from_db()
    assert post.state == PostState.SCHEDULED
    # The digits typed are Vietnam time, whatever the server's zone.
    assert post.publish_at == at.replace(second=0, microsecond=0)

    public = f"/trang/{pages.kinh_bac.slug}/"
    assert post.title not in client.get(public).content.decode()
    assert client.get(f"{public}tin/{post.pk}/").status_code == 404
    assert "Ra quân" in client.get("/lam-viec/tin-bai/").content.decode()  # on the calendar

    assert actions.publish_due(timezone.now()) == 0
    assert actions.publish_due(timezone.now() + datetime.timedelta(hours=3)) == 1
    assert post.title in client.get(public).content.decode()
    assert client.get(f"{public}tin/{post.pk}/").status_code == 200


def test_the_queue_keeps_exactly_the_posts_access_allows(personas, pages, commune_approver):
    editor = personas["kinhbac.canbo"]
    posts = [
        submitted(editor, pages.kinh_bac),  # approved at Kinh Bắc
        submitted(editor, pages.kinh_bac, "cuu-tro"),  # approved at the province
        submitted(personas["bacninh.quantri"], pages.bac_ninh),
    ]
    for user in (commune_approver, personas["bacninh.quantri"], personas["hanoi.quantri"]):
        allowed = []
        for post in posts:
            try:
                access_post_to_approve(user, post.pk)
            except (PermissionDenied, Http404):  # 404: out of the user's scope
                continue
            allowed.append(post.pk)
        assert sorted(p.pk for p in approval_queue(user)) == sorted(allowed), user


def test_the_queue_reads_a_bounded_number_of_queries(
    personas, pages, django_assert_max_num_queries
):
    editor = personas["kinhbac.canbo"]
    for i in range(8):
        submitted(editor, pages.kinh_bac, "cuu-tro" if i % 2 else "hoat-dong-mat-tran")
    client = client_for(personas["bacninh.quantri"])
    with django_assert_max_num_queries(8):
        response = client.get(QUEUE)
    assert len(response.context["posts"]) == 8
