"""Takedown tests: pages of phường Kinh Bắc, a sibling commune, Bắc Ninh and Hà Nội; a post
published on Kinh Bắc with a citizen's comment; moderators at each level; a fixed receiving time
(Saturday 7 March 2026, 22:00 in Hà Nội: the 24 hours run through Sunday)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from congdong.accounts.models import User
from congdong.engagement.models import Comment
from congdong.pages.models import Page
from congdong.posts.models import Post
from congdong.takedown import actions
from congdong.takedown.models import TakedownRequest
from tests.clock import VN
from tests.moderation.commune_world import commented_commune
from tests.posts.conftest import grant, pages, regulation  # noqa: F401 (fixtures)

RECEIVED = datetime.datetime(2026, 3, 7, 22, 0, tzinfo=VN)
COMMENT_TEXT = "Bình luận xuyên tạc, kích động chống phá chính quyền địa phương"
AUTHORITY = "Sở Thông tin và Truyền thông tỉnh Bắc Ninh"
BASIS = "Nghị định 147/2024/NĐ-CP, Điều 23"


@dataclass
class World:
    post: Post
    comment: Comment
    author: User
    kinh_bac: Page
    sibling: Page
    commune_mod: User
    province_mod: User
    sibling_mod: User
    hanoi_mod: User
    people: dict[str, User]


@pytest.fixture
def world(pages, personas) -> World:  # noqa: F811
    return World(**commented_commune(pages, COMMENT_TEXT), kinh_bac=pages.kinh_bac, people=personas)


def fields(target_kind: str = "comment", target_id: int | None = None, **more) -> dict:
    return {
        "authority": AUTHORITY,
        "reference": "123/STTTT-TTĐT",
        "contact": "Phòng Thông tin điện tử, 0222 3822 000",
        "legal_basis": BASIS,
        "target_kind": target_kind,
        "target_id": target_id,
        **more,
    }


def record(
    actor: User, target: Post | Comment, now: datetime.datetime = RECEIVED
) -> TakedownRequest:
    kind = "post" if isinstance(target, Post) else "comment"
    return actions.intake(actor, fields(kind, target.pk), now=now)
