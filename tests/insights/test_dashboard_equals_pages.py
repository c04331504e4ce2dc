"""A dashboard's followers and posts are what the public pages show (issue 16 §2): for every
page of the demo, of every level and both structures, over several periods, the page's figures
on the dashboards equal its public page's, and a subtree's are the sum of its pages'. The same
holds live, through the actions that change what a page lists: publishing, hiding, archiving,
showing again, publishing down, resharing, following, deleting an account.

"The public page's figure for a period": its follower count (now: periods ending today), and
the posts it lists whose publication falls in the period."""

from __future__ import annotations

import datetime
import re
from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from congdong import events
from congdong.accounts.roles import Role
from congdong.campaigns import actions as campaign_actions
from congdong.campaigns.models import CampaignMode, CampaignTarget
from congdong.engagement.actions import follows
from congdong.engagement.models import PageCounter
from congdong.events import RawEvent
from congdong.insights import dashboard, figures, rollup
from congdong.insights.figures import EPOCH, Period
from congdong.insights.models import DayCount, Event, ReachSketch
from congdong.pages.models import Page, PageStatus
from congdong.posts import actions as post_actions
from congdong.posts.models import Post, PostState
from congdong.privacy import actions as privacy_actions
from congdong.units.models import Unit
from congdong_tools.demo.build import build
from tests.campaigns.conftest import central_approver as central_approver  # fixtures
from tests.campaigns.conftest import central_post as central_post
from tests.campaigns.conftest import launched
from tests.campaigns.conftest import province_editor as province_editor
from tests.campaigns.conftest import province_post as province_post
from tests.campaigns.conftest import tree as tree
from tests.engagement.conftest import citizen
from tests.posts.conftest import approved, grant

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


# ---------------------------------------------------------------- what the public pages show


