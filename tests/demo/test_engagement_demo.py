"""The demo's citizens and what they did: counters equal to the rows, follows of active pages
only, comments on published posts with their history, created once, and a lively feed for the
persona citizen."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from congdong.accounts.models import AccountKind, User
from congdong.accounts.phones import normalise_mobile
from congdong.engagement.feeds import feed_for
from congdong.engagement.models import (
    Comment,
    CommentState,
    Follow,
    Notification,
    NotificationKind,
    PageCounter,
    Reaction,
    ReferralOpen,
    Share,
)
from congdong.pages.actions import do_establish_many, move_page
from congdong.pages.models import CommentPolicy, Page, PageStatus
from congdong.pages.queries import can_operate
from congdong.posts.models import PostState
from congdong.units.models import Level, Unit
from congdong_tools.demo import posts as demo_posts
from congdong_tools.demo.engagement import ensure_engagement
from congdong_tools.demo.personas import CITIZEN
from tests.conftest import client_for, commune_named, demo_personas, unit_2025
from tests.worlds import module_world

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # builds demo data
SCALE = 300  # citizens: enough for every kind of row, quick to make
C = CommentState


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[tuple]:
    """The demo's pages (as tests/posts/test_demo_posts.py sets them up), more Bắc Ninh
    communes, another province, one Bắc Ninh commune page that is suspended, and the
    citizens' engagement on them: made once for the module (tests/worlds.py)."""
    with module_world(django_db_blocker), pytest.MonkeyPatch.context() as patch:
        personas = demo_personas()
        kinh_bac = commune_named("24", "Kinh Bắc")
        communes = list(
            Unit.objects.in_subtree(unit_2025("24"))
            .filter(level=Level.COMMUNE)
            .exclude(pk=kinh_bac.pk)
            .order_by("path")[: demo_posts.OTHER_COMMUNES + 8]
        )
        units = [unit_2025("TW"), unit_2025("01"), unit_2025("24"), unit_2025("79"), kinh_bac]
        do_establish_many([*units, *communes], opened_at=timezone.now())
        closed = Page.objects.get(unit=communes[-1])
        move_page(
            personas["bacninh.quantri"], closed.pk, PageStatus.SUSPENDED, "Tạm dừng để rà soát"
        )
        # Fewer posts per page than the demo's (every state still on every page): the demo's
        # 310 posts through the actions take most of the time.
        patch.setattr(demo_posts, "PER_PAGE", dict.fromkeys(demo_posts.PER_PAGE, 14))
        demo_posts.ensure_posts()
        yield closed, ensure_engagement(citizens=SCALE)


@pytest.fixture
def suspended(world) -> Page:
    return world[0]


@pytest.fixture
def made(world):
    return world[1]


def test_citizens_have_verified_vietnamese_mobiles_names_and_birthdays(made):
    summary = made
    citizens = User.objects.filter(kind=AccountKind.CITIZEN).exclude(phone=CITIZEN["phone"])
    assert citizens.count() == summary.citizens == SCALE
    assert User.objects.filter(phone=CITIZEN["phone"]).count() == 1
    for user in citizens:
        assert normalise_mobile(user.phone) == user.phone
        assert user.username == "cd" + user.phone[1:]
        assert user.phone_verified_at is not None and not user.has_usable_password()
        assert datetime.date(1950, 1, 1) <= user.date_of_birth <= datetime.date(2007, 12, 31)
        assert re.fullmatch(r"\w+( \w+){2,3}", user.full_name), user.full_name
    nguyen = citizens.filter(full_name__startswith="Nguyễn ").count() / citizens.count()
    assert 0.25 < nguyen < 0.5


def test_only_active_pages_are_followed_and_the_counters_equal_the_rows(made, suspended):
    assert not Follow.objects.exclude(page__status=PageStatus.ACTIVE).exists()
    assert not Follow.objects.filter(page=suspended).exists()
    assert not ReferralOpen.objects.exclude(page__status=PageStatus.ACTIVE).exists()
    # Most citizens follow their commune and their province: Kinh Bắc and Bắc Ninh lead.
    top = list(
        PageCounter.objects.order_by("-followers").values_list("page__unit__code", flat=True)
    )
    assert {commune_named("24", "Kinh Bắc").code, "24"} & set(top[:3])

    followers = dict(Follow.objects.values_list("page").annotate(n=Count("pk")))
    referrals = dict(ReferralOpen.objects.values_list("page").annotate(n=Count("pk")))
    counters = {c.page_id: c for c in PageCounter.objects.all()}
    assert set(followers) | set(referrals) <= set(counters)
    for page_id, counter in counters.items():
        assert counter.followers == followers.get(page_id, 0), page_id
        assert counter.referrals == referrals.get(page_id, 0), page_id
    assert sum(followers.values()) >= SCALE  # everyone follows at least one page


