"""The safety features cannot be turned against official content (issue 15, point 5).

Three citizen accounts reporting an official post used to hide it (404) until a moderator
acted — a province's campaign post included. Content of verified unit pages is never hidden
by citizens' reports alone: at the threshold the case becomes urgent, goes first in the
queue of the subtree's moderators with a visible label, and they are notified. Comments keep
their automatic hiding.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from congdong.engagement.models import CommentState, Notification, NotificationKind
from congdong.moderation.models import Case
from congdong.posts.models import Post, PostState
from tests.conftest import client_for
from tests.engagement.conftest import published
from tests.moderation.conftest import World, fresh_cache, world  # noqa: F401 (fixtures)
from tests.posts.conftest import pages, regulation  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
QUEUE = "/lam-viec/kiem-duyet/"


def _report_on_web(person, post: Post) -> int:
    url = reverse("moderation:report-post", args=[post.pk])
    return client_for(person).post(url, {"reason": "false_info", "text": "Sai"}).status_code


def _report_on_api(person, post: Post) -> int:
    body = {"kind": "post", "id": post.pk, "reason": "false_info", "text": "Sai"}
    response = client_for(person).post(
        "/api/v1/moderation/reports", body, content_type="application/json"
    )
    if response.status_code == 201:
        assert response.json()["hidden"] is False
    return response.status_code


def _commune_post(world: World, pages) -> Post:  # noqa: F811
    return world.post


def _province_campaign_post(world: World, pages) -> Post:  # noqa: F811
    return published(pages.bac_ninh, title="Phát động chiến dịch Mùa hè xanh toàn tỉnh")


@pytest.mark.parametrize("report", [_report_on_web, _report_on_api])
@pytest.mark.parametrize("which", [_commune_post, _province_campaign_post])
def test_reports_never_hide_an_official_post(world, pages, run_after_commit, report, which):  # noqa: F811
    post = which(world, pages)
    for person in world.citizens[:3]:
        assert run_after_commit(lambda p=person: report(p, post)) in (201, 302)
    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED
    public = Client().get(reverse("posts:public", args=[post.page.slug, post.pk]))
    assert public.status_code == 200 and post.title in public.content.decode()
    case = Case.objects.get(post=post)
    assert case.auto_hidden_at is None and case.urgent_at is not None
    assert case.reporters == 3


def test_the_urgent_case_is_first_in_the_queue_and_labelled(world, run_after_commit):  # noqa: F811
    # A comment reported by four people, then the official post by three: the post is first.
    url = reverse("moderation:report-comment", args=[world.comment.pk])
    for person in world.citizens[:4]:
        run_after_commit(lambda p=person: client_for(p).post(url, {"reason": "abuse"}))
    for person in world.citizens[:3]:
        run_after_commit(lambda p=person: _report_on_web(p, world.post))
    post_case = Case.objects.get(post=world.post)
    comment_case = Case.objects.get(comment=world.comment)
    for moderator in (world.commune_mod, world.province_mod):
        html = client_for(moderator).get(QUEUE).content.decode()
        first, second = (html.index(f'id="case-{c.pk}"') for c in (post_case, comment_case))
        assert first < second
        row = html[first:second]
        assert 'data-mark="urgent"' in row and "Khẩn" in row
        assert 'data-mark="auto-hidden"' not in row
        queue = client_for(moderator).get("/api/v1/moderation/queue").json()
        assert [c["id"] for c in queue][:2] == [post_case.pk, comment_case.pk]
        assert queue[0]["urgent"] is True and queue[1]["urgent"] is False
    # Comments keep their automatic hiding.
    world.comment.refresh_from_db()
    assert world.comment.state == CommentState.HIDDEN


def test_the_moderators_of_the_subtree_are_notified_once(world, run_after_commit):  # noqa: F811
    for person in world.citizens[:4]:
        run_after_commit(lambda p=person: _report_on_web(p, world.post))
    case = Case.objects.get(post=world.post)
    urgent = Notification.objects.filter(kind=NotificationKind.REPORTS_URGENT, case=case)
    told = set(urgent.values_list("recipient_id", flat=True))
    assert {world.commune_mod.pk, world.province_mod.pk} <= told
    assert world.sibling_mod.pk not in told and world.hanoi_mod.pk not in told
    assert urgent.filter(recipient=world.province_mod).count() == 1  # the 4th report: no more
    assert not Notification.objects.filter(
        kind=NotificationKind.CONTENT_HIDDEN, recipient=world.post.author
    ).exists()
    bell = client_for(world.province_mod).get("/thong-bao/").content.decode()
    assert f'href="{QUEUE}#case-{case.pk}"' in bell
    assert world.post.title in bell and world.post.page.name in bell
