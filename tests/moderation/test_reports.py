"""Citizens report posts and comments through the report page; three distinct reporters hide
the item until a moderator reviews it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from congdong.engagement.models import CommentState, CommentTransition
from congdong.moderation.models import Case, CaseState, Report
from congdong.pages.models import Page
from congdong.posts.models import PostState, PostTransition
from tests.conftest import client_for
from tests.engagement.conftest import citizen

pytestmark = pytest.mark.django_db


def report_comment(user, comment, reason="abuse", text=""):
    return client_for(user).post(
        reverse("moderation:report-comment", args=[comment.pk]), {"reason": reason, "text": text}
    )


def post_page(world) -> str:
    return reverse("posts:public", args=[world.post.page.slug, world.post.pk])


def test_public_post_page_links_to_the_report_pages_even_for_anonymous_visitors(world):
    html = Client().get(post_page(world)).content.decode()
    assert reverse("moderation:report-comment", args=[world.comment.pk]) in html
    assert reverse("moderation:report-post", args=[world.post.pk]) in html


def test_anonymous_visitor_is_sent_to_sign_in(world):
    response = Client().get(reverse("moderation:report-comment", args=[world.comment.pk]))
    assert response.status_code == 302
    assert reverse("accounts:phone-start") in response["Location"]


def test_verified_citizen_reports_a_comment_and_it_stays_visible_below_the_threshold(world):
    response = report_comment(world.citizens[0], world.comment)
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.state, case.reporters, case.comment_id) == (CaseState.OPEN, 1, world.comment.pk)
    world.comment.refresh_from_db()
    assert world.comment.state == CommentState.VISIBLE


def test_second_report_by_the_same_person_is_refused_with_a_message(world):
    report_comment(world.citizens[0], world.comment)
    response = report_comment(world.citizens[0], world.comment, "spam")
    assert response.status_code == 400
    html = response.content.decode()
    assert "already reported" in html or "đã báo cáo" in html
    assert Report.objects.count() == 1


def test_other_needs_words_and_a_bad_reason_is_refused(world):
    assert report_comment(world.citizens[0], world.comment, "other").status_code == 400
    assert report_comment(world.citizens[0], world.comment, "nonsense").status_code == 400
    assert not Report.objects.exists()
    assert report_comment(world.citizens[0], world.comment, "other", "Quảng cáo").status_code == 302


def test_unverified_citizen_and_the_author_cannot_report(world):
    unverified = citizen("+84900000999", verified=False)
    assert report_comment(unverified, world.comment).status_code == 400
    assert report_comment(world.author, world.comment).status_code == 400
    assert not Report.objects.exists()


def test_three_distinct_reporters_hide_the_comment_for_visitors_with_a_history_row(world):
    for person in world.citizens[:3]:
        report_comment(person, world.comment)
    world.comment.refresh_from_db()
    assert world.comment.state == CommentState.HIDDEN
    move = CommentTransition.objects.filter(comment=world.comment).last()
    assert (move.from_state, move.to_state, move.actor) == ("visible", "hidden", None)
    assert "3" in move.reason
    html = Client().get(post_page(world)).content.decode()
    assert "Bình luận có lời lẽ xúc phạm" not in html
    assert Case.objects.get().auto_hidden_at is not None
    # Hidden: nobody else can report it any more.
    assert report_comment(world.citizens[3], world.comment).status_code == 404


def test_threshold_is_configurable(world, settings):
    settings.MODERATION_HIDE_AFTER = 1
    report_comment(world.citizens[0], world.comment)
    world.comment.refresh_from_db()
    assert world.comment.state == CommentState.HIDDEN


def test_reported_post_of_an_unverified_page_is_hidden_through_the_post_workflow(world):
    # Posts of verified unit pages are never hidden by reports (they become urgent instead:
    # tests/security/test_report_abuse.py); a page without the verified mark keeps the rule.
    Page.objects.filter(pk=world.post.page_id).update(verified=False)
    for person in world.citizens[:3]:
        response = client_for(person).post(
            reverse("moderation:report-post", args=[world.post.pk]),
            {"reason": "false_info", "text": "Sai sự thật"},
        )
        assert response.status_code == 302
    world.post.refresh_from_db()
    assert world.post.state == PostState.HIDDEN
    move = PostTransition.objects.filter(post=world.post).last()
    assert (move.from_state, move.to_state) == ("published", "hidden")


def test_reports_are_rate_limited(world, settings):
    settings.MODERATION_REPORT_LIMIT = 1
    settings.MODERATION_HIDE_AFTER = 99
    reporter = world.citizens[0]
    assert report_comment(reporter, world.comment).status_code == 302
    response = client_for(reporter).post(
        reverse("moderation:report-post", args=[world.post.pk]), {"reason": "spam"}
    )
    assert response.status_code == 429
