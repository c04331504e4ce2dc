"""The moderators' queue: scoped to their subtree, grouped per item, bulk keep and remove,
every decision recorded."""

from __future__ import annotations

import pytest
from django.urls import reverse

from congdong.engagement.actions import comments as comment_actions
from congdong.engagement.models import CommentState
from congdong.moderation import actions
from congdong.moderation.models import Case, CaseState, CaseTransition, Strike
from tests.conftest import client_for
from tests.engagement.conftest import published

pytestmark = pytest.mark.django_db
QUEUE = "/lam-viec/kiem-duyet/"


def reported(world, comment=None, n=3):
    comment = comment or world.comment
    for person in world.citizens[:n]:
        actions.report(person, "comment", comment.pk, "abuse")
    return Case.objects.get(item_key=f"c{comment.pk}", state=CaseState.OPEN)


def test_queue_url_and_workspace_link(world):
    assert reverse("moderation:queue") == QUEUE
    html = client_for(world.commune_mod).get(reverse("accounts:workspace")).content.decode()
    assert QUEUE in html


def test_commune_and_province_moderators_see_the_item_once_with_its_reports(world):
    case = reported(world)
    for moderator in (world.commune_mod, world.province_mod):
        html = client_for(moderator).get(QUEUE).content.decode()
        assert html.count(f'id="case-{case.pk}"') == 1
        assert "Bình luận có lời lẽ xúc phạm" in html
        assert html.count("Abuse or insult") >= 3 or html.count("Lăng mạ") >= 3


def test_sibling_commune_and_other_province_never_see_or_decide_it(world):
    case = reported(world)
    for outsider in (world.sibling_mod, world.hanoi_mod):
        html = client_for(outsider).get(QUEUE).content.decode()
        assert f'id="case-{case.pk}"' not in html
        client_for(outsider).post(QUEUE, {"case": [case.pk], "decision": "keep"})
    case.refresh_from_db()
    assert case.state == CaseState.OPEN


def test_an_editor_without_moderate_sees_nothing(world):
    from congdong.accounts.roles import Role
    from tests.posts.conftest import grant

    case = reported(world)
    editor = grant("kinhbac.bientap2", world.post.page.unit, Role.EDITOR)
    assert f'id="case-{case.pk}"' not in client_for(editor).get(QUEUE).content.decode()


def test_keep_restores_the_hidden_comment_and_records_who_when_why(world):
    case = reported(world)
    response = client_for(world.commune_mod).post(
        QUEUE, {"case": [case.pk], "decision": "keep", "reason": "Góp ý bình thường"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    world.comment.refresh_from_db()
    assert case.state == CaseState.KEPT and case.decided_by == world.commune_mod
    assert world.comment.state == CommentState.VISIBLE
    last = CaseTransition.objects.filter(case=case).last()
    assert (last.from_state, last.to_state, last.actor) == ("open", "kept", world.commune_mod)
    assert not Strike.objects.exists()


def test_remove_needs_a_reason_and_then_strikes_the_author(world):
    case = reported(world, n=1)  # below the threshold: still visible
    client = client_for(world.province_mod)
    response = client.post(QUEUE, {"case": [case.pk], "decision": "remove", "reason": ""})
    case.refresh_from_db()
    assert case.state == CaseState.OPEN
    response = client.post(
        QUEUE, {"case": [case.pk], "decision": "remove", "reason": "Lời lẽ xúc phạm"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    world.comment.refresh_from_db()
    assert case.state == CaseState.REMOVED
    assert world.comment.state == CommentState.HIDDEN
    assert Strike.objects.get().user == world.author


def test_bulk_action_decides_many_items_at_once(world):
    other = comment_actions.comment(world.author, world.post.pk, "Một bình luận khác")
    first, second = reported(world), reported(world, other)
    client_for(world.commune_mod).post(
        QUEUE, {"case": [first.pk, second.pk], "decision": "remove", "reason": "Vi phạm quy định"}
    )
    assert set(Case.objects.values_list("state", flat=True)) == {CaseState.REMOVED}
    assert Strike.objects.filter(user=world.author).count() == 2


def test_bulk_action_with_an_out_of_scope_case_decides_only_the_others(world):
    mine = reported(world)
    sibling_post = published(world.sibling, "Tin của xã bên")
    far = comment_actions.comment(world.author, sibling_post.pk, "Bình luận ở xã bên")
    theirs = reported(world, far)
    # The out-of-scope case is refused (as if it did not exist) without stopping the others.
    done, refused = actions.decide_many(world.commune_mod, [mine.pk, theirs.pk], "keep")
    assert [c.pk for c in done] == [mine.pk]
    assert [case_id for case_id, _message in refused] == [theirs.pk]
    theirs.refresh_from_db()
    assert theirs.state == CaseState.OPEN
