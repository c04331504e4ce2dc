"""Moderation tests: pages of phường Kinh Bắc, a sibling commune of Bắc Ninh, the province and
Hà Nội; a comment and a post published on Kinh Bắc; moderators at each level."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.cache import cache

from congdong.accounts.models import User
from congdong.engagement.models import Comment
from congdong.pages.models import Page
from congdong.posts.models import Post
from tests.engagement.conftest import citizen
from tests.moderation.commune_world import commented_commune
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
def run_after_commit(django_capture_on_commit_callbacks):
    """Run what the actions leave for after the commit (the test's transaction never ends)."""

    def run(step):
        with django_capture_on_commit_callbacks(execute=True):
            return step()

    return run


@pytest.fixture
def world(pages) -> World:  # noqa: F811 (the fixture imported above)
    return World(
        **commented_commune(pages, "Bình luận có lời lẽ xúc phạm"),
        citizens=[citizen(f"+8490000010{i}", f"Công dân {i}") for i in range(5)],
    )
