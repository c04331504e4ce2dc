"""Moderation tests: pages of phường Kinh Bắc, a sibling commune of Bắc Ninh, the province and
Hà Nội; a comment and a post published on Kinh Bắc; moderators at each level."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.utils import timezone

from congdong.accounts.models import User
from congdong.accounts.roles import Role
from congdong.engagement.actions import comments as comment_actions
from congdong.engagement.models import Comment
from congdong.pages.actions import do_establish_many
from congdong.pages.models import Page
from congdong.posts.models import Post
from congdong.units.models import Level, Unit
from tests.engagement.conftest import citizen, published
from tests.posts.conftest import grant, pages, regulation  # noqa: F401 (fixtures)


@dataclass
class World:
    post: Post
    comment: Comment
    author: User
    citizens: list[User]
    commune_mod: User
    province_mod: User
    sibling_mod: User
    hanoi_mod: User
    sibling: Page


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # rate-limit windows must not leak between tests
    yield
    cache.clear()


@pytest.fixture
def world(pages) -> World:  # noqa: F811 (the fixture imported above)
    kinh_bac = pages.kinh_bac.unit
    sibling_unit = (
        Unit.objects.filter(parent=kinh_bac.parent, level=Level.COMMUNE)
        .exclude(pk=kinh_bac.pk)
        .order_by("path")
        .first()
    )
    do_establish_many([sibling_unit], opened_at=timezone.now())
    post = published(pages.kinh_bac)
    author = citizen("+84900000001", "Lê Văn Viết")
    comment = comment_actions.comment(author, post.pk, "Bình luận có lời lẽ xúc phạm")
    return World(
        post=post,
        comment=comment,
        author=author,
        citizens=[citizen(f"+8490000010{i}", f"Công dân {i}") for i in range(5)],
        commune_mod=grant("kinhbac.kiemduyet", kinh_bac, Role.MODERATOR),
        province_mod=grant("bacninh.kiemduyet", pages.bac_ninh.unit, Role.MODERATOR),
        sibling_mod=grant("xakhac.kiemduyet", sibling_unit, Role.MODERATOR),
        hanoi_mod=grant("hanoi.kiemduyet", pages.ha_noi.unit, Role.MODERATOR),
        sibling=Page.objects.get(unit=sibling_unit),
    )