def bounds(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(period.start, datetime.time.min, tz)
    return start, datetime.datetime.combine(period.end + DAY, datetime.time.min, tz)


def listed(page_ids, period: Period) -> Counter[int]:
    """Per page, the posts its public page lists (published now, on the page) that were
    published in the period: the filter of `posts.queries.published_posts`, for many pages."""
    start, end = bounds(period)
    return Counter(
        Post.objects.filter(
            page_id__in=list(page_ids),
            page__status=PageStatus.ACTIVE,
            state=PostState.PUBLISHED,
            published_at__gte=start,
            published_at__lt=end,
        ).values_list("page_id", flat=True)
    )


def header(page: Page) -> dict[str, int]:
    """The counts the public page shows at its top, read from its HTML as a visitor sees it."""
    response = Client().get(reverse("pages:public", args=[page.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    return {
        key: int(re.sub(r"\D", "", re.search(rf'data-count="{key}">([^<]*)<', html)[1]) or 0)
        for key in ("followers", "posts", "referrals")
    }


def followers() -> dict[int, int]:
    return dict(PageCounter.objects.values_list("page_id", "followers"))


# ---------------------------------------------------------------- the demo, every page


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    build(lambda _text: None, import_units=False, sample=True)


def periods(today: datetime.date) -> list[Period]:
    month = today.replace(day=1)
    before = (month - DAY).replace(day=1)
    return [
        Period(EPOCH, today),  # all time: the public page's own header
        Period.last(30, today),
        Period(month, today),
        Period(before, month - DAY),  # a whole past month
        Period((before - DAY).replace(day=1), before - DAY),
        Period(today, today),  # the day of the national publish-down
    ]


@pytest.mark.slow  # builds the sample demo
def test_the_demo_dashboards_have_the_followers_and_posts_of_the_public_pages(demo):
    """One build of the sample demo (a minute on a slow machine), two readings of it."""
    every_page_has_on_the_dashboards_the_followers_and_posts_of_its_public_page()
    own_rows_totals_levels_and_children_are_sums_of_public_pages()


def every_page_has_on_the_dashboards_the_followers_and_posts_of_its_public_page() -> None:
    today = timezone.localdate()
    roots = list(Unit.objects.filter(depth=1).select_related("structure"))
    assert {root.structure.code for root in roots} == {"2022", "2025"}
    counted = followers()
    checked: Counter[str] = Counter()
    for root in roots:
        pages = {
            page.pk: page
            for page in Page.objects.filter(
                status=PageStatus.ACTIVE, unit__path__startswith=root.path
            ).select_related("unit")
        }
        for period in periods(min(today, dashboard.last_day(root))):
            shown = listed(pages, period)
            ranked = figures.pages_ranked(root, period, "posts", n=len(pages))
            assert {page.pk for page, _row in ranked} == set(pages)
            for page, row in ranked:
                assert row["posts"] == shown[page.pk], (page.unit.full_name, period)
                if period.end == today:
                    assert row["followers"] == counted.get(page.pk, 0), page.unit.full_name
                checked[page.unit.level] += 1
    # Pages of every level were compared, with posts of their own, copies and reshares.
    assert {"central", "province", "commune"} <= set(checked)
    assert (
        CampaignTarget.objects.filter(campaign__mode=CampaignMode.RESHARE_TASK)
        .exclude(copy=None)
        .exists()
    )
    assert Post.objects.filter(state__in=[PostState.HIDDEN, PostState.ARCHIVED]).exists()


def own_rows_totals_levels_and_children_are_sums_of_public_pages() -> None:
    today = timezone.localdate()
    counted = followers()
    centre = Unit.objects.get(structure__code="2025", depth=1)
    bac_ninh = Unit.objects.get(structure__code="2025", code="24")
    kinh_bac = Unit.objects.get(structure__code="2025", name="Kinh Bắc")
    old = Unit.objects.get(structure__code="2022", depth=1)
    for unit in (centre, bac_ninh, kinh_bac, old):
        pages = list(
            Page.objects.filter(status=PageStatus.ACTIVE, unit__path__startswith=unit.path)
            .select_related("unit")
            .order_by("unit__path")
        )
        for period in periods(min(today, dashboard.last_day(unit)))[:4]:
            shown = listed([page.pk for page in pages], period)
            board = dashboard.data(unit, period)

            def public(of: list[Page], period=period, shown=shown) -> dict[str, int]:
                sums = {"posts": sum(shown[page.pk] for page in of)}
                if period.end == today:
                    sums["followers"] = sum(counted.get(page.pk, 0) for page in of)
                return sums

            def figures_of(row: dict, period=period) -> dict[str, int]:
                keys = ["posts", "followers"] if period.end == today else ["posts"]
                return {key: row[key] for key in keys}

            assert figures_of(board.totals) == public(pages), (unit.full_name, period)
            own = [page for page in pages if page.unit_id == unit.pk]
            assert figures_of(board.own) == public(own)
            for level, row in board.levels:
                assert figures_of(row) == public([p for p in pages if p.unit.level == level])
            for child, row in board.children:
                assert figures_of(row) == public([p for p in pages if p.unit.is_within(child)])
            for page, row in board.top_pages + board.bottom_pages:
                assert figures_of(row) == public([page]), page.unit.full_name
    # The header of the public page itself, for pages of each level: all time, ending today.
    everything = Period(EPOCH, today)
    for page in Page.objects.filter(unit__in=[centre, bac_ninh, kinh_bac]).select_related("unit"):
        own = figures.own(page.unit, everything)
        top = header(page)
        assert (own["followers"], own["posts"], own["referrals"]) == (
            top["followers"],
            top["posts"],
            top["referrals"],
        ), page.unit.full_name


# ---------------------------------------------------------------- live, through the actions


@pytest.mark.slow  # seconds on its own: posts moved through the actions, read back
def test_what_changes_a_public_page_changes_its_dashboard_the_same_way(
    personas,
    tree,
    central_approver,
    central_post,
    province_post,
    django_capture_on_commit_callbacks,
):
    editor, province_admin = personas["kinhbac.canbo"], personas["bacninh.quantri"]
    approver = grant("kinhbac.duyettin", tree.kinh_bac.unit, Role.APPROVER)
    today = timezone.localdate()
    back = timezone.now() - datetime.timedelta(days=40)
    earlier = timezone.localdate(back)
    with django_capture_on_commit_callbacks(execute=True):
        posts = []
        for _n in range(4):
            post = approved(editor, approver, tree.kinh_bac)
            posts.append(post_actions.publish_or_schedule(editor, post.pk))
    events.flush()
    # The first was published 40 days ago: its publication and its event moved back, the
    # figures made again from the events.
    Post.objects.filter(pk=posts[0].pk).update(published_at=back)
    Event.objects.filter(post_id=posts[0].pk).update(at=back, day=earlier)
    _rebuild_figures()
    with django_capture_on_commit_callbacks(execute=True):
        post_actions.hide(editor, posts[0].pk, "Tạm ẩn để đính chính")  # the old one
        post_actions.archive(editor, posts[1].pk)
        post_actions.hide(editor, posts[2].pk, "Tạm ẩn để đính chính")
        post_actions.unhide(editor, posts[2].pk)
        # Published down from the centre to every page below; a reshare task from Bắc Ninh,
        # done by Kinh Bắc, whose copy is later hidden.
        launched(personas["tw.bientap"], central_approver, central_post)
        task = launched(
            province_admin, province_admin, province_post, mode=CampaignMode.RESHARE_TASK
        )
        target = CampaignTarget.objects.get(campaign=task, page=tree.kinh_bac)
        campaign_actions.reshare(editor, target.pk)
        copy = CampaignTarget.objects.get(pk=target.pk).copy
        post_actions.hide(editor, copy.pk, "Tạm ẩn chia sẻ lại")
        # Two citizens follow; one deletes their account.
        an, binh = citizen("+84912000101", "Lê Văn An"), citizen("+84912000102")
        for person in (an, binh):
            follows.follow(person, tree.kinh_bac.pk)
            follows.follow(person, tree.bac_ninh.pk)
        privacy_actions.delete_account(an, True, "XOA")
    events.flush()

    pages = list(
        Page.objects.filter(status=PageStatus.ACTIVE).select_related("unit").order_by("pk")
    )
    counted = followers()
    for period in (Period(EPOCH, today), Period(today, today), Period(earlier, earlier)):
        shown = listed([page.pk for page in pages], period)
        for page in pages:
            own = figures.own(page.unit, period)
            assert own["posts"] == shown[page.pk], (page.unit.full_name, period)
            if period.end == today:
                assert own["followers"] == counted.get(page.pk, 0), page.unit.full_name
    # Kinh Bắc lists two of its own posts, the copy from the centre (its reshare is hidden).
    assert listed([tree.kinh_bac.pk], Period(EPOCH, today))[tree.kinh_bac.pk] == 3
    assert header(tree.kinh_bac) == {"followers": 1, "posts": 3, "referrals": 0}
    everything = figures.own(tree.kinh_bac.unit, Period(EPOCH, today))
    assert (everything["followers"], everything["posts"], everything["reshares"]) == (1, 3, 1)
    board = dashboard.data(tree.bac_ninh.unit, Period(EPOCH, today))
    below = [page for page in pages if page.unit.is_within(tree.bac_ninh.unit)]
    all_time = listed([page.pk for page in below], Period(EPOCH, today))
    assert board.totals["posts"] == sum(all_time.values())
    assert board.totals["followers"] == sum(counted.get(page.pk, 0) for page in below) == 2


def _rebuild_figures() -> None:
    """The stored figures again from the raw events (the test moved one event back)."""
    DayCount.objects.all().delete()
    ReachSketch.objects.all().delete()
    rollup.add_to_figures(
        RawEvent(e.id, e.kind, e.page_id, e.post_id, e.user_id, e.visitor, e.at)
        for e in Event.objects.all()
    )
