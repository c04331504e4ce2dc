"""What moderation tells people in their bell: the author when reports hide their comment, when
a moderator keeps or removes it, when repeated violations lock the account and when their
appeal is decided (each linking to their case page); the reporters when their report was
decided. Nothing is told of a decision that was refused."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from congdong.engagement.actions import comments as comment_actions
from congdong.engagement.models import Notification, NotificationKind
from congdong.moderation import actions
from congdong.moderation.models import Appeal, Case, CaseState
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
K = NotificationKind
QUEUE = "/lam-viec/kiem-duyet/"
BELL = "/thong-bao/"


def report_over_http(world, run_after_commit, n=3, first=0) -> Case:
    comment = world.comment
    url = reverse("moderation:report-comment", args=[comment.pk])
    for person in world.citizens[first:n]:
        response = run_after_commit(lambda p=person: client_for(p).post(url, {"reason": "abuse"}))
        assert response.status_code == 302
    return Case.objects.get(item_key=f"c{comment.pk}", state=CaseState.OPEN)


def bell(user) -> str:
    response = client_for(user).get(BELL)
    assert response.status_code == 200
    return response.content.decode()


def kinds(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", flat=True)
    )


def test_reports_hiding_a_comment_tell_its_author_with_a_link_to_the_case(world, run_after_commit):
    report_over_http(world, run_after_commit, n=2)
    assert kinds(world.author) == []  # still shown: nothing to tell yet
    case = report_over_http(world, run_after_commit, n=3, first=2)
    assert kinds(world.author) == [K.CONTENT_HIDDEN]
    html = bell(world.author)
    assert f'href="/cong-dan/vi-pham/#case-{case.pk}"' in html
    assert world.post.title in html
    # The case page shows the hidden item waiting for review.
    mine = client_for(world.author).get("/cong-dan/vi-pham/").content.decode()
    assert f'id="case-{case.pk}"' in mine and "Bình luận có lời lẽ xúc phạm" in mine
    # Reporters are told nothing until the decision.
    assert all(kinds(person) == [] for person in world.citizens)


def test_a_removal_tells_the_author_why_and_each_reporter_once(world, run_after_commit):
    case = report_over_http(world, run_after_commit)
    reason = "Lời lẽ xúc phạm cán bộ phường"
    response = run_after_commit(
        lambda: client_for(world.commune_mod).post(
            QUEUE, {"case": [case.pk], "decision": "remove", "reason": reason}
        )
    )
    assert response.status_code == 302
    assert kinds(world.author) == [K.CONTENT_HIDDEN, K.CONTENT_REMOVED]
    html = bell(world.author)
    assert reason in html
    assert "Kiểm duyệt viên đã gỡ bình luận của bạn ở bài" in html  # Vietnamese first
    assert html.count(f'href="/cong-dan/vi-pham/#case-{case.pk}"') == 2
    for person in world.citizens[:3]:
        assert kinds(person) == [K.REPORT_DECIDED]
        assert 'data-kind="report_decided"' in bell(person)
    assert kinds(world.citizens[3]) == []  # did not report
    assert kinds(world.commune_mod) == []


def test_keeping_a_reported_comment_tells_author_and_reporters(world, run_after_commit):
    case = report_over_http(world, run_after_commit, n=1)
    run_after_commit(
        lambda: client_for(world.province_mod).post(QUEUE, {"case": [case.pk], "decision": "keep"})
    )
    assert kinds(world.author) == [K.CONTENT_KEPT]
    assert kinds(world.citizens[0]) == [K.REPORT_DECIDED]
    assert 'data-kind="content_kept"' in bell(world.author)


def test_a_refused_decision_tells_nobody(world, run_after_commit):
    case = report_over_http(world, run_after_commit, n=1)
    for outsider in (world.sibling_mod, world.hanoi_mod):
        run_after_commit(
            lambda o=outsider: client_for(o).post(
                QUEUE, {"case": [case.pk], "decision": "remove", "reason": "Vi phạm"}
            )
        )
    # Removing without a reason is refused too.
    run_after_commit(
        lambda: client_for(world.commune_mod).post(QUEUE, {"case": [case.pk], "decision": "remove"})
    )
    assert kinds(world.author) == []
    assert kinds(world.citizens[0]) == []


def test_the_fifth_violation_tells_the_author_of_the_lock(world, run_after_commit):
    now = timezone.now()
    for i in range(5):
        made = comment_actions.comment(world.author, world.post.pk, f"Vi phạm số {i + 1}")
        actions.report(world.citizens[0], "comment", made.pk, "spam")
        case = Case.objects.get(item_key=f"c{made.pk}")
        run_after_commit(
            lambda c=case, i=i: actions.decide(
                world.commune_mod,
                c.pk,
                "remove",
                "Quảng cáo tín dụng đen",
                now=now - datetime.timedelta(days=5 - i),
            )
        )
    assert kinds(world.author).count(K.CONTENT_REMOVED) == 5
    assert kinds(world.author).count(K.LOCK_TEMPORARY) == 1
    lock_note = Notification.objects.get(recipient=world.author, kind=K.LOCK_TEMPORARY)
    assert lock_note.case_id == case.pk  # the removal that brought the lock
    html = bell(world.author)
    assert 'data-kind="lock_temporary"' in html
    assert "147/2024" in html


def test_an_appeal_decided_over_http_tells_the_author(world, run_after_commit):
    case = report_over_http(world, run_after_commit)
    run_after_commit(
        lambda: actions.decide(world.commune_mod, case.pk, "remove", "Lời lẽ xúc phạm")
    )
    client_for(world.author).post(
        reverse("moderation:appeal", args=[case.pk]), {"text": "Tôi chỉ góp ý, không xúc phạm."}
    )
    appeal = Appeal.objects.get(case=case)
    # Refused (the first moderator may not decide the appeal): nothing told.
    run_after_commit(
        lambda: client_for(world.commune_mod).post(
            reverse("moderation:decide-appeal", args=[appeal.pk]),
            {"decision": "overturned", "reason": "Góp ý chính đáng"},
        )
    )
    assert K.APPEAL_DECIDED not in kinds(world.author)
    run_after_commit(
        lambda: client_for(world.province_mod).post(
            reverse("moderation:decide-appeal", args=[appeal.pk]),
            {"decision": "overturned", "reason": "Góp ý chính đáng"},
        )
    )
    assert kinds(world.author)[-1] == K.APPEAL_DECIDED
    html = bell(world.author)
    item = re.search(r'<li[^>]*data-kind="appeal_decided".*?</li>', html, re.S).group(0)
    assert f"#case-{case.pk}" in item


def test_an_upheld_appeal_gives_the_reason(world, run_after_commit):
    case = report_over_http(world, run_after_commit)
    run_after_commit(
        lambda: actions.decide(world.commune_mod, case.pk, "remove", "Lời lẽ xúc phạm")
    )
    made = actions.appeal(world.author, case.pk, "Tôi chỉ góp ý, không xúc phạm.")
    run_after_commit(
        lambda: client_for(world.province_mod).post(
            reverse("moderation:decide-appeal", args=[made.pk]),
            {"decision": "upheld", "reason": "Xúc phạm danh dự người khác"},
        )
    )
    assert kinds(world.author)[-1] == K.APPEAL_DECIDED
    assert "Xúc phạm danh dự người khác" in bell(world.author)
