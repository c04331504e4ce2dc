"""The demo's feedback: every state of the handling graph, some overdue, escalated and
transferred items, public answers on Kinh Bắc's page, and made once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import timezone

from congdong.accounts.models import User
from congdong.engagement.actions.notify import deliver_pending
from congdong.engagement.models import Notification, NotificationKind
from congdong.feedback import queries
from congdong.feedback.models import Feedback, FeedbackAction, FeedbackState, FeedbackTransition
from congdong_tools.demo.build import settle_notifications
from congdong_tools.demo.feedback import ensure_feedback
from congdong_tools.demo.personas import CITIZEN
from tests.conftest import client_for, commune_named, demo_personas
from tests.engagement.conftest import citizen
from tests.worlds import module_world

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # builds demo data


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[int]:
    """The demo's feedback, made once for the module (tests/worlds.py)."""
    with module_world(django_db_blocker):
        demo_personas()
        for n in range(60):
            citizen(f"+8491300{n:04d}", f"Công dân {n}")
        yield ensure_feedback(progress=lambda _line: None, items=160)


@pytest.fixture
def made(world) -> int:
    return world


def test_items_are_in_every_state_of_the_handling_graph(made):
    assert made == 160
    states = set(Feedback.objects.values_list("state", flat=True))
    assert states >= {
        FeedbackState.RECEIVED,
        FeedbackState.ACCEPTED,
        FeedbackState.REJECTED,
        FeedbackState.ASSIGNED,
        FeedbackState.ANSWERED,
        FeedbackState.CLOSED,
    }
    moves = set(FeedbackTransition.objects.values_list("action", flat=True))
    assert {FeedbackAction.ESCALATE, FeedbackAction.TRANSFER} <= moves
    # Made once.
    assert ensure_feedback(progress=lambda _line: None, items=160) == made
    assert Feedback.objects.count() == made


def test_some_items_are_overdue_every_move_was_in_the_past_and_answers_are_public(made):
    assert queries.overdue(timezone.now()).exists()
    assert not FeedbackTransition.objects.filter(at__gt=timezone.now()).exists()
    answers = list(queries.public_answers(commune_named("24", "Kinh Bắc")))
    assert answers
    assert all(item.answer and item.public for item in answers)


def test_the_demo_citizen_and_officers_find_the_news_in_their_bells_and_no_sms_is_due(
    made, personas, sms_outbox
):
    you = User.objects.get(phone=CITIZEN["phone"])
    theirs = list(Feedback.objects.filter(citizen=you).values_list("pk", "code"))
    assert theirs
    received = Notification.objects.filter(recipient=you, kind=NotificationKind.FEEDBACK_RECEIVED)
    assert sorted(received.values_list("feedback_id", flat=True)) == sorted(p for p, _c in theirs)
    officer = Notification.objects.filter(recipient=personas["kinhbac.canbo"])
    assert officer.filter(kind=NotificationKind.FEEDBACK_NEW).exists()
    page = client_for(you).get("/thong-bao/").content.decode()
    assert all(code in page for _pk, code in theirs)
    # The history is told in the bells, not by SMS when the demo starts.
    settle_notifications()
    assert deliver_pending() == 0
    assert not sms_outbox.exists()