def test_reactions_and_comments_are_on_published_posts_with_the_history_actions_write(made):
    reactions = Reaction.objects.select_related("post")
    assert reactions.count() > 50
    for reaction in reactions:
        assert reaction.post.state == PostState.PUBLISHED
        assert reaction.post.published_at <= reaction.created_at <= timezone.now()
    per_post = sorted(
        Reaction.objects.values("post").annotate(n=Count("pk")).values_list("n", flat=True)
    )
    assert per_post[-1] >= 5 * per_post[len(per_post) // 2]  # a long tail

    comments = Comment.objects.select_related("post__page__unit", "parent", "author")
    assert comments.count() > 50
    assert not comments.exclude(post__state=PostState.PUBLISHED).exists()
    for comment in comments.prefetch_related("transitions"):
        moves = list(comment.transitions.all())
        assert moves[0].from_state == "" and moves[-1].to_state == comment.state
        assert comment.post.published_at <= comment.created_at <= timezone.now()
        if comment.state == C.HIDDEN:
            assert len(moves[-1].reason) >= 10
        if comment.state == C.HELD:
            assert comment.post.page.comment_policy == CommentPolicy.REVIEW
        if comment.parent:
            assert comment.parent.parent_id is None and comment.parent.state == C.VISIBLE
            assert comment.created_at >= comment.parent.created_at
        if comment.as_page:
            assert comment.parent and can_operate(comment.author, comment.post.page)
    states = set(comments.values_list("state", flat=True))
    assert {C.VISIBLE, C.HELD} <= states
    assert comments.filter(as_page=True).exists()
    assert Page.objects.filter(comment_policy=CommentPolicy.REVIEW).count() in (2, 3)


def test_referrals_credit_follows_and_kinh_bac_leads_the_leaderboard(made, personas):
    opens = ReferralOpen.objects.all()
    assert opens.count() > 0
    assert opens.values("page", "recipient_key").distinct().count() == opens.count()
    followed = opens.filter(followed_at__isnull=False)
    assert followed.exists()
    for row in followed:
        follow = Follow.objects.get(referral=row)
        assert row.recipient_key == f"u{follow.user_id}" and follow.page_id == row.page_id
        assert row.followed_at == follow.created_at
        days = datetime.timedelta(days=settings.REFERRAL_FOLLOW_DAYS)
        assert row.opened_at <= follow.created_at <= row.opened_at + days
    assert not Follow.objects.filter(referral__isnull=False, referral__followed_at=None).exists()
    for key in opens.values_list("recipient_key", flat=True):
        assert re.fullmatch(r"u\d+|v[0-9a-f]{31}", key)

    response = client_for(personas["bacninh.quantri"]).get("/gioi-thieu/")
    assert response.status_code == 200
    kinh_bac = Page.objects.get(unit=commune_named("24", "Kinh Bắc"))
    slugs = re.findall(r'data-referrals="([^"]+)"', response.content.decode())
    assert kinh_bac.slug in slugs[:3]
    staff = set(
        ReferralOpen.objects.filter(referrer__kind=AccountKind.STAFF).values_list(
            "referrer__username", flat=True
        )
    )
    assert {"tw.bientap", "bacninh.quantri", "kinhbac.canbo", "kinhbac.doanvien"} <= staff
    assert Share.objects.exists()


def test_a_second_run_adds_nothing(made):
    counts = [m.objects.count() for m in (User, Follow, Reaction, Comment, ReferralOpen, Share)]
    again = ensure_engagement(citizens=SCALE)
    assert again.citizens == again.follows == again.comments == 0
    assert counts == [
        m.objects.count() for m in (User, Follow, Reaction, Comment, ReferralOpen, Share)
    ]


def test_the_persona_citizen_sees_a_lively_feed(made, personas):
    an = User.objects.get(phone=CITIZEN["phone"])
    followed = set(Follow.objects.filter(user=an).values_list("page__unit__code", flat=True))
    assert followed == {"TW", "24", commune_named("24", "Kinh Bắc").code}
    assert len(feed_for(an).posts) > 0
    assert Reaction.objects.filter(user=an).count() >= 3
    question = Comment.objects.get(author=an, parent=None)
    answer = question.replies.get(as_page=True)
    assert answer.author.username == "kinhbac.canbo"
    assert Notification.objects.filter(
        recipient=an, kind=NotificationKind.REPLY, comment=answer, read_at=None
    ).exists()
    response = client_for(an).get("/bang-tin/")
    assert response.status_code == 200
    assert 'id="feed"' in response.content.decode()


def test_the_demos_figures_are_its_rows_replayed_once_through_ingestion(made):
    from congdong.insights import figures
    from congdong.insights.figures import Period
    from congdong_tools.demo.insights import ensure_history

    assert ensure_history() > 0
    assert ensure_history() == 0  # once
    all_time = Period(datetime.date(2020, 1, 1), timezone.localdate())
    for page in Page.objects.filter(follows__isnull=False).distinct().select_related("unit"):
        own = figures.own(page.unit, all_time)
        assert own["followers"] == Follow.objects.filter(page=page).count()
        assert own["referrals"] == ReferralOpen.objects.filter(page=page).count()
        assert own["reactions"] == Reaction.objects.filter(post__page=page).count()
        assert own["impressions"] > 0 and own["reach"] > 0
    nation = unit_2025("TW")
    total = figures.totals(nation, all_time)
    assert total["followers"] == Follow.objects.filter(page__unit__structure__code="2025").count()
    assert total["shares"] == Share.objects.filter(page__unit__structure__code="2025").count()
