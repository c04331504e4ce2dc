"""Confirmed violations strike the author; five in thirty days lock the account for seven days;
the author appeals once; a moderator of the unit above decides."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from congdong.engagement.actions import comments as comment_actions
from congdong.engagement.models import CommentState
from congdong.moderation import actions
from congdong.moderation.models import (
    Appeal,
    AppealState,
    Case,
    CaseState,
    Lock,
    LockKind,
    Strike,
)
from congdong.moderation.queries import active_lock
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def removed(world, body="Bình luận vi phạm", now=None):
    made = comment_actions.comment(world.author, world.post.pk, body)
    actions.report(world.citizens[0], "comment", made.pk, "abuse")
    case = Case.objects.get(item_key=f"c{made.pk}")
    return actions.decide(world.commune_mod, case.pk, "remove", "Lời lẽ xúc phạm", now=now)


def test_fifth_violation_in_thirty_days_locks_the_account_and_it_cannot_comment(world):
    now = timezone.now()
    for i in range(4):
        removed(world, f"Vi phạm số {i}", now - datetime.timedelta(days=20 - i))
    assert active_lock(world.author) is None
    removed(world, "Vi phạm số 5", now)
    lock = Lock.objects.get(user=world.author)
    assert lock.kind == LockKind.TEMPORARY
    assert lock.ends_at == now + datetime.timedelta(days=7)
    response = client_for(world.author).post(
        reverse("engagement:comment", args=[world.post.page.slug, world.post.pk]),
        {"body": "Tôi vẫn muốn bình luận"},
    )
    assert "locked" in response.content.decode() or response.status_code in (302, 403)
    assert not world.author.comments.filter(body="Tôi vẫn muốn bình luận").exists()
    assert active_lock(world.author, now + datetime.timedelta(days=7, seconds=1)) is None


def test_fourth_lock_after_three_temporary_ones_is_permanent(world, settings):
    settings.MODERATION_LOCK_WINDOWS = [(1, 30)]
    base = timezone.now() - datetime.timedelta(days=100)
    for i in range(4):
        removed(world, f"Vi phạm {i}", base + datetime.timedelta(days=10 * i))
    kinds = list(Lock.objects.order_by("starts_at").values_list("kind", flat=True))
    assert kinds == ["temporary"] * 3 + ["permanent"]
    assert active_lock(world.author).kind == LockKind.PERMANENT


def test_author_sees_the_removal_and_appeals_once(world):
    case = removed(world)
    client = client_for(world.author)
    assert "Lời lẽ xúc phạm" in client.get(reverse("moderation:mine")).content.decode()
    url = reverse("moderation:appeal", args=[case.pk])
    client.post(url, {"text": "Tôi chỉ góp ý, không xúc phạm ai."})
    client.post(url, {"text": "Kháng nghị lần thứ hai nữa đây."})
    assert Appeal.objects.filter(case=case).count() == 1
    other = world.citizens[1]
    client_for(other).post(url, {"text": "Tôi không phải tác giả đâu nhé"})
    assert Appeal.objects.count() == 1


def test_appeal_is_decided_above_not_by_the_first_moderator_nor_a_sibling(world):
    case = removed(world)
    made = actions.appeal(world.author, case.pk, "Tôi chỉ góp ý, không xúc phạm ai.")
    url = reverse("moderation:decide-appeal", args=[made.pk])
    for wrong in (world.commune_mod, world.sibling_mod, world.hanoi_mod):
        client_for(wrong).post(url, {"decision": "overturned", "reason": "Không vi phạm"})
    made.refresh_from_db()
    assert made.state == AppealState.PENDING
    html = client_for(world.province_mod).get(reverse("moderation:appeals")).content.decode()
    assert f'id="appeal-{made.pk}"' in html
    assert (
        f'id="appeal-{made.pk}"'
        not in client_for(world.commune_mod).get(reverse("moderation:appeals")).content.decode()
    )


def test_overturned_appeal_restores_the_comment_removes_the_strike_and_lifts_its_lock(
    world, settings
):
    settings.MODERATION_LOCK_WINDOWS = [(1, 30)]
    case = removed(world)
    assert active_lock(world.author) is not None
    made = actions.appeal(world.author, case.pk, "Tôi chỉ góp ý, không xúc phạm ai.")
    client_for(world.province_mod).post(
        reverse("moderation:decide-appeal", args=[made.pk]),
        {"decision": "overturned", "reason": "Ý kiến hợp lệ"},
    )
    made.refresh_from_db()
    case.refresh_from_db()
    assert made.state == AppealState.OVERTURNED and made.decided_by == world.province_mod
    assert case.state == CaseState.OVERTURNED
    assert case.comment.state == CommentState.VISIBLE
    assert Strike.objects.get(case=case).revoked_at is not None
    assert active_lock(world.author) is None


def test_upheld_appeal_keeps_the_removal_and_the_strike(world):
    case = removed(world)
    made = actions.appeal(world.author, case.pk, "Tôi chỉ góp ý, không xúc phạm ai.")
    actions.decide_appeal(world.province_mod, made.pk, False, "Vi phạm rõ ràng")
    case.refresh_from_db()
    assert case.state == CaseState.REMOVED
    assert Strike.objects.get(case=case).revoked_at is None
    assert case.transitions.last().actor == world.province_mod
