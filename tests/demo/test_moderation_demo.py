"""The demo's moderation and takedown requests on the Hà Nội page: reported comments hidden and
waiting, kept and removed; five violations and the lock they bring; an appeal waiting for the
central unit; takedown requests open, overdue, acted on and refused — all made through the
actions, shown on the moderator's screens, and made once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import timezone

from congdong.accounts.models import User
from congdong.engagement.models import Comment, CommentState, Notification, NotificationKind
from congdong.moderation.models import Appeal, AppealState, Case, CaseState, Lock, Report, Strike
from congdong.moderation.queries import active_lock
from congdong.pages.actions import do_establish_many
from congdong.takedown import queries as takedown_queries
from congdong.takedown.models import TakedownRequest, TakedownState, TakedownTransition
from congdong_tools.demo import posts as demo_posts
from congdong_tools.demo.moderation import MODERATOR, ensure_moderation
from congdong_tools.demo.personas import CITIZEN
from congdong_tools.demo.takedown import REQUESTS, ensure_takedowns
from tests.conftest import client_for, commune_named, demo_personas, unit_2025
from tests.engagement.conftest import citizen
from tests.worlds import committed_callbacks, module_world

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # builds demo data
K = NotificationKind


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[tuple]:
    """The demo's moderation and takedowns, made once for the module (tests/worlds.py)."""
    with module_world(django_db_blocker), pytest.MonkeyPatch.context() as patch:
        demo_personas()
        units = [
            unit_2025("TW"),
            unit_2025("01"),
            unit_2025("24"),
            commune_named("24", "Kinh Bắc"),
        ]
        do_establish_many(units, opened_at=timezone.now())
        # A few posts per page are enough (every state still on every page).
        patch.setattr(demo_posts, "PER_PAGE", dict.fromkeys(demo_posts.PER_PAGE, 14))
        demo_posts.ensure_posts()
        for n in range(16):
            citizen(f"+8491400{n:04d}", f"Công dân {n}")
        with committed_callbacks():
            made = ensure_moderation(), ensure_takedowns()
        yield made


@pytest.fixture
def made(world) -> tuple:
    return world


def test_reported_comments_are_waiting_kept_and_removed_with_a_lock_and_an_appeal(made):
    summary, _takedowns = made
    assert summary.comments == 10 and summary.reports == Report.objects.count() >= 25
    states = list(Case.objects.values_list("state", flat=True))
    assert states.count(CaseState.REMOVED) == 6
    assert states.count(CaseState.KEPT) == 1
    waiting = Case.objects.filter(state=CaseState.OPEN)
    assert waiting.count() == 4
    assert waiting.filter(auto_hidden_at__isnull=False).count() == 2
    # One of the city's own posts, reported by three accounts: urgent, still published, and
    # the city's moderator was told.
    official = waiting.get(post__isnull=False)
    assert official.urgent_at is not None and official.auto_hidden_at is None
    assert official.post.state == "published"
    assert Notification.objects.filter(
        recipient__username=MODERATOR, kind=K.REPORTS_URGENT, case=official
    ).exists()
    for case in waiting.filter(auto_hidden_at__isnull=False):
        assert case.comment.state == CommentState.HIDDEN
    lock = Lock.objects.get()
    assert lock.kind == "temporary" and active_lock(lock.user) == lock
    assert Strike.objects.filter(user=lock.user).count() == 5
    appeal = Appeal.objects.get()
    assert appeal.state == AppealState.PENDING and appeal.author != lock.user
    # Every decision was made in the past, through the actions (one transition each).
    assert not Case.objects.filter(decided_at__gt=timezone.now()).exists()
    # The persona citizen reported, was told of the outcome, and is not locked.
    an = User.objects.get(phone=CITIZEN["phone"])
    assert Report.objects.filter(reporter=an).count() == 3
    assert Notification.objects.filter(recipient=an, kind=K.REPORT_DECIDED).count() == 2
    assert active_lock(an) is None
    assert Notification.objects.filter(recipient=lock.user, kind=K.LOCK_TEMPORARY).count() == 1


def test_the_moderator_and_the_central_unit_see_them_on_their_screens(made, personas):
    moderator = personas[MODERATOR]
    html = client_for(moderator).get("/lam-viec/kiem-duyet/").content.decode()
    for case in Case.objects.filter(state=CaseState.OPEN):
        assert f'id="case-{case.pk}"' in html
    appeal = Appeal.objects.get()
    # The city's moderator removed it: the appeal goes to the central unit.
    assert (
        f"khang-nghi/{appeal.pk}/"
        not in client_for(moderator).get("/lam-viec/kiem-duyet/khang-nghi/").content.decode()
    )
    central = client_for(personas["tw.quantri"]).get("/lam-viec/kiem-duyet/khang-nghi/")
    assert f"khang-nghi/{appeal.pk}/" in central.content.decode()
    # Bắc Ninh's admin sees none of Hà Nội's cases.
    other = client_for(personas["bacninh.quantri"]).get("/lam-viec/kiem-duyet/").content.decode()
    assert not any(f'id="case-{c.pk}"' in other for c in Case.objects.all())
    # The locked citizen's case page says so.
    locked = Lock.objects.get().user
    assert 'id="lock-notice"' in client_for(locked).get("/cong-dan/vi-pham/").content.decode()


def test_takedown_requests_are_open_overdue_acted_and_refused(made, personas):
    _summary, recorded = made
    assert recorded == len(REQUESTS) == TakedownRequest.objects.count()
    states = sorted(TakedownRequest.objects.values_list("state", flat=True))
    assert states == sorted(["received", "received", "actioned", "refused"])
    late = takedown_queries.overdue()
    assert late.count() == 1 and late.get().reference == "318/SVHTT-QLBC"
    for item in TakedownRequest.objects.all():
        assert "147/2024" in item.legal_basis
        assert item.received_at <= item.created_at <= timezone.now()
    acted = TakedownRequest.objects.get(state=TakedownState.ACTIONED)
    assert acted.target_kind == "comment"
    assert Comment.objects.get(pk=acted.target_id).state == CommentState.HIDDEN
    assert Notification.objects.filter(
        recipient=personas["hanoi.quantri"], kind=K.TAKEDOWN_ACTED, takedown=acted
    ).exists()
    assert TakedownTransition.objects.count() == 4 + 2
    html = client_for(personas[MODERATOR]).get("/lam-viec/yeu-cau-go-bo/").content.decode()
    for item in TakedownRequest.objects.all():
        assert f'data-id="{item.pk}"' in html
    outsider = client_for(personas["bacninh.quantri"]).get("/lam-viec/yeu-cau-go-bo/")
    assert not any(
        f'data-id="{item.pk}"' in outsider.content.decode()
        for item in TakedownRequest.objects.all()
    )


def test_a_second_run_adds_nothing(made, django_capture_on_commit_callbacks):
    rows = [m.objects.count() for m in (Case, Report, Appeal, Lock, TakedownRequest, Notification)]
    with django_capture_on_commit_callbacks(execute=True):
        again = ensure_moderation()
        assert ensure_takedowns() == 0
    assert again.comments == again.reports == again.decisions == again.appeals == 0
    assert rows == [
        m.objects.count() for m in (Case, Report, Appeal, Lock, TakedownRequest, Notification)
    ]
