"""Copies say on the public page where they came from, in one query for a whole list."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.campaigns.conftest import launched

pytestmark = pytest.mark.django_db


def test_a_copy_shows_its_upper_unit_on_the_page_and_on_its_own_address(
    personas, tree, central_post, central_approver, django_assert_max_num_queries
):
    from congdong.posts import actions

    actions.publish_or_schedule(central_approver, central_post.pk)
    campaign = launched(personas["tw.bientap"], central_approver, central_post)
    copy = campaign.targets.get(page=tree.kinh_bac).copy
    client = Client()

    page = client.get(f"/trang/{tree.kinh_bac.slug}/").content.decode()
    assert 'class="origin' in page
    assert f"/trang/{tree.centre.slug}/tin/{central_post.pk}/" in page

    single = client.get(f"/trang/{tree.kinh_bac.slug}/tin/{copy.pk}/").content.decode()
    assert 'class="origin' in single
    assert tree.centre.unit.full_name in single

    # The central page's own post is no copy: no "from" line.
    own = client.get(f"/trang/{tree.centre.slug}/tin/{central_post.pk}/").content.decode()
    assert 'class="origin' not in own


def test_the_from_line_costs_one_query_for_a_list(
    personas, tree, central_post, central_approver, django_assert_num_queries
):
    from congdong.campaigns.templatetags.campaigns import campaign_origin
    from congdong.posts.models import Post
    from tests.posts.conftest import approved

    launched(personas["tw.bientap"], central_approver, central_post)
    launched(
        personas["tw.bientap"],
        central_approver,
        approved(personas["tw.bientap"], central_approver, tree.centre),
    )
    posts = list(Post.objects.filter(page=tree.kinh_bac))
    assert len(posts) == 2
    context = {"posts": posts}
    with django_assert_num_queries(1):
        origins = [campaign_origin(context, post) for post in posts]
    assert all(origin.unit == tree.centre.unit for origin in origins)
