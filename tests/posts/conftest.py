"""Pages in Bắc Ninh and Hà Nội with the default regulation, and helpers to move posts along."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.utils import timezone

from congdong.accounts.actions.roles import Grant, do_grant
from congdong.accounts.models import AccountKind, Organisation, User
from congdong.accounts.roles import Role
from congdong.pages.actions import do_establish_many
from congdong.pages.models import Page
from congdong.posts import actions
from congdong.posts.default_regulation import ensure_default_regulation
from congdong.posts.models import Post, Regulation
from congdong.units.models import Unit
from tests.conftest import commune_named, unit_2025


@dataclass(frozen=True)
class Pages:
    kinh_bac: Page
    bac_ninh: Page
    ha_noi: Page


@pytest.fixture
def regulation(db) -> Regulation:
    return ensure_default_regulation()


@pytest.fixture
def pages(personas, regulation) -> Pages:
    units = [commune_named("24", "Kinh Bắc"), unit_2025("24"), unit_2025("01")]
    do_establish_many(units, opened_at=timezone.now())
    kinh_bac, bac_ninh, ha_noi = (Page.objects.get(unit=unit) for unit in units)
    return Pages(kinh_bac, bac_ninh, ha_noi)


def grant(username: str, unit: Unit, role: Role) -> User:
    """A staff account (created if needed) holding `role` on `unit`."""
    user, _ = User.objects.get_or_create(
        username=username, defaults={"kind": AccountKind.STAFF, "full_name": username}
    )
    if user.memberships.filter(unit=unit, role=role).exists():
        return user  # granted before: a helper called twice is no error
    org = Organisation.objects.get(code=Organisation.Code.FRONT)
    do_grant(None, Grant(unit=unit, user=user, organisation=org, role=role))
    return user


@pytest.fixture
def commune_approver(pages) -> User:
    """An approver of phường Kinh Bắc only."""
    return grant("kinhbac.duyettin", pages.kinh_bac.unit, Role.APPROVER)


def write(author: User, page: Page, category: str = "hoat-dong-mat-tran", **fields) -> Post:
    """A draft by `author` that passes the default regulation unless `fields` say otherwise."""
    data = {
        "category": category,
        "title": "Ra quân làm sạch môi trường khu dân cư",
        "body": "<p>Sáng Chủ nhật, Ban công tác Mặt trận các khu dân cư đã ra quân.</p>",
        "source_url": "",
        "tags": "môi trường, khu dân cư",
    }
    return actions.create_draft(author, page.pk, data | fields)


def submitted(author: User, page: Page, category: str = "hoat-dong-mat-tran", **fields) -> Post:
    return actions.submit(author, write(author, page, category, **fields).pk)


def approved(
    author: User, approver: User, page: Page, category: str = "hoat-dong-mat-tran", **fields
) -> Post:
    post = submitted(author, page, category, **fields)
    return actions.approve(approver, post.pk)


def published(
    author: User, approver: User, page: Page, category: str = "hoat-dong-mat-tran", **fields
) -> Post:
    """Written by `author`, approved by `approver` and published at once."""
    post = approved(author, approver, page, category, **fields)
    return actions.publish_or_schedule(author, post.pk)


def content(post: Post, **changes) -> dict:
    """The post's editable fields as its form sends them, with `changes`."""
    fields = {
        "category": post.category.code,
        "title": post.title,
        "body": post.body,
        "source_url": post.source_url,
        "tags": post.tags,
    }
    return fields | changes


def moves(post: Post) -> list[tuple[str, str]]:
    return list(post.transitions.order_by("at", "pk").values_list("from_state", "to_state"))
